import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

const STATUSES = ['PENDING', 'CONFIRMED', 'COOKING', 'READY', 'OUT_FOR_DELIVERY', 'DELIVERED', 'PICKED_UP', 'CANCELLED'];

/** Every query takes minPosition: answer once the read model behind it has that write. */
export class ReadYourWritesDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'minPosition must be a whole number' })
  @Min(0)
  minPosition?: number;
}

export class ListOrdersDto extends ReadYourWritesDto {
  @IsOptional()
  @IsString()
  @Matches(new RegExp(`^(${STATUSES.join('|')})(,(${STATUSES.join('|')}))*$`), {
    message: `status must be one or more (comma-separated) of ${STATUSES.join(', ')}`,
  })
  status?: string;

  @IsOptional()
  @IsString()
  @Matches(/^\+?[0-9 ()./-]{3,25}$/, { message: 'phone must be a phone number' })
  phone?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(100)
  limit?: number;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export class OrderStateDto extends ReadYourWritesDto {
  @IsISO8601({ strict: true }, { message: 'asOf must be an ISO-8601 timestamp' })
  asOf!: string;
}

export class AnalyticsSummaryDto extends ReadYourWritesDto {
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO-8601 date' })
  from?: string;

  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO-8601 date' })
  to?: string;
}

export { STATUSES as ORDER_STATUSES };
