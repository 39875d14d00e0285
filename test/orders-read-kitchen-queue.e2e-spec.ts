import { PICKUP_ORDER } from './support/order-bodies.js';
import { expectError } from './support/orders-helpers.js';
import { ISO_UTC, command, place, staffGet } from './support/read-helpers.js';
import { MARGHERITA_ORDER } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

describe('orders read side (e2e)', () => {
  const t = useTestApp();

  describe('GET /kitchen/queue', () => {
    it('is for staff only', async () => {
      expectError(await t.http().get('/kitchen/queue'), 401, 'STAFF_TOKEN_MISSING');
    });

    it('holds CONFIRMED and COOKING orders, oldest confirmation first, until they are ready or cancelled', async () => {
      const [a, b, c, pending] = [
        await place(t, MARGHERITA_ORDER),
        await place(t, MARGHERITA_ORDER),
        await place(t, PICKUP_ORDER),
        await place(t, MARGHERITA_ORDER),
      ];
      const mine = new Set([a, b, c, pending].map((w) => w.orderId));
      const queue = async (minPosition: number) => {
        const res = await staffGet(t, '/kitchen/queue', { minPosition });
        expect(res.status).toBe(200);
        expect(Array.isArray(res.body)).toBe(true);
        const tickets: Array<{ orderId: string; status: string; confirmedAt: string }> = res.body;
        for (const ticket of tickets) expect(['CONFIRMED', 'COOKING']).toContain(ticket.status);
        const confirmations = tickets.map((ticket) => ticket.confirmedAt);
        for (const confirmedAt of confirmations) expect(confirmedAt).toMatch(ISO_UTC);
        expect(confirmations).toEqual([...confirmations].sort());
        return tickets.filter((ticket) => mine.has(ticket.orderId)).map((ticket) => [ticket.orderId, ticket.status]);
      };

      expect(await queue(pending.position)).toEqual([]);

      // Confirmed in another order than placed: the queue follows the confirmations.
      await command(t, c.orderId, 'confirm');
      await command(t, a.orderId, 'confirm');
      const lastConfirm = await command(t, b.orderId, 'confirm');
      expect(await queue(lastConfirm.position)).toEqual([
        [c.orderId, 'CONFIRMED'],
        [a.orderId, 'CONFIRMED'],
        [b.orderId, 'CONFIRMED'],
      ]);

      const paid = await command(t, a.orderId, 'pay', { method: 'card' });
      const paidPending = await command(t, pending.orderId, 'pay', { method: 'cash' });
      expect(await queue(Math.max(paid.position, paidPending.position))).toEqual([
        [c.orderId, 'CONFIRMED'],
        [a.orderId, 'COOKING'],
        [b.orderId, 'CONFIRMED'],
      ]);

      await command(t, c.orderId, 'start-cooking');
      const ready = await command(t, c.orderId, 'ready');
      expect(await queue(ready.position)).toEqual([
        [a.orderId, 'COOKING'],
        [b.orderId, 'CONFIRMED'],
      ]);

      const cancelled = await command(t, b.orderId, 'cancel', { reason: 'oven broke' });
      expect(await queue(cancelled.position)).toEqual([[a.orderId, 'COOKING']]);

      const aReady = await command(t, a.orderId, 'ready');
      expect(await queue(aReady.position)).toEqual([]);
    });
  });
});
