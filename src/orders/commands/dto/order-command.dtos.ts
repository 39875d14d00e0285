import { IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export class ConfirmOrderDto {
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'estimatedReadyAt must be an ISO-8601 timestamp' })
  estimatedReadyAt?: string;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  kitchenNotes?: string;
}

export class PayOrderDto {
  @IsIn(['card', 'cash'], { message: 'method must be one of card, cash' })
  method!: 'card' | 'cash';

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  transactionId?: string;
}

export class ApplyDiscountDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(40)
  code!: string;
}

export class DispatchOrderDto {
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  courier?: string;
}

export class CancelOrderDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason!: string;
}

/** For the commands that take no input: anything sent is rejected by the whitelist. */
export class EmptyDto {}
