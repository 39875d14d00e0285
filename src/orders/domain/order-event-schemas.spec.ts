import { EventRegistry } from '../../event-store/event-registry.js';
import { JSON_SCHEMA_DIALECT } from '../../event-store/json-schema.js';
import { findDiscount } from '../../menu/discount-codes.js';
import { registerOrderEvents } from '../order-stream.js';
import { ORDER_EVENT_SCHEMAS } from './order-event-schemas.js';
import { ORDER_EVENT_CLASSES, OrderPlaced, type OrderEvent } from './order-events.js';
import { PizzaOrder } from './pizza-order.js';
import {
  HISTORIES,
  ITEMS,
  ORDER_ID,
  at,
  cancelled,
  confirmed,
  cookingStarted,
  delivered,
  discounted,
  dispatched,
  paid,
  pickedUp,
  placeInput,
  placed,
  ready,
} from '../../../test/support/orders/order-fixtures.js';

function registry(): EventRegistry {
  const registry = new EventRegistry();
  registerOrderEvents(registry);
  return registry;
}

/** Each event's problems against the current schema of its type, keyed so a failure names the event. */
function problemsOf(events: readonly OrderEvent[]): Record<string, string[]> {
  const events$ = registry();
  return Object.fromEntries(
    events.map((event, i) => {
      const { type, schemaVersion } = events$.typeOf(event);
      return [`${i} ${type}`, events$.validate(type, schemaVersion, JSON.parse(JSON.stringify(event.data)))];
    }),
  );
}

function noProblems(events: readonly OrderEvent[]): Record<string, string[]> {
  return Object.fromEntries(events.map((event, i) => [`${i} ${event.type}`, []]));
}

/** Runs a command on an order with the given history and returns only the events it raised. */
function raised(history: readonly OrderEvent[], command: (order: PizzaOrder) => void): OrderEvent[] {
  const order = PizzaOrder.fromHistory(history);
  command(order);
  return order.pullNewEvents();
}

