import { CookingStarted, OrderDelivered, OrderDispatched, OrderPickedUp, OrderReady } from './order-events.js';
import { given } from '../../../test/support/orders/given-when-then.js';
import {
  at,
  confirmed,
  cookingStarted,
  dispatched,
  HISTORIES,
  iso,
  ORDER_ID,
  paid,
  placed,
  ready,
} from '../../../test/support/orders/order-fixtures.js';

const pickupReady = () => [placed('pickup'), confirmed(), cookingStarted(), ready()];

describe('PizzaOrder.startCooking', () => {
  it('starts cooking a confirmed order', () => {
    const order = given(HISTORIES.CONFIRMED)
      .when((o) => o.startCooking({ now: at(3) }))
      .then([new CookingStarted({ orderId: ORDER_ID, startedAt: iso(3) })]);
    expect(order.status).toBe('COOKING');
  });

  it('does not need payment first (cash is paid on delivery)', () => {
    const order = given(HISTORIES.CONFIRMED)
      .when((o) => o.startCooking({ now: at(3) }))
      .then([cookingStarted()]);
    expect(order.paymentStatus).toBe('UNPAID');
  });

  it('fails once payment has already started the cooking', () => {
    given([placed(), confirmed(), paid()])
      .when((o) => o.startCooking({ now: at(3) }))
      .thenThrows('ORDER_NOT_CONFIRMED');
  });
});

describe('PizzaOrder.markReady', () => {
  it('marks a cooking order ready', () => {
    const order = given(HISTORIES.COOKING)
      .when((o) => o.markReady({ now: at(20) }))
      .then([new OrderReady({ orderId: ORDER_ID, readyAt: iso(20) })]);
    expect(order.status).toBe('READY');
  });
});

describe('PizzaOrder.dispatch', () => {
  it('sends a ready delivery order out with its courier', () => {
    const order = given(HISTORIES.READY)
      .when((o) => o.dispatch({ courier: 'Luigi', now: at(22) }))
      .then([dispatched()]);
    expect(order.status).toBe('OUT_FOR_DELIVERY');
  });

  it('does not need a courier name', () => {
    given(HISTORIES.READY)
      .when((o) => o.dispatch({ now: at(22) }))
      .then([new OrderDispatched({ orderId: ORDER_ID, courier: null, dispatchedAt: iso(22) })]);
  });

  it('never dispatches a pickup order, even when ready', () => {
    given(pickupReady())
      .when((o) => o.dispatch({ now: at(22) }))
      .thenThrows('PICKUP_ORDER_NOT_DISPATCHABLE');
  });
});

describe('PizzaOrder.deliver', () => {
  it('delivers an order that is out for delivery', () => {
    const order = given(HISTORIES.OUT_FOR_DELIVERY)
      .when((o) => o.deliver({ now: at(35) }))
      .then([new OrderDelivered({ orderId: ORDER_ID, deliveredAt: iso(35) })]);
    expect(order.status).toBe('DELIVERED');
  });
});

describe('pickup flow', () => {
  it('goes from placed to picked up without a dispatch', () => {
    const order = given(pickupReady())
      .when((o) => o.deliver({ now: at(25) }))
      .then([new OrderPickedUp({ orderId: ORDER_ID, pickedUpAt: iso(25) })]);
    expect(order.status).toBe('PICKED_UP');
    expect(order.fulfilment).toBe('pickup');
  });

  it.each([
    ['PENDING', [placed('pickup')]],
    ['CONFIRMED', [placed('pickup'), confirmed()]],
    ['COOKING', [placed('pickup'), confirmed(), cookingStarted()]],
  ] as const)('can not be collected while %s', (_status, history) => {
    given([...history])
      .when((o) => o.deliver({ now: at(25) }))
      .thenThrows('ORDER_NOT_READY');
  });

  it('can not be collected twice', () => {
    given(HISTORIES.PICKED_UP)
      .when((o) => o.deliver({ now: at(26) }))
      .thenThrows('ORDER_NOT_READY');
  });
});
