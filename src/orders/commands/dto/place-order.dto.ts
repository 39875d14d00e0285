import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { PIZZA_SIZES, type PizzaSize } from '../../../menu/menu.data.js';
import { MAX_ITEM_QUANTITY, MIN_ITEM_QUANTITY } from '../../domain/pizza-order.js';

export class CustomerDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;

  @IsString()
  @Matches(/^\+?[0-9][0-9 ()./-]{5,24}$/, { message: 'phone must be a phone number of 6 to 25 digits, spaces or ()-./' })
  phone!: string;

  @IsOptional()
  @IsString()
  @MaxLength(300)
  address?: string;
}

export class OrderItemDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  pizzaId!: string;

  @IsIn(PIZZA_SIZES, { message: `size must be one of ${PIZZA_SIZES.join(', ')}` })
  size!: PizzaSize;

  @IsInt()
  @Min(MIN_ITEM_QUANTITY)
  @Max(MAX_ITEM_QUANTITY)
  quantity!: number;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  toppings?: string[];
}

export class PlaceOrderDto {
  @IsObject({ message: 'customer must be an object with name, phone and an optional address' })
  @ValidateNested()
  @Type(() => CustomerDto)
  customer!: CustomerDto;

  @IsArray()
  @ArrayMinSize(1, { message: 'items: the order must contain at least one item' })
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => OrderItemDto)
  items!: OrderItemDto[];

  @IsOptional()
  @IsIn(['delivery', 'pickup'], { message: 'fulfilment must be one of delivery, pickup' })
  fulfilment?: 'delivery' | 'pickup';

  @IsOptional()
  @IsString()
  @MaxLength(500)
  notes?: string;
}
