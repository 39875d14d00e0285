import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsNotEmpty, IsObject, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { MayBeOmitted } from '../../../common/http/may-be-omitted.js';
import { BasketItems, OrderItemDto } from '../../../menu/basket.dto.js';
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
    description:
      'Trimmed. Required (not blank) for a delivery; an order that names no fulfilment is a delivery when it has an address, else a pickup',
    maxLength: 300,
    example: '1 Analytical St, London',
  })
  @Trimmed()
  @MayBeOmitted()
  @IsString()
  @MaxLength(300)
  address?: string;
}

export class PlaceOrderDto {
  @ApiProperty({ type: () => CustomerDto })
  @IsObject({ message: 'customer must be an object with name, phone and an optional address' })
  @ValidateNested()
  @Type(() => CustomerDto)
  customer!: CustomerDto;

  @BasketItems()
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
