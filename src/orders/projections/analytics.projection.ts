import { Injectable } from '@nestjs/common';
import type { Queryable } from '../../database/database.js';
import type { RecordedEvent } from '../../event-store/event-types.js';
import type { Projection, TableMap } from '../../projections/projection.js';
import { loadRows, upsertRows } from '../../projections/table-rows.js';
import type { OrderEvent } from '../domain/order-events.js';
import { isOrderStream } from '../order-stream.js';

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

/**
 * Orders, confirmations, cancellations, revenue and pizzas per day, all counted
 * on the (UTC) day the order was placed, so a day's rates stay between 0 and 1.
 * A batch sums its changes in memory and adds them to the tables in one write each.
 */
@Injectable()
export class AnalyticsProjection implements Projection {
  readonly name = ANALYTICS;
  readonly tables = ['analytics_orders', 'analytics_daily', 'analytics_pizzas'];

  async apply(tx: Queryable, events: readonly RecordedEvent[], tables: TableMap): Promise<void> {
    const relevant = events.filter((e) => isOrderStream(e.streamId));
    if (relevant.length === 0) return;
    const ids = [...new Set(relevant.map((e) => (e.event as OrderEvent).data.orderId))];
    const facts = await loadRows<OrderFacts>(tx, tables.analytics_orders, 'order_id', ids);
    for (const f of facts.values()) f.day = toDay(f.day);
    const days = new Map<string, DayTotals>();
    const pizzas = new Map<string, { day: string; pizza_id: string; name: string; quantity: number }>();
    const touched = new Set<string>();
    const totals = (day: string): DayTotals => {
      let t = days.get(day);
      if (!t) days.set(day, (t = { orders: 0, confirmed: 0, cancelled: 0, paid_orders: 0, revenue_cents: 0 }));
      return t;
    };

    for (const recorded of relevant) {
      const event = recorded.event as OrderEvent;
      const id = event.data.orderId;
      let order = facts.get(id);
      if (order && recorded.version <= order.version) continue;
      if (event.type === 'OrderPlaced') {
        if (order) continue;
        order = { order_id: id, day: toDay(event.data.placedAt), confirmed: false, cancelled: false, paid: false, version: 0 };
        facts.set(id, order);
        totals(order.day).orders++;
        for (const item of event.data.items) {
          const key = `${order.day}|${item.pizzaId}`;
          const entry = pizzas.get(key) ?? { day: order.day, pizza_id: item.pizzaId, name: item.name, quantity: 0 };
          entry.quantity += item.quantity;
          pizzas.set(key, entry);
        }
      }
      if (!order) continue;
      const day = totals(order.day);
      switch (event.type) {
        case 'OrderConfirmed':
          if (!order.confirmed) day.confirmed++;
          order.confirmed = true;
          break;
        case 'OrderCancelled':
          if (!order.cancelled) day.cancelled++;
          order.cancelled = true;
          break;
        case 'PaymentReceived':
          day.revenue_cents += event.data.amountCents;
          if (!order.paid) day.paid_orders++;
          order.paid = true;
          break;
        case 'PaymentRefunded':
          day.revenue_cents -= event.data.amountCents;
          if (order.paid) day.paid_orders--;
          order.paid = false;
          break;
        default:
          break;
      }
      order.version = recorded.version;
      touched.add(id);
    }

    await upsertRows(tx, tables.analytics_orders, ['order_id'], [...touched].map((id) => ({ ...facts.get(id)! })));
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
