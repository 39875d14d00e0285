import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import { Trimmed } from '../common/http/trimmed.js';

const PHONE_DESCRIPTION =
  "The customer's phone number, in any form (+44 20 7946 0000, 020 7946 0000): without a +country code it is read in PHONE_DEFAULT_REGION";

export class CustomerPhoneDto {
  @ApiProperty({ maxLength: 40, example: '+44 20 7946 0000', description: PHONE_DESCRIPTION })
  @Trimmed()
  @IsString()
  @MaxLength(40)
  @Matches(/^(?=(?:\D*\d){4})[0-9 ()+./-]+$/, { message: 'phone must be a phone number: digits, spaces and ( ) + . / - only' })
  phone!: string;
}

export class ErasureView {
  @ApiProperty({ description: 'Orders whose personal fields now read as "[erased]"; 0 when there was nothing (left) to erase', example: 3 })
  erasedOrders!: number;

  @ApiPropertyOptional({
    description: 'The position of the CustomerDataErased event: pass it as minPosition to read the erasure in the read models',
    example: 1043,
  })
  position?: number;
}

export class ExportedEventView {
  @ApiProperty({ format: 'uuid', example: '019aeb0c-5f2e-7a41-9c3d-2b8e4f6a1d07' }) eventId!: string;
  @ApiProperty({ example: 'OrderPlaced' }) type!: string;
  @ApiProperty({ example: 1 }) version!: number;
  @ApiProperty({ example: 1042 }) position!: number;
  @ApiProperty({ format: 'date-time', example: '2026-12-07T19:04:11.250Z' }) occurredAt!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Who caused it: correlation id and actor',
    example: { correlationId: 'c0ffee00-1234-4abc-8def-000000000001', actor: { kind: 'customer' } },
  })
  metadata!: Record<string, unknown>;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The event data as GET /events/schemas describes it, personal fields included',
    example: {
      orderId: '0b7f3c1e-8a52-4d3e-9a35-6f1c2d4e5a6b',
      customer: { name: 'Ada Lovelace', phone: '+442079460000', address: '12 St James Square, London' },
      notes: 'Ring twice',
    },
  })
  data!: Record<string, unknown>;
}

export class ExportedStreamView {
  @ApiProperty({ example: 'order-0b7f3c1e-8a52-4d3e-9a35-6f1c2d4e5a6b' }) streamId!: string;
  @ApiProperty({
    format: 'date-time',
    example: '2026-12-07T19:04:11.250Z',
    description: "When the customer's data in this stream was first stored",
  })
  keptSince!: string;
  @ApiProperty({ type: () => [ExportedEventView] }) events!: ExportedEventView[];
}

export class CustomerExportView {
  @ApiProperty({ format: 'date-time', example: '2026-12-08T09:30:00.000Z' }) exportedAt!: string;
  @ApiProperty({ example: '+442079460000', description: 'The phone number asked for, in E.164' }) phone!: string;
  @ApiProperty({ type: () => [ExportedStreamView], description: 'Every order holding their data, with all its events' })
  streams!: ExportedStreamView[];
}
