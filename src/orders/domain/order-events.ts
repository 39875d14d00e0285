import { defineEvent } from '../../event-store/define-event.js';
import type { PricedItem } from '../../menu/pricing.js';

export type Fulfilment = 'delivery' | 'pickup';
export type PaymentMethod = 'card' | 'cash';
export type CancelledBy = 'customer' | 'staff';

export interface OrderCustomer {
  readonly name: string;
  readonly phone: string;
  readonly address: string | null;
}

export interface OrderPlacedData {
  readonly orderId: string;
  readonly customer: OrderCustomer;
  readonly items: readonly PricedItem[];
  readonly fulfilment: Fulfilment;
  readonly notes: string | null;
  readonly subtotalCents: number;
  readonly placedAt: string;
}

// Version 2 is the current payload shape; older stored versions are upcast
// by the event store before they reach the domain.
export class OrderPlaced extends defineEvent<OrderPlacedData>()('OrderPlaced', 2) {}

export interface OrderConfirmedData {
  readonly orderId: string;
  readonly estimatedReadyAt: string | null;
  readonly kitchenNotes: string | null;
  readonly confirmedAt: string;
}

export class OrderConfirmed extends defineEvent<OrderConfirmedData>()('OrderConfirmed', 1) {}

export interface DiscountAppliedData {
  readonly orderId: string;
  readonly code: string;
  readonly kind: 'percent' | 'fixed';
  readonly discountCents: number;
  readonly appliedAt: string;
}

export class DiscountApplied extends defineEvent<DiscountAppliedData>()('DiscountApplied', 1) {}

export interface PaymentReceivedData {
  readonly orderId: string;
  readonly method: PaymentMethod;
  readonly transactionId: string | null;
  readonly amountCents: number;
  readonly paidAt: string;
}

// Applying it to a CONFIRMED order also moves the order to COOKING: the seed's
// rule, kept as one event so the stream version moves by one.
export class PaymentReceived extends defineEvent<PaymentReceivedData>()('PaymentReceived', 1) {}

export interface CookingStartedData {
  readonly orderId: string;
  readonly startedAt: string;
}

export class CookingStarted extends defineEvent<CookingStartedData>()('CookingStarted', 1) {}

export interface OrderReadyData {
  readonly orderId: string;
  readonly readyAt: string;
}

export class OrderReady extends defineEvent<OrderReadyData>()('OrderReady', 1) {}

export interface OrderDispatchedData {
  readonly orderId: string;
  readonly courier: string | null;
  readonly dispatchedAt: string;
}

export class OrderDispatched extends defineEvent<OrderDispatchedData>()('OrderDispatched', 1) {}

export interface OrderDeliveredData {
  readonly orderId: string;
  readonly deliveredAt: string;
}

export class OrderDelivered extends defineEvent<OrderDeliveredData>()('OrderDelivered', 1) {}

export interface OrderPickedUpData {
  readonly orderId: string;
  readonly pickedUpAt: string;
}

export class OrderPickedUp extends defineEvent<OrderPickedUpData>()('OrderPickedUp', 1) {}

export interface OrderCancelledData {
  readonly orderId: string;
  readonly reason: string;
  readonly cancelledBy: CancelledBy;
  readonly cancelledAt: string;
}

export class OrderCancelled extends defineEvent<OrderCancelledData>()('OrderCancelled', 1) {}

export interface PaymentRefundedData {
  readonly orderId: string;
  readonly amountCents: number;
  readonly refundedAt: string;
}

export class PaymentRefunded extends defineEvent<PaymentRefundedData>()('PaymentRefunded', 1) {}

export type OrderEvent =
  | OrderPlaced
  | OrderConfirmed
  | DiscountApplied
  | PaymentReceived
  | CookingStarted
  | OrderReady
  | OrderDispatched
  | OrderDelivered
  | OrderPickedUp
  | OrderCancelled
  | PaymentRefunded;

export type OrderEventType = OrderEvent['type'];

export const ORDER_EVENT_CLASSES = [
  OrderPlaced,
  OrderConfirmed,
  DiscountApplied,
  PaymentReceived,
  CookingStarted,
  OrderReady,
  OrderDispatched,
  OrderDelivered,
  OrderPickedUp,
  OrderCancelled,
  PaymentRefunded,
] as const;
