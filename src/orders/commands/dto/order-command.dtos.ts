import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { MayBeOmitted } from '../../../common/http/may-be-omitted.js';

export class ConfirmOrderDto {
  @ApiPropertyOptional({
    description: 'When the kitchen expects the order to be ready (ISO-8601)',
    format: 'date-time',
    example: '2026-11-22T19:30:00.000Z',
  })
  @MayBeOmitted()
  @IsISO8601({ strict: true }, { message: 'estimatedReadyAt must be an ISO-8601 timestamp' })
  estimatedReadyAt?: string;

  @ApiPropertyOptional({ maxLength: 500, example: 'Extra crispy base' })
  @MayBeOmitted()
  @IsString()
  @MaxLength(500)
  kitchenNotes?: string;
}

export class PayOrderDto {
  @ApiProperty({ enum: ['card', 'cash'], example: 'card' })
  @IsIn(['card', 'cash'], { message: 'method must be one of card, cash' })
  method!: 'card' | 'cash';

  @ApiPropertyOptional({ description: "The payment provider's reference", maxLength: 100, example: 'txn_8f3a2c' })
  @MayBeOmitted()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  transactionId?: string;
}

export class ApplyDiscountDto {
  @ApiProperty({
    description: 'A discount code from the menu (WELCOME10, PIZZA20, HALFPRICE, FIVEOFF, TENOFF)',
    maxLength: 40,
    example: 'WELCOME10',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(40)
  code!: string;
}

export class DispatchOrderDto {
  @ApiPropertyOptional({ description: 'Who takes the order out', maxLength: 100, example: 'Luigi' })
  @MayBeOmitted()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  courier?: string;
}

export class CancelOrderDto {
  @ApiProperty({ maxLength: 500, example: 'Customer changed their mind' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason!: string;
}

/** For the commands that take no input: anything sent is rejected by the whitelist. */
export class EmptyDto {}
