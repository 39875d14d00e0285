import type { RecordedEvent } from '../../event-store/event-types.js';
import type { Projection, TableMap } from '../../projections/projection.js';
import { keysToLoad, type TableWriter } from '../../projections/table-writer.js';
import type { OrderEvent } from '../domain/order-events.js';
import { noRuleFor, orderEventsIn, orderIdOf } from './order-read-model.js';

export const ANALYTICS = 'analytics';

interface OrderFacts {
  order_id: string;
  day: string;
  confirmed: boolean;
  cancelled: boolean;
  paid: boolean;
  version: number;
}

interface DayTotals {
  orders: number;
  confirmed: number;
  cancelled: number;
  paid_orders: number;
  revenue_cents: number;
}

interface PizzaCount {
  day: string;
  pizza_id: string;
  name: string;
  quantity: number;
}

/** What one event changes: the order's facts, and what it adds to its day's totals and pizza counts. */
interface Change {
  facts: OrderFacts;
  totals: Partial<DayTotals>;
  pizzas: PizzaCount[];
}

/**
 * The change one event makes, from the order's facts so far (undefined before
 * it is placed); undefined when it changes nothing (a repeat, an order never seen).
 */
function evolve(facts: OrderFacts | undefined, recorded: RecordedEvent): Change | undefined {
  const event = recorded.event as OrderEvent;
  if (facts && recorded.version <= facts.version) return undefined;
  const version = recorded.version;
  if (event.type === 'OrderPlaced') {
    if (facts) return undefined;
    const day = toDay(event.data.placedAt);
    return {
      facts: { order_id: event.data.orderId, day, confirmed: false, cancelled: false, paid: false, version },
      totals: { orders: 1 },
      pizzas: event.data.items.map((item) => ({ day, pizza_id: item.pizzaId, name: item.name, quantity: item.quantity })),
    };
  }
  if (!facts) return undefined;
  const next = { ...facts, version };
  switch (event.type) {
    case 'OrderConfirmed':
      return { facts: { ...next, confirmed: true }, totals: facts.confirmed ? {} : { confirmed: 1 }, pizzas: [] };
    case 'OrderCancelled':
      return { facts: { ...next, cancelled: true }, totals: facts.cancelled ? {} : { cancelled: 1 }, pizzas: [] };
    case 'PaymentReceived':
      return {
        facts: { ...next, paid: true },
        totals: { revenue_cents: event.data.amountCents, paid_orders: facts.paid ? 0 : 1 },
        pizzas: [],
      };
    case 'PaymentRefunded':
      return {
        facts: { ...next, paid: false },
        totals: { revenue_cents: -event.data.amountCents, paid_orders: facts.paid ? -1 : 0 },
        pizzas: [],
      };
    case 'DiscountApplied':
    case 'CookingStarted':
    case 'OrderReady':
    case 'OrderDispatched':
    case 'OrderDelivered':
    case 'OrderPickedUp':
      return { facts: next, totals: {}, pizzas: [] };
    default:
      return noRuleFor(ANALYTICS, event);
  }
}

/**
 * Orders, confirmations, cancellations, revenue and pizzas per day, all counted
 * on the (UTC) day the order was placed, so a day's rates stay between 0 and 1.
 * A batch sums its changes in memory and adds them to the tables in one write each.
 */
export class AnalyticsProjection implements Projection {
  readonly name = ANALYTICS;
  readonly tables = ['analytics_orders', 'analytics_daily', 'analytics_pizzas'];

  async apply(tx: TableWriter, events: readonly RecordedEvent[], tables: TableMap): Promise<void> {
    const relevant = orderEventsIn(events);
    if (relevant.length === 0) return;
    // An order placed in this batch has no facts yet: only the others are read. Each event is
    // applied once (the checkpoint moves in the batch's own transaction), so a placement
    // is never counted twice without the read.
    const toLoad = keysToLoad(relevant, orderIdOf, (e) => e.event.type === 'OrderPlaced');
    const facts = await tx.loadRows<OrderFacts>(tables.analytics_orders, 'order_id', toLoad);
    const loaded = new Set(toLoad);
    for (const f of facts.values()) f.day = toDay(f.day);
    const days = new Map<string, DayTotals>();
    const pizzas = new Map<string, PizzaCount>();
    const touched = new Set<string>();

    for (const recorded of relevant) {
      const id = orderIdOf(recorded);
      const change = evolve(facts.get(id), recorded);
      if (!change) continue;
      facts.set(id, change.facts);
      touched.add(id);
      const day = days.get(change.facts.day) ?? { orders: 0, confirmed: 0, cancelled: 0, paid_orders: 0, revenue_cents: 0 };
      for (const [key, delta] of Object.entries(change.totals) as [keyof DayTotals, number][]) day[key] += delta;
      days.set(change.facts.day, day);
      for (const count of change.pizzas) {
        const key = `${count.day}|${count.pizza_id}`;
        const entry = pizzas.get(key);
        if (entry) entry.quantity += count.quantity;
        else pizzas.set(key, { ...count });
      }
    }

    await tx.upsertRows(
      tables.analytics_orders,
      ['order_id'],
      [...touched].map((id) => ({ ...facts.get(id)! })),
      { created: (row) => !loaded.has((row as OrderFacts).order_id) },
    );
    if (days.size > 0) {
      await tx.query(
        `INSERT INTO ${tables.analytics_daily} AS t (day, orders, confirmed, cancelled, paid_orders, revenue_cents)
         SELECT day, orders, confirmed, cancelled, paid_orders, revenue_cents
           FROM jsonb_populate_recordset(NULL::${tables.analytics_daily}, $1::jsonb)
         ON CONFLICT (day) DO UPDATE SET
           orders = t.orders + excluded.orders, confirmed = t.confirmed + excluded.confirmed,
           cancelled = t.cancelled + excluded.cancelled, paid_orders = t.paid_orders + excluded.paid_orders,
           revenue_cents = t.revenue_cents + excluded.revenue_cents`,
        [JSON.stringify([...days].map(([day, t]) => ({ day, ...t })))],
      );
    }
    if (pizzas.size > 0) {
      await tx.query(
        `INSERT INTO ${tables.analytics_pizzas} AS t (day, pizza_id, name, quantity)
         SELECT day, pizza_id, name, quantity FROM jsonb_populate_recordset(NULL::${tables.analytics_pizzas}, $1::jsonb)
         ON CONFLICT (day, pizza_id) DO UPDATE SET quantity = t.quantity + excluded.quantity, name = excluded.name`,
        [JSON.stringify([...pizzas.values()])],
      );
    }
  }
}

function toDay(value: string | Date): string {
  return (value instanceof Date ? value : new Date(value)).toISOString().slice(0, 10);
}

export const analyticsProjection = new AnalyticsProjection();