describe('order event schemas', () => {
  it('describes every event type at its current version, and OrderPlaced v1 as upcast to v2', () => {
    const published = registry().schemas();

    for (const eventClass of ORDER_EVENT_CLASSES) {
      const current = published.find((entry) => entry.type === eventClass.type && entry.current);
      expect({ type: eventClass.type, version: current?.schemaVersion }).toEqual({
        type: eventClass.type,
        version: eventClass.schemaVersion,
      });
    }
    expect(
      published
        .filter((entry) => entry.type === 'OrderPlaced')
        .map(({ schemaVersion, current, upcastTo }) => ({ schemaVersion, current, upcastTo })),
    ).toEqual([
      { schemaVersion: 2, current: true, upcastTo: undefined },
      { schemaVersion: 1, current: false, upcastTo: 2 },
    ]);
    expect(published).toHaveLength(ORDER_EVENT_CLASSES.length + 1);
    for (const { type, schemaVersion, schema } of published) {
      expect(schema).toMatchObject({
        $schema: JSON_SCHEMA_DIALECT,
        $id: `urn:pizzeria:event:${type}:v${schemaVersion}`,
        type: 'object',
        additionalProperties: false,
      });
    }
  });

  it('accepts every fixture event', () => {
    const events = [
      placed(),
      placed('pickup'),
      confirmed(),
      paid(),
      discounted(),
      cookingStarted(),
      ready(),
      dispatched(),
      delivered(),
      pickedUp(),
      cancelled(),
    ];
    expect(problemsOf(events)).toEqual(noProblems(events));
  });

  it('accepts every event the aggregate raises, along every path', () => {
    const events: OrderEvent[] = [
      ...PizzaOrder.place(placeInput()).pullNewEvents(),
      ...PizzaOrder.place(
        placeInput({ fulfilment: 'pickup', notes: 'ring twice', customer: { name: 'Bo', phone: '+34 600 000 000' } }),
      ).pullNewEvents(),
      ...raised(HISTORIES.PENDING, (o) => o.confirm({ now: at(1) })),
      ...raised(HISTORIES.PENDING, (o) => o.confirm({ estimatedReadyAt: at(40).toISOString(), kitchenNotes: 'crispy', now: at(1) })),
      ...raised(HISTORIES.PENDING, (o) => o.applyDiscount({ discount: findDiscount('welcome10')!, now: at(1) })),
      ...raised(HISTORIES.PENDING, (o) => o.applyDiscount({ discount: findDiscount('TENOFF')!, now: at(1) })),
      ...raised(HISTORIES.CONFIRMED, (o) => o.pay({ method: 'card', transactionId: 'tx-9', now: at(2) })),
      ...raised(HISTORIES.CONFIRMED, (o) => o.pay({ method: 'cash', now: at(2) })),
      ...raised(HISTORIES.CONFIRMED, (o) => o.startCooking({ now: at(3) })),
      ...raised(HISTORIES.COOKING, (o) => o.markReady({ now: at(20) })),
      ...raised(HISTORIES.READY, (o) => o.dispatch({ now: at(21) })),
      ...raised(HISTORIES.READY, (o) => o.dispatch({ courier: 'Luigi', now: at(21) })),
      ...raised(HISTORIES.OUT_FOR_DELIVERY, (o) => o.deliver({ now: at(30) })),
      ...raised([placed('pickup'), confirmed(), cookingStarted(), ready()], (o) => o.deliver({ now: at(30) })),
      ...raised(HISTORIES.PENDING, (o) => o.cancel({ reason: 'changed my mind', by: 'customer', now: at(2) })),
      ...raised([placed(), paid()], (o) => o.cancel({ reason: 'oven broke', by: 'staff', now: at(5) })),
    ];

    expect(events.map((event) => event.type)).toEqual(expect.arrayContaining(ORDER_EVENT_CLASSES.map((c) => c.type)));
    expect(problemsOf(events)).toEqual(noProblems(events));
  });

  it('holds OrderPlaced v1 data to the v1 schema, and its upcast form to v2', () => {
    const events = registry();
    const { fulfilment: _, ...v1 } = placed().data;

    expect(events.validate('OrderPlaced', 1, v1)).toEqual([]);
    expect(events.validate('OrderPlaced', 2, v1)).toEqual(['$.fulfilment: is required']);
    expect(events.validate('OrderPlaced', 1, placed().data)).toEqual(['$.fulfilment: is not allowed']);

    const revived = events.revive('OrderPlaced', 1, v1);
    expect(revived).toBeInstanceOf(OrderPlaced);
    expect(events.validate('OrderPlaced', 2, revived.data)).toEqual([]);
    expect((revived as OrderPlaced).data.fulfilment).toBe('delivery');
  });

  it('names every field that breaks the schema', () => {
    const events = registry();
    const data = {
      ...placed().data,
      orderId: 'not-a-uuid',
      items: [
        { ...ITEMS[0], size: 'huge', quantity: 0 },
        { ...ITEMS[1], unitPriceCents: -1 },
      ],
      customer: { name: 'Ada', phone: 7, address: null },
      placedAt: 'yesterday',
      surprise: true,
    };
    delete (data as Partial<typeof data>).subtotalCents;

    expect(events.validate('OrderPlaced', 2, data).sort()).toEqual(
      [
        '$.orderId: must be a uuid',
        '$.items[0].size: must be one of "small", "medium", "large"',
        '$.items[0].quantity: must be at least 1',
        '$.items[1].unitPriceCents: must be at least 0',
        '$.customer.phone: must be string, got an integer',
        '$.placedAt: must be a date-time',
        '$.surprise: is not allowed',
        '$.subtotalCents: is required',
      ].sort(),
    );
    expect(events.validate('PaymentReceived', 1, { ...paid().data, method: 'cheque', transactionId: 12 })).toEqual([
      '$.method: must be one of "card", "cash"',
      '$.transactionId: must be string or null, got an integer',
    ]);
    expect(events.validate('OrderPlaced', 3, placed().data)).toEqual(['OrderPlaced v3 has no schema']);
    expect(events.validate('OrderBaked', 1, {})).toEqual(['no event type OrderBaked is registered']);
  });

  it('refuses schemas that do not cover exactly the versions the store can read', () => {
    const upcastOrderPlaced = { 1: (data: object) => ({ ...data, fulfilment: 'delivery' }) };
    expect(() => new EventRegistry().register(OrderPlaced, upcastOrderPlaced, { 2: ORDER_EVENT_SCHEMAS.OrderPlaced[2] })).toThrow(
      'Event type OrderPlaced has no schema for v1',
    );
    expect(() =>
      new EventRegistry().register(OrderPlaced, {}, { 1: ORDER_EVENT_SCHEMAS.OrderPlaced[1], 2: ORDER_EVENT_SCHEMAS.OrderPlaced[2] }),
    ).toThrow('Event type OrderPlaced has a schema for v1, which it can not read');
    expect(() => new EventRegistry().register(OrderPlaced)).not.toThrow();
  });

  it('refuses a keyword the validator does not implement instead of ignoring it', () => {
    const events = new EventRegistry();
    events.register(OrderPlaced, { 1: (data: object) => data }, { 1: { type: 'object' }, 2: { type: 'object', pattern: '^x' } as object });
    expect(() => events.validate('OrderPlaced', 2, { orderId: ORDER_ID })).toThrow('JSON Schema keyword "pattern" at $ is not supported');
  });
});
