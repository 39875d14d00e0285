import { jest } from '@jest/globals';
import { Database } from '../src/database/database.js';
import { EventStore } from '../src/event-store/event-store.js';
import { LiveEventsService } from '../src/live/live-events.service.js';
import { OrderConfirmed } from '../src/orders/domain/order-events.js';
import { orderStreamId } from '../src/orders/order-stream.js';
import { useLiveStreamApp } from './support/live-stream-app.js';
import { placeOrder } from './support/orders-helpers.js';

jest.setTimeout(60_000);

describe('GET /events/stream (e2e)', () => {
  const { t, connect, staff, staffFromHead, logOrder, step, walk } = useLiveStreamApp();

  describe('resuming after a dropped connection', () => {
    it('misses nothing and repeats nothing when staff reconnect with Last-Event-ID while orders keep changing', async () => {
      const first = await staffFromHead();
      const writers = Promise.all([walk(), walk(), walk()]);
      await first.waitForMessages(5);
      first.cut();
      const lastSeen = first.messages[first.messages.length - 1].id!;

      // More writes while the client is away, and more still while it reconnects and is replayed to.
      const meanwhile = Promise.all([walk(), walk()]);
      await new Promise((resolve) => setTimeout(resolve, 0));
      const second = await staff('/events/stream', { 'Last-Event-ID': lastSeen });
      const during = Promise.all([walk(), walk()]);
      await Promise.all([writers, meanwhile, during]);

      const sentinelOrder = await placeOrder(t);
      const log = await logOrder();
      const from = log.indexOf(first.ids[0]);
      const expectedAfter = log.slice(log.indexOf(Number(lastSeen)) + 1);
      await second.waitForMessages(expectedAfter.length);

      expect(first.ids).toEqual(log.slice(from, from + first.ids.length));
      expect(second.ids).toEqual(expectedAfter);
      expect(second.messages[second.messages.length - 1].data).toMatchObject({ orderId: sentinelOrder, type: 'OrderPlaced' });
      const all = [...first.ids, ...second.ids];
      expect(new Set(all).size).toBe(all.length);
      expect(all).toEqual(log.slice(from));
    });

    it('resumes by log order, not by position: an event committed later with a smaller position is still sent', async () => {
      const early = await placeOrder(t);
      const late = await placeOrder(t);
      const watcher = await staffFromHead();

      // This transaction takes its id first but commits last, after a faster writer.
      const held = await t.app.get(Database).pool.connect();
      let slowPosition: number;
      let fastPosition: number;
      try {
        await held.query('BEGIN');
        await held.query('SELECT pg_current_xact_id()');
        fastPosition = (await step(late, 'confirm')).position;
        const appended = await t.app
          .get(EventStore)
          .append(
            orderStreamId(early),
            [new OrderConfirmed({ orderId: early, estimatedReadyAt: null, kitchenNotes: null, confirmedAt: new Date().toISOString() })],
            1,
            { executor: held, metadata: { actor: { kind: 'staff' } } },
          );
        slowPosition = appended.lastPosition;
        await held.query('COMMIT');
      } finally {
        held.release();
      }
      expect(slowPosition).toBeGreaterThan(fastPosition);

      // The log order puts the slow transaction's event first.
      await watcher.waitForMessages(2);
      expect(watcher.ids).toEqual([slowPosition, fastPosition]);

      // A client that got the slow event and dropped must still get the faster one, whose position is smaller.
      const resumed = await staff('/events/stream', { 'Last-Event-ID': String(slowPosition) });
      const customer = await connect(`/events/stream?orderId=${late}`, { 'Last-Event-ID': String(slowPosition) });
      const sentinel = await step(late, 'pay', { method: 'card' });
      await resumed.waitForMessages(2);
      await customer.waitForMessages(2);
      expect(resumed.ids).toEqual([fastPosition, sentinel.position]);
      expect(customer.ids).toEqual([fastPosition, sentinel.position]);
    });

    it("resumes a customer's stream from the last event they got", async () => {
      const orderId = await placeOrder(t);
      const first = await connect(`/events/stream?orderId=${orderId}`);
      const confirmed = await step(orderId, 'confirm');
      await first.waitForMessages(1);
      first.cut();
      const paid = await step(orderId, 'pay', { method: 'card' });
      const ready = await step(orderId, 'ready');

      const second = await connect(`/events/stream?orderId=${orderId}`, { 'Last-Event-ID': String(confirmed.position) });
      const dispatched = await step(orderId, 'dispatch', { courier: 'Luigi' });
      await second.waitForMessages(3);
      expect(first.ids).toEqual([confirmed.position]);
      expect(second.ids).toEqual([paid.position, ready.position, dispatched.position]);
      expect(second.messages.map((m) => m.data.version)).toEqual([3, 4, 5]);
    });

    it('ends every stream on disconnectAll, and the clients can resume where they were', async () => {
      const client = await staffFromHead();
      const orderId = await placeOrder(t);
      await client.waitForMessages(1);
      const live = t.app.get(LiveEventsService);
      expect(live.openStreams).toBeGreaterThan(0);
      live.disconnectAll();
      expect(live.openStreams).toBe(0);
      const confirmed = await step(orderId, 'confirm');
      const again = await staff('/events/stream', { 'Last-Event-ID': client.messages[0].id! });
      await again.waitForMessages(1);
      expect(again.ids).toEqual([confirmed.position]);
    });
  });
});
