import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { MayBeOmitted } from '../common/http/may-be-omitted.js';
import { PIZZA_SIZES, type PizzaSize } from './menu.data.js';
import { MAX_ITEM_QUANTITY, MIN_ITEM_QUANTITY } from './pricing.js';

/** One line of a basket, as POST /orders and POST /menu/quote take it. */
export class OrderItemDto {
  @ApiProperty({ description: 'A pizza id from GET /menu', example: 'margherita' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  pizzaId!: string;

  @ApiProperty({ enum: PIZZA_SIZES, example: 'large' })
  @IsIn(PIZZA_SIZES, { message: `size must be one of ${PIZZA_SIZES.join(', ')}` })
  size!: PizzaSize;

  @ApiProperty({ minimum: MIN_ITEM_QUANTITY, maximum: MAX_ITEM_QUANTITY, example: 2 })
  @IsInt()
  @Min(MIN_ITEM_QUANTITY)
  @Max(MAX_ITEM_QUANTITY)
  quantity!: number;

  @ApiPropertyOptional({ description: 'Topping ids from GET /menu', type: [String], maxItems: 10, example: ['extra-cheese'] })
  @MayBeOmitted()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  toppings?: string[];
}

/** The `items` of a basket: what POST /orders places and POST /menu/quote prices, by the same rules. */
export const BasketItems = () =>
  applyDecorators(
    ApiProperty({ type: () => [OrderItemDto], minItems: 1, maxItems: 50, description: 'Priced by the server from its own menu' }),
    IsArray(),
    ArrayMinSize(1, { message: 'items: the order must contain at least one item' }),
    ArrayMaxSize(50),
    ValidateNested({ each: true }),
    Type(() => OrderItemDto),
  );
