import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { MayBeOmitted } from '../../../common/http/may-be-omitted.js';

const STATUSES = ['PENDING', 'CONFIRMED', 'COOKING', 'READY', 'OUT_FOR_DELIVERY', 'DELIVERED', 'PICKED_UP', 'CANCELLED'];

/** Every query takes minPosition: answer once the read model behind it has that write. */
export class ReadYourWritesDto {
  @ApiPropertyOptional({
    description:
      'Read your write: answer once the read model has applied the event at this position (a write returns it), else 503 PROJECTION_BEHIND',
    minimum: 0,
    example: 1043,
  })
  @MayBeOmitted()
  @Type(() => Number)
  @IsInt({ message: 'minPosition must be a whole number' })
  @Min(0)
  // 1e300 is an integer to JavaScript; past 2^53 a position is neither exact nor a bigint PostgreSQL takes.
  @Max(Number.MAX_SAFE_INTEGER)
  minPosition?: number;
}

export class ListOrdersDto extends ReadYourWritesDto {
  @ApiPropertyOptional({ description: `One status or several, comma-separated: ${STATUSES.join(', ')}`, example: 'CONFIRMED,COOKING' })
  @MayBeOmitted()
  @IsString()
  @Matches(new RegExp(`^(${STATUSES.join('|')})(,(${STATUSES.join('|')}))*$`), {
    message: `status must be one or more (comma-separated) of ${STATUSES.join(', ')}`,
  })
  status?: string;

  @ApiPropertyOptional({
    description: "The customer's phone, or its last 4 or more digits: only digits are compared, and orders whose phone ends in them match",
    example: '7946 0000',
  })
  @MayBeOmitted()
  @IsString()
  // 4 to 15 digits (E.164's most), among spaces and ()-./ and an optional leading +.
  @Matches(/^(?=(?:\D*\d){4,15}\D*$)\+?[0-9 ()./-]{4,30}$/, { message: 'phone must be a phone number or its last digits: 4 to 15 of them' })
  phone?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20, example: 20 })
  @MayBeOmitted()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({
    description: 'nextCursor from the previous page',
    maxLength: 200,
    example: 'WyIyMDI2LTExLTIyVDE4OjA0OjA1LjEyM1oiLCIwYjdmIl0',
  })
  @MayBeOmitted()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export class OrderStateDto extends ReadYourWritesDto {
  @ApiProperty({ description: 'The instant to rebuild the order at (ISO-8601)', format: 'date-time', example: '2026-11-22T18:05:00.000Z' })
  @IsISO8601({ strict: true }, { message: 'asOf must be an ISO-8601 timestamp' })
  asOf!: string;
}

export class AnalyticsSummaryDto extends ReadYourWritesDto {
  @ApiPropertyOptional({ description: 'First UTC day (default: 29 days before `to`)', format: 'date', example: '2026-11-01' })
  @MayBeOmitted()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO-8601 date' })
  from?: string;

  @ApiPropertyOptional({ description: 'Last UTC day, included (default: today)', format: 'date', example: '2026-11-22' })
  @MayBeOmitted()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO-8601 date' })
  to?: string;
}

export { STATUSES as ORDER_STATUSES };
