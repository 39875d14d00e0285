import { OrderCancelled, PaymentRefunded } from './order-events.js';
import { given } from '../../../test/support/orders/given-when-then.js';
import {
  at,
  confirmed,
  discounted,
  HISTORIES,
  iso,
  ORDER_ID,
  paid,
  placed,
  SUBTOTAL_CENTS,
} from '../../../test/support/orders/order-fixtures.js';

const refunded = (amountCents = SUBTOTAL_CENTS) => new PaymentRefunded({ orderId: ORDER_ID, amountCents, refundedAt: iso(5) });

const cancelledBy = (by: 'customer' | 'staff', minutes = 5) =>
  new OrderCancelled({ orderId: ORDER_ID, reason: 'out of dough', cancelledBy: by, cancelledAt: iso(minutes) });

describe('PizzaOrder.cancel', () => {
  it('lets a customer cancel a pending order', () => {
    const order = given(HISTORIES.PENDING)
      .when((o) => o.cancel({ reason: 'out of dough', by: 'customer', now: at(5) }))
      .then([cancelledBy('customer')]);
    expect(order.status).toBe('CANCELLED');
    expect(order.paymentStatus).toBe('UNPAID');
    expect(order.toSnapshot()).toMatchObject({ cancelledAt: iso(5), cancellationReason: 'out of dough' });
  });

  it('lets staff cancel a pending order', () => {
    given(HISTORIES.PENDING)
      .when((o) => o.cancel({ reason: 'out of dough', by: 'staff', now: at(5) }))
      .then([cancelledBy('staff')]);
  });

  it('lets staff cancel a confirmed order', () => {
    given(HISTORIES.CONFIRMED)
      .when((o) => o.cancel({ reason: 'out of dough', by: 'staff', now: at(5) }))
      .then([cancelledBy('staff')]);
  });

  it('does not let a customer cancel a confirmed order', () => {
    const error = given(HISTORIES.CONFIRMED)
      .when((o) => o.cancel({ reason: 'too slow', by: 'customer', now: at(5) }))
      .thenThrows('CANCELLATION_REQUIRES_STAFF');
    expect(error.kind).toBe('forbidden');
  });

  it.each(['COOKING', 'READY', 'OUT_FOR_DELIVERY', 'DELIVERED', 'PICKED_UP'] as const)(
    'can not cancel a %s order, not even staff',
    (status) => {
      given(HISTORIES[status])
        .when((o) => o.cancel({ reason: 'late', by: 'staff', now: at(40) }))
        .thenThrows('ORDER_NOT_CANCELLABLE');
    },
  );

  it('tells a customer a cooking order is not cancellable rather than to ask staff', () => {
    given(HISTORIES.COOKING)
      .when((o) => o.cancel({ reason: 'late', by: 'customer', now: at(40) }))
      .thenThrows('ORDER_NOT_CANCELLABLE');
  });

  it('can not cancel twice', () => {
    given(HISTORIES.CANCELLED)
      .when((o) => o.cancel({ reason: 'again', by: 'staff', now: at(6) }))
      .thenThrows('ORDER_CANCELLED');
  });

  it('refunds what was paid when a paid order is cancelled, after the cancellation', () => {
    const order = given([placed(), paid()])
      .when((o) => o.cancel({ reason: 'out of dough', by: 'staff', now: at(5) }))
      .then([cancelledBy('staff'), refunded()]);
    expect(order.status).toBe('CANCELLED');
    expect(order.paymentStatus).toBe('REFUNDED');
    expect(order.version).toBe(4);
    expect(order.expectedVersion).toBe(2);
  });

  it('refunds the discounted amount that was actually paid', () => {
    given([placed(), discounted('WELCOME10', 430), paid(SUBTOTAL_CENTS - 430)])
      .when((o) => o.cancel({ reason: 'out of dough', by: 'customer', now: at(5) }))
      .then([cancelledBy('customer'), refunded(SUBTOTAL_CENTS - 430)]);
  });

  it('keeps a paid confirmed order cancellable (paying a confirmed order starts cooking, so pay first)', () => {
    given([placed(), paid(SUBTOTAL_CENTS, 1), confirmed()])
      .when((o) => o.cancel({ reason: 'out of dough', by: 'staff', now: at(5) }))
      .then([cancelledBy('staff'), refunded()]);
  });

  it('refuses payment and discounts after a refund', () => {
    const history = [placed(), paid(), cancelledBy('staff'), refunded()];
    given(history)
      .when((o) => o.pay({ method: 'card', now: at(6) }))
      .thenThrows('ORDER_CANCELLED');
    given(history)
      .when((o) => o.applyDiscount({ discount: { code: 'FIVEOFF', kind: 'fixed', amountCents: 500 }, now: at(6) }))
      .thenThrows('ORDER_CANCELLED');
  });
});
