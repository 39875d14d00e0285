import type { PricedItem } from '../../menu/pricing.js';
import type { CancelledBy, Fulfilment, OrderCustomer, OrderEvent, OrderPlacedData, PaymentMethod } from './order-events.js';
import { type OrderStatus, type PaymentStatus, paymentStartsCooking } from './order-status.js';

// Plain JSON on purpose: this is what a snapshot stores and what a temporal
// query returns, so it must survive JSON.stringify/parse unchanged.
export interface PizzaOrderState {
  id: string;
  status: OrderStatus;
  paymentStatus: PaymentStatus;
  fulfilment: Fulfilment;
  customer: OrderCustomer;
  items: PricedItem[];
  notes: string | null;
  subtotalCents: number;
  discountCode: string | null;
  discountCents: number;
  totalCents: number;
  paidCents: number;
  paymentMethod: PaymentMethod | null;
  transactionId: string | null;
  refundedCents: number;
  placedAt: string;
  confirmedAt: string | null;
  estimatedReadyAt: string | null;
  kitchenNotes: string | null;
  paidAt: string | null;
  cookingStartedAt: string | null;
  readyAt: string | null;
  dispatchedAt: string | null;
  courier: string | null;
  deliveredAt: string | null;
  pickedUpAt: string | null;
  cancelledAt: string | null;
  cancelledBy: CancelledBy | null;
  cancellationReason: string | null;
  refundedAt: string | null;
  updatedAt: string;
}

function placedState(data: OrderPlacedData): PizzaOrderState {
  return {
    id: data.orderId,
    status: 'PENDING',
    paymentStatus: 'UNPAID',
    fulfilment: data.fulfilment,
    customer: { ...data.customer },
    items: data.items.map((item) => ({ ...item, toppings: [...item.toppings] })),
    notes: data.notes,
    subtotalCents: data.subtotalCents,
    discountCode: null,
    discountCents: 0,
    totalCents: data.subtotalCents,
    paidCents: 0,
    paymentMethod: null,
    transactionId: null,
    refundedCents: 0,
    placedAt: data.placedAt,
    confirmedAt: null,
    estimatedReadyAt: null,
    kitchenNotes: null,
    paidAt: null,
    cookingStartedAt: null,
    readyAt: null,
    dispatchedAt: null,
    courier: null,
    deliveredAt: null,
    pickedUpAt: null,
    cancelledAt: null,
    cancelledBy: null,
    cancellationReason: null,
    refundedAt: null,
    updatedAt: data.placedAt,
  };
}

function assertNever(event: never): never {
  throw new Error(`Unhandled order event: ${JSON.stringify(event)}`);
}

// Events are facts that already happened, so evolving never checks business
// rules; it only refuses histories that can not exist (a second OrderPlaced,
// anything before the first one), which would mean a corrupt stream.
export function evolve(current: PizzaOrderState | null, event: OrderEvent): PizzaOrderState {
  if (event.type === 'OrderPlaced') {
    if (current) throw new Error(`Order ${current.id} has a second OrderPlaced event in its history`);
    return placedState(event.data);
  }
  if (!current) throw new Error(`${event.type} can not come before OrderPlaced`);

  switch (event.type) {
    case 'OrderConfirmed': {
      const { confirmedAt, estimatedReadyAt, kitchenNotes } = event.data;
      return { ...current, status: 'CONFIRMED', confirmedAt, estimatedReadyAt, kitchenNotes, updatedAt: confirmedAt };
    }
    case 'DiscountApplied': {
      const { code, discountCents, appliedAt } = event.data;
      return {
        ...current,
        discountCode: code,
        discountCents,
        totalCents: current.subtotalCents - discountCents,
        updatedAt: appliedAt,
      };
    }
    case 'PaymentReceived': {
      const { method, transactionId, amountCents, paidAt } = event.data;
      const starts = paymentStartsCooking(current.status);
      return {
        ...current,
        status: starts ? 'COOKING' : current.status,
        cookingStartedAt: starts ? paidAt : current.cookingStartedAt,
        paymentStatus: 'PAID',
        paymentMethod: method,
        transactionId,
        paidCents: amountCents,
        paidAt,
        updatedAt: paidAt,
      };
    }
    case 'CookingStarted':
      return { ...current, status: 'COOKING', cookingStartedAt: event.data.startedAt, updatedAt: event.data.startedAt };
    case 'OrderReady':
      return { ...current, status: 'READY', readyAt: event.data.readyAt, updatedAt: event.data.readyAt };
    case 'OrderDispatched': {
      const { courier, dispatchedAt } = event.data;
      return { ...current, status: 'OUT_FOR_DELIVERY', courier, dispatchedAt, updatedAt: dispatchedAt };
    }
    case 'OrderDelivered': {
      const { deliveredAt } = event.data;
      return { ...current, status: 'DELIVERED', deliveredAt, updatedAt: deliveredAt };
    }
    case 'OrderPickedUp':
      return { ...current, status: 'PICKED_UP', pickedUpAt: event.data.pickedUpAt, updatedAt: event.data.pickedUpAt };
    case 'OrderCancelled': {
      const { reason, cancelledBy, cancelledAt } = event.data;
      return {
        ...current,
        status: 'CANCELLED',
        cancellationReason: reason,
        cancelledBy,
        cancelledAt,
        updatedAt: cancelledAt,
      };
    }
    case 'PaymentRefunded': {
      const { amountCents, refundedAt } = event.data;
      return {
        ...current,
        paymentStatus: 'REFUNDED',
        refundedCents: amountCents,
        refundedAt,
        updatedAt: refundedAt,
      };
    }
    default:
      return assertNever(event);
  }
}
