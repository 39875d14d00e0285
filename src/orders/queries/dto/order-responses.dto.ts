import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { ORDER_STATUSES } from './query-params.dto.js';

/**
 * The shapes the query routes answer with, each written once: the OpenAPI
 * document shows these classes, with an example of each field, and the
 * handlers' mappings (order-view.ts) are typed as them.
 */

const ORDER_ID = '0b7f3c1e-8a52-4d3e-9a35-6f1c2d4e5a6b';
const PAYMENT_STATUSES = ['UNPAID', 'PAID', 'REFUNDED'];

export class OrderCustomerView {
  @ApiProperty({ example: 'Ada Lovelace' })
  name!: string;

  @ApiProperty({ example: '+44 20 7946 0000' })
  phone!: string;

  @ApiProperty({ type: String, nullable: true, example: '1 Analytical St, London' })
  address!: string | null;
}

export class OrderItemView {
  @ApiProperty({ example: 'margherita' })
  pizzaId!: string;

  @ApiProperty({ example: 'Margherita' })
  name!: string;

  @ApiProperty({ enum: ['small', 'medium', 'large'], example: 'large' })
  size!: string;

  @ApiProperty({ example: 2 })
  quantity!: number;

  @ApiProperty({ type: [String], example: ['extra-cheese'] })
  toppings!: string[];

  @ApiProperty({ description: 'Pizza and toppings, from the menu when the order was placed', example: 1650 })
  unitPriceCents!: number;

  @ApiProperty({ example: 3300 })
  lineTotalCents!: number;
}

export class OrderView {
  @ApiProperty({ format: 'uuid', example: ORDER_ID })
  orderId!: string;

  @ApiProperty({ enum: ORDER_STATUSES, example: 'CONFIRMED' })
  status!: string;

  @ApiProperty({ enum: PAYMENT_STATUSES, example: 'UNPAID' })
  paymentStatus!: string;

  @ApiProperty({ enum: ['delivery', 'pickup'], example: 'delivery' })
  fulfilment!: string;

  @ApiProperty({ type: () => OrderCustomerView })
  customer!: OrderCustomerView;

  @ApiProperty({ type: () => [OrderItemView] })
  items!: OrderItemView[];

  @ApiProperty({ type: String, nullable: true, example: 'Ring the bell twice' })
  notes!: string | null;

  @ApiProperty({ example: 3300 })
  subtotalCents!: number;

  @ApiProperty({ type: String, nullable: true, example: 'WELCOME10' })
  discountCode!: string | null;

  @ApiProperty({ example: 330 })
  discountCents!: number;

  @ApiProperty({ example: 2970 })
  totalCents!: number;

  @ApiProperty({ example: 0 })
  paidCents!: number;

  @ApiProperty({ example: 0 })
  refundedCents!: number;

  @ApiProperty({ type: String, nullable: true, enum: ['card', 'cash'], example: null })
  paymentMethod!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Extra crispy base' })
  kitchenNotes!: string | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  courier!: string | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  cancellationReason!: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-11-22T18:04:05.123Z' })
  placedAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-11-22T18:06:00.000Z' })
  confirmedAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-11-22T18:30:00.000Z' })
  estimatedReadyAt!: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-11-22T18:06:00.000Z' })
  updatedAt!: string;

  @ApiProperty({ description: "The order stream's version this view reflects", example: 2 })
  version!: number;
}

export class OrderPageView {
  @ApiProperty({ type: () => [OrderView], description: 'Newest first' })
  items!: OrderView[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as cursor for the next page; null on the last page',
    example: 'WyIyMDI2LTExLTIyVDE4OjA0OjA1LjEyM1oiLCIwYjdmIl0',
  })
  nextCursor!: string | null;
}

/** Who of the staff caused a timeline entry: the account as it was named then. */
export class TimelineStaffView {
  @ApiProperty({ format: 'uuid', example: '3f2b8c1d-7e4a-4c5b-9d6e-1a2b3c4d5e6f' })
  id!: string;

  @ApiProperty({ example: 'Maria' })
  name!: string;

