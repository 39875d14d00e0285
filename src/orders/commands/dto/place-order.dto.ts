import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { MayBeOmitted } from '../../../common/http/may-be-omitted.js';
import { PIZZA_SIZES, type PizzaSize } from '../../../menu/menu.data.js';
import { MAX_ITEM_QUANTITY, MIN_ITEM_QUANTITY } from '../../domain/pizza-order.js';
import { Trimmed } from '../../../common/http/trimmed.js';
import { DeliveryNeedsAddress } from './delivery-needs-address.js';

export class CustomerDto {
  @ApiProperty({ maxLength: 100, example: 'Ada Lovelace', description: 'Trimmed; must not be blank' })
  @Trimmed()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;

  @ApiProperty({
    description:
      'A phone number, stored in E.164 form (+442079460000). Without a +country code it is read in PHONE_DEFAULT_REGION (GB by default): (020) 7946 0000 is +44 20 7946 0000',
    maxLength: 40,
    example: '+44 20 7946 0000',
  })
  @IsString()
  @MaxLength(40)
  // The shape here, so a bad phone is reported with the other fields' errors;
  // whether the digits make a possible number in the region is the handler's
  // check (it needs PHONE_DEFAULT_REGION).
  @Matches(/^(?=(?:\D*\d){4})[0-9 ()+./-]+$/, { message: 'phone must be a phone number: digits, spaces and ( ) + . / - only' })
  phone!: string;

  @ApiPropertyOptional({
    description: 'Trimmed. Required (not blank) for a delivery; an order that names no fulfilment is a delivery when it has an address, else a pickup',
    maxLength: 300,
    example: '1 Analytical St, London',
  })
  @Trimmed()
  @MayBeOmitted()
  @IsString()
  @MaxLength(300)
  address?: string;
}

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

export class PlaceOrderDto {
  @ApiProperty({ type: () => CustomerDto })
  @IsObject({ message: 'customer must be an object with name, phone and an optional address' })
  @ValidateNested()
  @Type(() => CustomerDto)
  customer!: CustomerDto;

  @ApiProperty({ type: () => [OrderItemDto], minItems: 1, maxItems: 50, description: 'Priced by the server from its own menu' })
  @IsArray()
  @ArrayMinSize(1, { message: 'items: the order must contain at least one item' })
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => OrderItemDto)
  items!: OrderItemDto[];

  @ApiPropertyOptional({
    enum: ['delivery', 'pickup'],
    description: 'Unset: delivery when customer.address is given, pickup when it is not. A delivery needs a non-blank address',
    example: 'delivery',
  })
  @MayBeOmitted()
  @IsIn(['delivery', 'pickup'], { message: 'fulfilment must be one of delivery, pickup' })
  @DeliveryNeedsAddress()
  fulfilment?: 'delivery' | 'pickup';

  @ApiPropertyOptional({ maxLength: 500, example: 'Ring the bell twice' })
  @Trimmed()
  @MayBeOmitted()
  @IsString()
  @MaxLength(500)
  notes?: string;
}
