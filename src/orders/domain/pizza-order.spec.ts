import { DiscountApplied, OrderConfirmed, OrderPlaced, PaymentReceived } from './order-events.js';
import { given } from '../../../test/support/orders/given-when-then.js';
import {
  at,
  cancelled,
  confirmed,
  cookingStarted,
  discounted,
  ITEMS,
  iso,
  ORDER_ID,
  paid,
  placed,
  placeInput,
  SUBTOTAL_CENTS,
} from '../../../test/support/orders/order-fixtures.js';

describe('PizzaOrder.place', () => {
  it('places an order with the subtotal of its lines, for delivery by default', () => {
    const order = given([]).whenPlacing(placeInput()).then([placed()]);
    expect(order.status).toBe('PENDING');
    expect(order.paymentStatus).toBe('UNPAID');
    expect(order.totalCents).toBe(SUBTOTAL_CENTS);
    expect(order.version).toBe(1);
    expect(order.expectedVersion).toBe(0);
  });

  it('refuses a delivery without an address, or with a blank one', () => {
    for (const address of [undefined, null, '', '   ']) {
      given([])
        .whenPlacing(placeInput({ customer: { name: 'Bo', phone: '555-0100', address }, fulfilment: 'delivery' }))
        .thenThrows('DELIVERY_ADDRESS_REQUIRED');
    }
  });

  it('makes an order that names no fulfilment a delivery with an address, a pickup without', () => {
    const withAddress = given([])
      .whenPlacing(placeInput({ fulfilment: undefined }))
      .then([placed()]);
    expect(withAddress.fulfilment).toBe('delivery');
    const without = given([]).whenPlacing(placeInput({ customer: { name: 'Bo', phone: '555-0100' }, fulfilment: undefined }));
    expect(
      without.then([
        new OrderPlaced({
          orderId: ORDER_ID,
          customer: { name: 'Bo', phone: '555-0100', address: null },
          items: ITEMS,
          fulfilment: 'pickup',
          notes: null,
          subtotalCents: SUBTOTAL_CENTS,
          placedAt: iso(0),
        }),
      ]).fulfilment,
    ).toBe('pickup');
  });

  it('records pickup, notes and a missing address as given', () => {
    given([])
      .whenPlacing(placeInput({ customer: { name: 'Bo', phone: '555-0100' }, fulfilment: 'pickup', notes: 'ring twice' }))
      .then([
        new OrderPlaced({
          orderId: ORDER_ID,
          customer: { name: 'Bo', phone: '555-0100', address: null },
          items: ITEMS,
          fulfilment: 'pickup',
          notes: 'ring twice',
          subtotalCents: SUBTOTAL_CENTS,
          placedAt: iso(0),
        }),
      ]);
  });

  it('requires at least one item', () => {
    const error = given([])
      .whenPlacing(placeInput({ items: [] }))
      .thenThrows('ORDER_HAS_NO_ITEMS');
    expect(error.kind).toBe('invalid');
    expect(error.message).toBe('The order must contain at least one item');
  });

  it.each([0, -1, 21, 1.5, Number.NaN])('rejects quantity %p', (quantity) => {
    const items = [ITEMS[0], { ...ITEMS[1], quantity }];
    const error = given([]).whenPlacing(placeInput({ items })).thenThrows('INVALID_QUANTITY');
    expect(error.kind).toBe('invalid');
    expect(error.message).toContain('items.1.quantity');
  });

  it.each([1, 20])('accepts quantity %p', (quantity) => {
    const order = given([])
      .whenPlacing(placeInput({ items: [{ ...ITEMS[0], quantity }] }))
      .then([
        new OrderPlaced({
          ...placed().data,
          items: [{ ...ITEMS[0], quantity }],
          subtotalCents: ITEMS[0].lineTotalCents,
        }),
      ]);
    expect(order.subtotalCents).toBe(ITEMS[0].lineTotalCents);
  });

  it('refuses to place on a stream that already exists', () => {
    given([placed()]).whenPlacing(placeInput()).thenThrows('ORDER_ALREADY_PLACED');
  });

  it('does not keep a reference to the caller’s items', () => {
    const items = ITEMS.map((item) => ({ ...item, toppings: [...item.toppings] }));
    const order = given([]).whenPlacing(placeInput({ items })).then([placed()]);
    items[1].toppings.push('olives');
    expect(order.toSnapshot().items).toEqual(ITEMS);
  });
});

describe('PizzaOrder.confirm', () => {
  it('confirms a pending order', () => {
    const order = given([placed()])
      .when((o) => o.confirm({ estimatedReadyAt: iso(30), kitchenNotes: 'no basil', now: at(1) }))
      .then([
        new OrderConfirmed({
          orderId: ORDER_ID,
          estimatedReadyAt: iso(30),
          kitchenNotes: 'no basil',
          confirmedAt: iso(1),
        }),
      ]);
    expect(order.status).toBe('CONFIRMED');
    expect(order.toSnapshot()).toMatchObject({ confirmedAt: iso(1), estimatedReadyAt: iso(30) });
  });

  it('defaults the optional fields to null', () => {
    given([placed()])
      .when((o) => o.confirm({ now: at(1) }))
      .then([new OrderConfirmed({ orderId: ORDER_ID, estimatedReadyAt: null, kitchenNotes: null, confirmedAt: iso(1) })]);
  });
});