  @ApiProperty({ enum: ['counter', 'kitchen', 'driver', 'manager'], example: 'counter' })
  role!: string;
}

export class TimelineEntryView {
  @ApiProperty({ description: 'Global event-log position', example: 1043 })
  position!: number;

  @ApiProperty({ example: 2 })
  version!: number;

  @ApiProperty({ description: 'The stored event name', example: 'OrderConfirmed' })
  type!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-22T18:06:00.000Z' })
  occurredAt!: string;

  @ApiProperty({ example: 'Confirmed by Maria (counter), ready by 18:30' })
  description!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "The event's data, without the order id",
    example: { estimatedReadyAt: '2026-11-22T18:30:00.000Z', kitchenNotes: null },
  })
  details!: Record<string, unknown>;

  @ApiPropertyOptional({ type: String, nullable: true, enum: ['customer', 'staff'], example: 'staff' })
  actor!: string | null;

  @ApiPropertyOptional({
    type: TimelineStaffView,
    nullable: true,
    description: 'The member of staff who caused it, by account (null for a customer, or for the STAFF_API_TOKEN)',
  })
  staff!: TimelineStaffView | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'X-Correlation-Id of the request that wrote it',
    example: 'checkout-7f3a',
  })
  correlationId!: string | null;
}

/** A line as the kitchen sees it: what to make, without the prices. */
export class KitchenItemView extends PickType(OrderItemView, ['pizzaId', 'name', 'size', 'quantity', 'toppings'] as const) {}

export class KitchenTicketView {
  @ApiProperty({ format: 'uuid', example: ORDER_ID })
  orderId!: string;

  @ApiProperty({ enum: ['CONFIRMED', 'COOKING'], example: 'COOKING' })
  status!: string;

  @ApiProperty({ enum: ['delivery', 'pickup'], example: 'pickup' })
  fulfilment!: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  customerName!: string;

  @ApiProperty({ type: () => [KitchenItemView] })
  items!: KitchenItemView[];

  @ApiProperty({ type: String, nullable: true, example: null })
  notes!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Extra crispy base' })
  kitchenNotes!: string | null;

  @ApiProperty({ enum: PAYMENT_STATUSES, example: 'PAID' })
  paymentStatus!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-22T18:04:05.123Z' })
  placedAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-11-22T18:06:00.000Z' })
  confirmedAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-11-22T18:07:12.000Z' })
  cookingStartedAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-11-22T18:30:00.000Z' })
  estimatedReadyAt!: string | null;

  @ApiProperty({ example: 3 })
  version!: number;
}

export class PopularItemView {
  @ApiProperty({ example: 'margherita' })
  pizzaId!: string;

  @ApiProperty({ example: 'Margherita' })
  name!: string;

  @ApiProperty({ example: 42 })
  quantity!: number;
}

export class DailyAnalyticsView {
  @ApiProperty({ format: 'date', example: '2026-11-22' })
  date!: string;

  @ApiProperty({ example: 17 })
  orders!: number;

  @ApiProperty({ example: 48350 })
  revenueCents!: number;
}

export class AnalyticsSummaryView {
  @ApiProperty({ format: 'date', example: '2026-10-24' })
  from!: string;

  @ApiProperty({ format: 'date', example: '2026-11-22' })
  to!: string;

  @ApiProperty({ example: 310 })
  totalOrders!: number;

  @ApiProperty({ example: 281 })
  confirmedOrders!: number;

  @ApiProperty({ example: 22 })
  cancelledOrders!: number;

  @ApiProperty({ description: 'confirmedOrders / totalOrders, 4 decimals', example: 0.9065 })
  confirmationRate!: number;

  @ApiProperty({ description: 'Revenue of the days in the range', example: 812340 })
  revenueCents!: number;

  @ApiProperty({ example: 2891 })
  averageOrderValueCents!: number;

  @ApiProperty({ type: () => [PopularItemView], description: 'Top 10 by quantity' })
  popularItems!: PopularItemView[];

  @ApiProperty({ type: () => [DailyAnalyticsView], description: 'Every UTC day of the range, days without orders included' })
  daily!: DailyAnalyticsView[];
}
