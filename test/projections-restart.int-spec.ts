import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Database } from '../src/database/database.js';
import { EventRegistry } from '../src/event-store/event-registry.js';
import { EventStore } from '../src/event-store/event-store.js';
import { priceItems } from '../src/menu/pricing.js';
import type { OrderEvent } from '../src/orders/domain/order-events.js';
import { PizzaOrder } from '../src/orders/domain/pizza-order.js';
import { orderStreamId, registerOrderEvents } from '../src/orders/order-stream.js';
import { expectEqualToRebuild, quiesce, walk, type Written } from './support/read-model-replay.js';
import { startSibling } from './support/sibling-app.js';
import { MARGHERITA_ORDER, startTestApp, type TestApp } from './support/test-app.js';

describe('read models through a restart', () => {
  it('catches up after a restart with events that were appended but never published', async () => {
    const t = await startTestApp({ projectionLockRetryMs: 50 });
    let restarted: TestApp | undefined;
    try {
      const earlier = await walk(t, { body: MARGHERITA_ORDER, steps: [['confirm']] });
      await quiesce(t);
      await t.app.close();

      // Appended by an instance that died before its feed published anything.
      const dataSource = new DataSource({ type: 'postgres', url: t.database.url, logging: false });
      await dataSource.initialize();
      let placed: Written;
      let cooking: Written;
      try {
        const registry = new EventRegistry();
        registerOrderEvents(registry);
        const store = new EventStore(new Database(dataSource), registry);
        const now = new Date();
        const order = PizzaOrder.place({
          orderId: randomUUID(),
          customer: { name: 'Carla', phone: '+34 600 555 666', address: null },
          items: priceItems([{ pizzaId: 'funghi', size: 'large', quantity: 2, toppings: ['basil'] }]),
          fulfilment: 'pickup',
          now,
        });
        order.confirm({ kitchenNotes: 'after the crash', now });
        const appended = await store.append(orderStreamId(order.id), order.pullNewEvents(), 0);
        placed = { orderId: order.id, version: appended.nextExpectedVersion, position: appended.lastPosition };

        const history = await store.readStream(orderStreamId(earlier.orderId));
        const existing = PizzaOrder.fromHistory(history.map((e) => e.event as OrderEvent));
        existing.startCooking({ now });
        const moved = await store.append(orderStreamId(earlier.orderId), existing.pullNewEvents(), existing.expectedVersion);
        cooking = { orderId: earlier.orderId, version: moved.nextExpectedVersion, position: moved.lastPosition };
      } finally {
        await dataSource.destroy();
      }

      restarted = await startSibling(t);
      const res = await restarted.http().get(`/orders/${placed.orderId}?minPosition=${placed.position}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        orderId: placed.orderId,
        status: 'CONFIRMED',
        fulfilment: 'pickup',
        kitchenNotes: 'after the crash',
        version: 2,
      });
      const moved = await restarted.http().get(`/orders/${cooking.orderId}?minPosition=${cooking.position}`);
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({ status: 'COOKING', version: 3 });
      const queue = await restarted.http().get(`/kitchen/queue?minPosition=${cooking.position}`).set(restarted.staff);
      expect(queue.status).toBe(200);
      expect(queue.body.map((ticket: { orderId: string }) => ticket.orderId).sort()).toEqual([placed.orderId, cooking.orderId].sort());

      const live = await expectEqualToRebuild(restarted);
      expect(live.order_details).toHaveLength(2);
    } finally {
      await restarted?.close();
      await t.database.drop();
    }
  });
});
