import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { Idempotent } from '../common/idempotency/idempotency.interceptor.js';
import { ApiBody, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { MayBeOmitted } from '../common/http/may-be-omitted.js';
import { ApiWriteErrors } from '../common/errors/api-error-responses.js';
import { AppError } from '../common/errors/app-error.js';
import { BasketItems, OrderItemDto } from './basket.dto.js';
import { findDiscount } from './discount-codes.js';
import { computeDiscountCents, priceItems, type PricedItem } from './pricing.js';

/** The basket of POST /orders, validated by the same rules, and an optional code. */
export class PriceQuoteDto {
  @BasketItems()
  items!: OrderItemDto[];

  @ApiPropertyOptional({ description: 'A discount code to price in', example: 'WELCOME10' })
  @MayBeOmitted()
  @IsString()
  @MaxLength(40)
  discountCode?: string;
}

export class PriceQuoteView {
  @ApiProperty({
    description: 'Each line priced from the menu: size price plus toppings, times quantity',
    example: [
      {
        pizzaId: 'margherita',
        name: 'Margherita',
        size: 'large',
        quantity: 2,
        toppings: ['extra-cheese'],
        unitPriceCents: 1650,
        lineTotalCents: 3300,
      },
    ],
  })
  items!: PricedItem[];

  @ApiProperty({ example: 3300 })
  subtotalCents!: number;

  @ApiProperty({ example: 330 })
  discountCents!: number;

  @ApiProperty({ example: 2970 })
  totalCents!: number;
}

/**
 * Prices a basket with the same rules POST /orders applies, and writes nothing:
 * a customer sees the server's price before placing the order.
 */
@ApiTags('menu')
@Idempotent()
@Controller('menu')
export class PriceQuoteController {
  @Post('quote')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Price a basket from the menu without placing it (anyone; writes nothing)' })
  @ApiBody({ type: PriceQuoteDto })
  @ApiOkResponse({ type: PriceQuoteView })
  @ApiWriteErrors('DISCOUNT_CODE_UNKNOWN')
  quote(@Body() body: PriceQuoteDto): PriceQuoteView {
    const items = priceItems(body.items);
    const subtotalCents = items.reduce((sum, item) => sum + item.lineTotalCents, 0);
    let discountCents = 0;
    if (body.discountCode !== undefined) {
      const discount = findDiscount(body.discountCode);
      if (!discount) throw new AppError('DISCOUNT_CODE_UNKNOWN', `There is no discount code ${body.discountCode}`);
      discountCents = computeDiscountCents(discount, subtotalCents);
    }
    return { items, subtotalCents, discountCents, totalCents: subtotalCents - discountCents };
  }
}
