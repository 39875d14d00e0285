import { jest } from '@jest/globals';
import { orderStreamId } from '../src/orders/order-stream.js';
import { useLiveStreamApp } from './support/live-stream-app.js';
import { placeOrder } from './support/orders-helpers.js';

jest.setTimeout(60_000);

describe('GET /events/stream (e2e)', () => {
  const { t, connect, staffFromHead, step, walk } = useLiveStreamApp();

  describe('what it sends', () => {
    it('sends each stored event once, as an unnamed message whose id is its global position', async () => {
      const client = await staffFromHead();
      expect(client.retry).toBeGreaterThan(0);
      const orderId = await placeOrder(t);
      const confirmed = await step(orderId, 'confirm', { kitchenNotes: 'crispy' });
      await client.waitForMessages(2);

      const [placed, confirmation] = client.messages;
      expect(placed.data).toEqual({
        position: Number(placed.id),
        version: 1,
        streamId: orderStreamId(orderId),
        orderId,
        type: 'OrderPlaced',
        occurredAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        data: expect.objectContaining({ orderId, customer: expect.objectContaining({ name: 'Ana' }), subtotalCents: expect.any(Number) }),
      });
      expect(confirmation.id).toBe(String(confirmed.position));
      expect(confirmation.data).toMatchObject({
        position: confirmed.position,
        version: 2,
        orderId,
        type: 'OrderConfirmed',
        data: { kitchenNotes: 'crispy' },
      });
    });

    it("gives a customer only their own order's events, in order, even while other orders change", async () => {
      const mine = await placeOrder(t);
      const other = await placeOrder(t);
      const client = await connect(`/events/stream?orderId=${mine}&lastEventId=0`);
      // The other order is confirmed then cancelled (in that order: a cancel that won the race
      // would make its confirm a 409), while this one and a third change at the same time.
      const otherChanges = async () => {
        await step(other, 'confirm');
        await step(other, 'cancel', { reason: 'no dough' });
      };
      await Promise.all([walk(), otherChanges(), step(mine, 'confirm')]);
      await step(mine, 'pay', { method: 'cash' });
      await client.waitForMessages(3);
      const sentinel = await step(mine, 'ready');
      await client.waitForMessages(4);

      expect(client.messages.map((m) => [m.data.orderId, m.data.version, m.data.type])).toEqual([
        [mine, 1, 'OrderPlaced'],
        [mine, 2, 'OrderConfirmed'],
        [mine, 3, 'PaymentReceived'],
        [mine, 4, 'OrderReady'],
      ]);
      expect(client.ids[3]).toBe(sentinel.position);
    });
  });
});
