import { randomUUID } from 'node:crypto';
import { EventStore } from '../src/event-store/event-store.js';
import { priceItems } from '../src/menu/pricing.js';
import { PizzaOrder } from '../src/orders/domain/pizza-order.js';
import { orderStreamId } from '../src/orders/order-stream.js';
import { ProjectionRebuilder } from '../src/projections/projection-rebuilder.js';
import { countEvents } from './support/orders-helpers.js';
import { waitUntil } from './support/projection-helpers.js';
import { WALKS, expectEqualToRebuild, place, quiesce, rebuildAll, walk } from './support/read-model-replay.js';
import { MARGHERITA_ORDER, startTestApp } from './support/test-app.js';

describe('read models through rebuilds while orders are written', () => {
  it('rebuilds each projection while orders are being written, into the same tables a full replay gives', async () => {
    const t = await startTestApp({ projectionLockRetryMs: 50 });
    try {
      await Promise.all(WALKS.map((w) => walk(t, w)));
      const quiet = await expectEqualToRebuild(t);
      expect(quiet.order_details).toHaveLength(WALKS.length);
      expect(quiet.kitchen_queue.length).toBeGreaterThan(0);
      expect(quiet.analytics_orders).toHaveLength(WALKS.length);
      expect(quiet.analytics_pizzas.length).toBeGreaterThanOrEqual(3);

      let writing = true;
      let walked = 0;
      const writers = Promise.all(
        [0, 1].map(async (offset) => {
          for (let i = offset; writing; i += 2) {
            await walk(t, WALKS[i % WALKS.length]);
            walked++;
          }
        }),
      );
      try {
        await waitUntil(() => walked > 0, { what: 'the writers are under way' });
        const before = await countEvents(t);
        const results = await rebuildAll(t);
        expect(await countEvents(t)).toBeGreaterThan(before);
        for (const result of results) {
          expect(result.done).toBe(true);
          expect(result.eventsApplied).toBeGreaterThan(0);
        }
      } finally {
        writing = false;
        await writers;
      }

      const live = await expectEqualToRebuild(t);
      expect(live.order_details).toHaveLength(WALKS.length + walked);
      expect(live.analytics_orders).toHaveLength(WALKS.length + walked);
    } finally {
      await t.close();
    }
  });

  it('rebuilds a log of thousands of events, written in bulk by COPY, into the same tables a full replay gives', async () => {
    const t = await startTestApp({ projectionLockRetryMs: 50 });
    try {
      const store = t.app.get(EventStore);
      // What COPY's text format gives a meaning to, in what the read models store as text and as jsonb.
      const awkward = ['tab\there', 'line\nbreak', 'back\\slash', '\\N', 'it\'s "quoted"', 'ñandú 🍕', 'plain'];
      const count = 1_100;
      const orders = Array.from({ length: count }, (_, i) => {
        const text = awkward[i % awkward.length];
        return PizzaOrder.place({
          orderId: randomUUID(),
          customer: { name: `${text} ${i}`, phone: `+34 600 ${String(i).padStart(6, '0')}`, address: i % 3 ? `Calle ${text} ${i}` : null },
          items: priceItems([
            { pizzaId: i % 2 ? 'funghi' : 'margherita', size: 'large', quantity: 1 + (i % 3), toppings: i % 4 ? [] : ['basil'] },
          ]),
          fulfilment: i % 3 ? 'delivery' : 'pickup',
          notes: i % 5 ? null : text,
          now: new Date(Date.UTC(2026, 10, 1 + (i % 20), 12, 0, 0, i % 1000)),
        });
      });
      const stored = new Map<string, number>(orders.map((order) => [order.id, 0]));
      const appendAll = async () => {
        for (let i = 0; i < orders.length; i += 50) {
          await Promise.all(
            orders.slice(i, i + 50).map(async (order) => {
              await store.append(orderStreamId(order.id), order.pullNewEvents(), stored.get(order.id)!);
              stored.set(order.id, order.version);
            }),
          );
        }
      };
      await appendAll();
      // All placed first, then all moved on: the rebuild's pages are 2,000 events, so its second page holds
      // hundreds of orders it must read and update (a staged upsert), not create, in each of the three read models.
      orders.forEach((order, i) => {
        const now = new Date(Date.UTC(2026, 10, 21, 12, 0, 0, i % 1000));
        if (i % 4 === 0) order.cancel({ reason: awkward[i % awkward.length], by: 'customer', now });
        else order.confirm({ kitchenNotes: i % 2 ? awkward[i % awkward.length] : null, now });
        if (i % 4 === 1) order.pay({ method: 'card', now });
      });
      await appendAll();
      expect(await countEvents(t)).toBeGreaterThan(2 * count + 200);

      const live = await expectEqualToRebuild(t);
      expect(live.order_details).toHaveLength(count);
      expect(live.analytics_orders).toHaveLength(count);
      expect(live.kitchen_queue.length).toBeGreaterThan(count / 2);
      const names = new Set((live.order_details as Array<{ customer: { name: string } }>).map((row) => row.customer.name));
      for (const text of awkward) expect(names.has(`${text} ${awkward.indexOf(text)}`)).toBe(true);
    } finally {
      await t.close();
    }
  });

  it('finishes a rebuild while writes go on without a pause, instead of chasing the head of the log', async () => {
    const t = await startTestApp({ projectionLockRetryMs: 50 });
    try {
      await Promise.all(WALKS.map((w) => walk(t, w)));
      await quiesce(t);
      // Eight writers, back to back, with a bound: a rebuild that only stopped at an empty
      // page of the log would find new events on almost every read, and end with the writers.
      const LIMIT = 1_500;
      let placed = 0;
      let stop = false;
      const writer = Promise.all(
        Array.from({ length: 8 }, async () => {
          while (!stop && placed < LIMIT) {
            placed++;
            await place(t, MARGHERITA_ORDER);
          }
        }),
      );
      try {
        await waitUntil(() => placed >= 5, { what: 'the writer is under way' });
        const result = await t.app.get(ProjectionRebuilder).rebuild('order-details');
        expect(result.done).toBe(true);
        expect(placed).toBeLessThan(LIMIT);
      } finally {
        stop = true;
        await writer;
      }
      await expectEqualToRebuild(t);
    } finally {
      await t.close();
    }
  });
});
