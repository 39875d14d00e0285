import { OrderConfirmed, OrderPlaced, type OrderEvent } from './order-events.js';
import { PizzaOrder } from './pizza-order.js';
import { at, confirmed, ITEMS, ORDER_ID, placed, placeInput } from '../../../test/support/orders/order-fixtures.js';

// Drives a full delivery order through every command, as handlers would,
// persisting after each one so each step starts from a freshly loaded order.
function runThroughCommands(): { order: PizzaOrder; stream: OrderEvent[] } {
  const stream: OrderEvent[] = [];
  const step = (command: (order: PizzaOrder) => void): PizzaOrder => {
    const order = PizzaOrder.fromHistory(stream);
    command(order);
    stream.push(...order.pullNewEvents());
    return order;
  };
  stream.push(...PizzaOrder.place(placeInput()).pullNewEvents());
  step((o) => o.applyDiscount({ discount: { code: 'WELCOME10', kind: 'percent', percent: 10 }, now: at(1) }));
  step((o) => o.confirm({ estimatedReadyAt: at(30).toISOString(), kitchenNotes: 'well done', now: at(2) }));
  step((o) => o.pay({ method: 'card', transactionId: 'tx-9', now: at(3) }));
  step((o) => o.markReady({ now: at(20) }));
  step((o) => o.dispatch({ courier: 'Luigi', now: at(22) }));
  const order = step((o) => o.deliver({ now: at(35) }));
  return { order, stream };
}

describe('PizzaOrder history', () => {
  it('rebuilds from events exactly the state the commands built', () => {
    const { order, stream } = runThroughCommands();
    const rebuilt = PizzaOrder.fromHistory(stream);
    expect(rebuilt.toSnapshot()).toEqual(order.toSnapshot());
    expect(rebuilt.version).toBe(order.version);
    expect(rebuilt.toSnapshot()).toMatchObject({
      status: 'DELIVERED',
      paymentStatus: 'PAID',
      discountCents: 430,
      totalCents: 3870,
      paidCents: 3870,
      courier: 'Luigi',
    });
  });

  it('gives the same order from a snapshot plus the tail as from the full history', () => {
    const { stream } = runThroughCommands();
    const full = PizzaOrder.fromHistory(stream);
    for (let cut = 1; cut < stream.length; cut += 1) {
      const head = PizzaOrder.fromHistory(stream.slice(0, cut));
      const snapshot = { version: head.version, state: head.toSnapshot() };
      const resumed = PizzaOrder.fromHistory(stream.slice(cut), snapshot);
      expect(resumed.toSnapshot()).toEqual(full.toSnapshot());
      expect(resumed.version).toBe(full.version);
      expect(resumed.expectedVersion).toBe(full.version);
    }
  });

  it('takes a snapshot that survives a JSON round trip unchanged', () => {
    const { order } = runThroughCommands();
    const snapshot = order.toSnapshot();
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
  });

  it('loads from a snapshot alone, without copying it by reference', () => {
    const head = PizzaOrder.fromHistory([placed(), confirmed()]);
    const snapshot = { version: head.version, state: head.toSnapshot() };
    const order = PizzaOrder.fromHistory([], snapshot);
    snapshot.state.status = 'CANCELLED';
    expect(order.status).toBe('CONFIRMED');
    expect(order.version).toBe(2);
  });

  it('counts versions: expectedVersion is the loaded one, version includes new events', () => {
    const order = PizzaOrder.fromHistory([placed()]);
    expect(order.version).toBe(1);
    expect(order.expectedVersion).toBe(1);
    order.confirm({ now: at(1) });
    expect(order.version).toBe(2);
    expect(order.expectedVersion).toBe(1);
  });

  it('hands new events out once', () => {
    const order = PizzaOrder.fromHistory([placed()]);
    order.confirm({ now: at(1) });
    expect(order.pullNewEvents()).toHaveLength(1);
    expect(order.pullNewEvents()).toEqual([]);
  });

  it('does not replay loaded events as new ones', () => {
    expect(PizzaOrder.fromHistory([placed(), confirmed()]).pullNewEvents()).toEqual([]);
  });

  it('stores events under explicit type names and schema versions', () => {
    expect([OrderPlaced.type, OrderPlaced.schemaVersion]).toEqual(['OrderPlaced', 2]);
    expect([OrderConfirmed.type, OrderConfirmed.schemaVersion]).toEqual(['OrderConfirmed', 1]);
    expect(JSON.parse(JSON.stringify(confirmed()))).toEqual({ data: confirmed().data });
    expect(confirmed().type).toBe('OrderConfirmed');
  });

  it('refuses histories that can not exist', () => {
    expect(() => PizzaOrder.fromHistory([])).toThrow('empty history');
    expect(() => PizzaOrder.fromHistory([confirmed()])).toThrow('can not come before OrderPlaced');
    expect(() => PizzaOrder.fromHistory([placed(), placed()])).toThrow('second OrderPlaced');
  });

  it('keeps the items priced at placing time', () => {
    const order = PizzaOrder.fromHistory([placed()]);
    expect(order.id).toBe(ORDER_ID);
    expect(order.toSnapshot().items).toEqual(ITEMS);
  });
});
