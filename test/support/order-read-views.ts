import { MARGHERITA_ORDER } from './test-app.js';

/** MARGHERITA_ORDER's one line as the read side shows it, priced by the server. */
export const MARGHERITA_LINE = {
  pizzaId: 'margherita',
  name: 'Margherita',
  size: 'large',
  quantity: 2,
  toppings: ['extra-cheese'],
  unitPriceCents: 1650,
  lineTotalCents: 3300,
};

/** An estimatedReadyAt the read specs confirm orders with. */
export const READY_AT = '2030-01-02T18:30:00.000Z';

/** The order's customer as stored: the phone in E.164 form. */
export const STORED_CUSTOMER = { ...MARGHERITA_ORDER.customer, phone: '+34600111222' };

/** The read model right after POST /orders with MARGHERITA_ORDER. */
export function placedView(orderId: string, placedAt: string, fulfilment = 'delivery') {
  return {
    orderId,
    status: 'PENDING',
    paymentStatus: 'UNPAID',
    fulfilment,
    customer: STORED_CUSTOMER,
    items: [MARGHERITA_LINE],
    subtotalCents: 3300,
    discountCents: 0,
    totalCents: 3300,
    placedAt,
    confirmedAt: null,
    estimatedReadyAt: null,
    updatedAt: placedAt,
    version: 1,
  };
}

/** The order ids of a list's items, in the list's order. */
export function ids(items: Array<{ orderId: string }>): string[] {
  return items.map((item) => item.orderId);
}
