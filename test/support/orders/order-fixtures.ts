import { priceItems, type PricedItem } from '../../../src/menu/pricing.js';
import {
  CookingStarted,
  DiscountApplied,
  OrderCancelled,
  OrderConfirmed,
  OrderDelivered,
  OrderDispatched,
  OrderPickedUp,
  OrderPlaced,
  OrderReady,
  PaymentReceived,
  type Fulfilment,
  type OrderEvent,
} from '../../../src/orders/domain/order-events.js';
import type { OrderStatus } from '../../../src/orders/domain/order-status.js';
import type { PlaceOrderInput } from '../../../src/orders/domain/pizza-order.js';

export const ORDER_ID = '0b5c3a52-6f1e-4c8e-9f57-2d4f1a9e7c31';

const START = Date.parse('2026-11-22T18:00:00.000Z');

// Minutes after a fixed evening start, so every spec is deterministic.
export const at = (minutes: number): Date => new Date(START + minutes * 60_000);
export const iso = (minutes: number): string => at(minutes).toISOString();

// 2 x medium margherita (2 x 1200) + 1 large pepperoni with extra cheese (1750 + 150).
export const ITEMS: PricedItem[] = priceItems([
  { pizzaId: 'margherita', size: 'medium', quantity: 2 },
  { pizzaId: 'pepperoni', size: 'large', quantity: 1, toppings: ['extra-cheese'] },
]);
export const SUBTOTAL_CENTS = 4300;

export const CUSTOMER = { name: 'Ada Lovelace', phone: '+44 20 7946 0000', address: '12 St James Sq, London' };

export function placeInput(overrides: Partial<PlaceOrderInput> = {}): PlaceOrderInput {
  return { orderId: ORDER_ID, customer: CUSTOMER, items: ITEMS, now: at(0), ...overrides };
}

export const placed = (fulfilment: Fulfilment = 'delivery') =>
  new OrderPlaced({
    orderId: ORDER_ID,
    customer: CUSTOMER,
    items: ITEMS,
    fulfilment,
    notes: null,
    subtotalCents: SUBTOTAL_CENTS,
    placedAt: iso(0),
  });

export const confirmed = () =>
  new OrderConfirmed({ orderId: ORDER_ID, estimatedReadyAt: iso(30), kitchenNotes: null, confirmedAt: iso(1) });

export const paid = (amountCents = SUBTOTAL_CENTS, minutes = 2) =>
  new PaymentReceived({ orderId: ORDER_ID, method: 'card', transactionId: 'tx-1', amountCents, paidAt: iso(minutes) });

export const discounted = (code = 'WELCOME10', discountCents = 430) =>
  new DiscountApplied({ orderId: ORDER_ID, code, kind: 'percent', discountCents, appliedAt: iso(1) });

export const cookingStarted = () => new CookingStarted({ orderId: ORDER_ID, startedAt: iso(3) });
export const ready = () => new OrderReady({ orderId: ORDER_ID, readyAt: iso(20) });
export const dispatched = () => new OrderDispatched({ orderId: ORDER_ID, courier: 'Luigi', dispatchedAt: iso(22) });
export const delivered = () => new OrderDelivered({ orderId: ORDER_ID, deliveredAt: iso(35) });
export const pickedUp = () => new OrderPickedUp({ orderId: ORDER_ID, pickedUpAt: iso(25) });
export const cancelled = () =>
  new OrderCancelled({ orderId: ORDER_ID, reason: 'changed my mind', cancelledBy: 'customer', cancelledAt: iso(1) });

// Histories that leave the order in each status, for "wrong status" tables.
export const HISTORIES: Record<OrderStatus, OrderEvent[]> = {
  PENDING: [placed()],
  CONFIRMED: [placed(), confirmed()],
  COOKING: [placed(), confirmed(), cookingStarted()],
  READY: [placed(), confirmed(), cookingStarted(), ready()],
  OUT_FOR_DELIVERY: [placed(), confirmed(), cookingStarted(), ready(), dispatched()],
  DELIVERED: [placed(), confirmed(), cookingStarted(), ready(), dispatched(), delivered()],
  PICKED_UP: [placed('pickup'), confirmed(), cookingStarted(), ready(), pickedUp()],
  CANCELLED: [placed(), cancelled()],
};
