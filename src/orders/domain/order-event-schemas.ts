import type { JsonSchema } from '../../event-store/json-schema.js';
import { PIZZA_SIZES } from '../../menu/menu.data.js';
import type { PricedItem } from '../../menu/pricing.js';
import type {
  CookingStartedData,
  DiscountAppliedData,
  OrderCancelledData,
  OrderConfirmedData,
  OrderCustomer,
  OrderDeliveredData,
  OrderDispatchedData,
  OrderEventType,
  OrderPickedUpData,
  OrderPlacedData,
  OrderReadyData,
  PaymentReceivedData,
  PaymentRefundedData,
} from './order-events.js';

// The JSON Schema of each event's data at every schema version the store can
// read, next to the classes they describe. The event registry publishes them
// (GET /events/schemas) and tests hold stored events to them. A change to an
// event's shape is a new schema version here, with its upcaster.

/** One schema per field of T, so renaming or adding a field without touching its schema fails to compile. */
type Fields<T> = { readonly [K in keyof T]-?: JsonSchema };

function object<T>(description: string, properties: Fields<T>): JsonSchema {
  return { type: 'object', description, additionalProperties: false, required: Object.keys(properties), properties };
}

const orderId: JsonSchema = { type: 'string', format: 'uuid', description: 'The order: GET /orders/{orderId}' };
const instant = (description: string): JsonSchema => ({ type: 'string', format: 'date-time', description });
const cents = (description: string): JsonSchema => ({ type: 'integer', minimum: 0, description: `${description}, in cents` });
const text = (description: string): JsonSchema => ({ type: 'string', description });
const optionalText = (description: string): JsonSchema => ({ type: ['string', 'null'], description });

const customer = object<OrderCustomer>('Who ordered', {
  name: text('Customer name'),
  phone: text('Phone number as the customer typed it'),
  address: optionalText('Delivery address; null when none was given'),
});

const pricedItem = object<PricedItem>('A line of the order, priced from the menu when it was placed', {
  pizzaId: text('Menu id of the pizza'),
  name: text('Pizza name on the menu at the time'),
  size: { enum: [...PIZZA_SIZES], description: 'Pizza size' },
  quantity: { type: 'integer', minimum: 1, description: 'How many of this pizza' },
  toppings: { type: 'array', items: text('Menu id of an extra topping'), description: 'Extra toppings, by menu id' },
  unitPriceCents: cents('Price of one pizza with its toppings'),
  lineTotalCents: cents('unitPriceCents times quantity'),
});

const orderPlacedV1Fields = {
  orderId,
  customer,
  items: { type: 'array', items: pricedItem, minItems: 1, description: 'What was ordered' },
  notes: optionalText('Notes from the customer'),
  subtotalCents: cents('Sum of the line totals'),
  placedAt: instant('When the order was placed'),
} satisfies Fields<Omit<OrderPlacedData, 'fulfilment'>>;

export const ORDER_EVENT_SCHEMAS: { readonly [T in OrderEventType]: Readonly<Record<number, JsonSchema>> } = {
  OrderPlaced: {
    1: object<Omit<OrderPlacedData, 'fulfilment'>>(
      'A customer placed an order. Written before pickup orders existed: every v1 order is delivered, and readers receive it as v2 with fulfilment "delivery".',
      orderPlacedV1Fields,
    ),
    2: object<OrderPlacedData>('A customer placed an order', {
      ...orderPlacedV1Fields,
      fulfilment: { enum: ['delivery', 'pickup'], description: 'Delivered by a courier or picked up at the counter' },
    }),
  },
  OrderConfirmed: {
    1: object<OrderConfirmedData>('Staff accepted the order', {
      orderId,
      estimatedReadyAt: { type: ['string', 'null'], format: 'date-time', description: 'When the kitchen expects it ready, if said' },
      kitchenNotes: optionalText('Notes for the kitchen'),
      confirmedAt: instant('When it was confirmed'),
    }),
  },
  DiscountApplied: {
    1: object<DiscountAppliedData>('A discount code was applied to the unpaid order', {
      orderId,
      code: text('The discount code, upper case'),
      kind: { enum: ['percent', 'fixed'], description: 'A percentage off or a fixed amount off' },
      discountCents: cents('Amount taken off the subtotal'),
      appliedAt: instant('When the code was applied'),
    }),
  },
  PaymentReceived: {
    1: object<PaymentReceivedData>('The order was paid in full; a confirmed order starts cooking with it', {
      orderId,
      method: { enum: ['card', 'cash'], description: 'How it was paid' },
      transactionId: optionalText('Payment provider reference, if any'),
      amountCents: cents('Amount paid: the order total'),
      paidAt: instant('When it was paid'),
    }),
  },
  CookingStarted: {
    1: object<CookingStartedData>('The kitchen started cooking an unpaid confirmed order', {
      orderId,
      startedAt: instant('When cooking started'),
    }),
  },
  OrderReady: {
    1: object<OrderReadyData>('The order is cooked and ready', { orderId, readyAt: instant('When it was ready') }),
  },
  OrderDispatched: {
    1: object<OrderDispatchedData>('A courier left with the delivery order', {
      orderId,
      courier: optionalText('Who took it'),
      dispatchedAt: instant('When it left'),
    }),
  },
  OrderDelivered: {
    1: object<OrderDeliveredData>('The courier handed the order over', { orderId, deliveredAt: instant('When it was handed over') }),
  },
  OrderPickedUp: {
    1: object<OrderPickedUpData>('The customer collected the pickup order', { orderId, pickedUpAt: instant('When it was collected') }),
  },
  OrderCancelled: {
    1: object<OrderCancelledData>('The order was cancelled while pending or confirmed', {
      orderId,
      reason: text('Why'),
      cancelledBy: { enum: ['customer', 'staff'], description: 'Who cancelled it' },
      cancelledAt: instant('When it was cancelled'),
    }),
  },
  PaymentRefunded: {
    1: object<PaymentRefundedData>('The payment of a cancelled order was refunded', {
      orderId,
      amountCents: cents('Amount refunded'),
      refundedAt: instant('When it was refunded'),
    }),
  },
};