describe('PizzaOrder.pay', () => {
  it('takes payment of the total on a pending order, which stays pending', () => {
    const order = given([placed()])
      .when((o) => o.pay({ method: 'cash', now: at(2) }))
      .then([
        new PaymentReceived({
          orderId: ORDER_ID,
          method: 'cash',
          transactionId: null,
          amountCents: SUBTOTAL_CENTS,
          paidAt: iso(2),
        }),
      ]);
    expect(order.status).toBe('PENDING');
    expect(order.paymentStatus).toBe('PAID');
  });

  it('moves a confirmed order to cooking with that one payment event', () => {
    const order = given([placed(), confirmed()])
      .when((o) => o.pay({ method: 'card', transactionId: 'tx-1', now: at(2) }))
      .then([paid()]);
    expect(order.status).toBe('COOKING');
    expect(order.paymentStatus).toBe('PAID');
    expect(order.version).toBe(3);
    expect(order.expectedVersion).toBe(2);
  });

  it('leaves a later status alone', () => {
    const order = given([placed(), confirmed(), cookingStarted()])
      .when((o) => o.pay({ method: 'card', transactionId: 'tx-1', now: at(2) }))
      .then([paid()]);
    expect(order.status).toBe('COOKING');
  });

  it('charges the discounted total', () => {
    given([placed(), discounted('WELCOME10', 430)])
      .when((o) => o.pay({ method: 'card', transactionId: 'tx-1', now: at(2) }))
      .then([paid(SUBTOTAL_CENTS - 430)]);
  });

  it('can be paid only once', () => {
    given([placed(), paid()])
      .when((o) => o.pay({ method: 'cash', now: at(3) }))
      .thenThrows('ORDER_ALREADY_PAID');
  });

  it('fails on a cancelled order', () => {
    given([placed(), cancelled()])
      .when((o) => o.pay({ method: 'cash', now: at(3) }))
      .thenThrows('ORDER_CANCELLED');
  });
});

describe('PizzaOrder.applyDiscount', () => {
  const discountApplied = (code: string, kind: 'percent' | 'fixed', discountCents: number) =>
    new DiscountApplied({ orderId: ORDER_ID, code, kind, discountCents, appliedAt: iso(1) });

  it('takes a percentage off the subtotal', () => {
    const order = given([placed()])
      .when((o) => o.applyDiscount({ discount: { code: 'WELCOME10', kind: 'percent', percent: 10 }, now: at(1) }))
      .then([discountApplied('WELCOME10', 'percent', 430)]);
    expect(order.discountCents).toBe(430);
    expect(order.totalCents).toBe(3870);
  });

  it('takes a fixed amount off', () => {
    const order = given([placed(), confirmed()])
      .when((o) => o.applyDiscount({ discount: { code: 'FIVEOFF', kind: 'fixed', amountCents: 500 }, now: at(1) }))
      .then([discountApplied('FIVEOFF', 'fixed', 500)]);
    expect(order.totalCents).toBe(3800);
  });

  it('caps the discount at the subtotal, so the total is never negative', () => {
    const oneMargherita = [{ ...ITEMS[0], quantity: 1, lineTotalCents: 1200 }];
    const order = given([new OrderPlaced({ ...placed().data, items: oneMargherita, subtotalCents: 1200 })])
      .when((o) => o.applyDiscount({ discount: { code: 'BIG', kind: 'fixed', amountCents: 5000 }, now: at(1) }))
      .then([discountApplied('BIG', 'fixed', 1200)]);
    expect(order.totalCents).toBe(0);
  });

  it('applies only once', () => {
    const error = given([placed(), discounted()])
      .when((o) => o.applyDiscount({ discount: { code: 'FIVEOFF', kind: 'fixed', amountCents: 500 }, now: at(2) }))
      .thenThrows('DISCOUNT_ALREADY_APPLIED');
    expect(error.message).toContain('WELCOME10');
  });

  it('does not apply to a paid order', () => {
    given([placed(), paid()])
      .when((o) => o.applyDiscount({ discount: { code: 'FIVEOFF', kind: 'fixed', amountCents: 500 }, now: at(3) }))
      .thenThrows('ORDER_ALREADY_PAID');
  });

  it('does not apply to a cancelled order', () => {
    given([placed(), cancelled()])
      .when((o) => o.applyDiscount({ discount: { code: 'FIVEOFF', kind: 'fixed', amountCents: 500 }, now: at(3) }))
      .thenThrows('ORDER_CANCELLED');
  });
});
