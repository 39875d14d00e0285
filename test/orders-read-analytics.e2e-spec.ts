import { expectError, expectValidationError } from './support/orders-helpers.js';
import { command, orderBody, place, readOrder, staffGet, uniquePhone } from './support/read-helpers.js';
import { useTestApp } from './support/use-test-app.js';

const DAY_MS = 86_400_000;

function dayOf(iso: string, offsetDays = 0): string {
  return new Date(Date.parse(iso.slice(0, 10)) + offsetDays * DAY_MS).toISOString().slice(0, 10);
}

describe('orders read side (e2e)', () => {
  describe('GET /analytics/summary', () => {
    const a = useTestApp();
    let placedDays: string[];
    let head: number;

    beforeAll(async () => {
      const phone = uniquePhone();
      // 3300 paid by card
      const o1 = await place(a, orderBody(phone));
      await command(a, o1.orderId, 'confirm');
      await command(a, o1.orderId, 'pay', { method: 'card' });
      // 1400 + 3 × 1100 = 4700, 500 off, 4200 paid in cash
      const o2 = await place(
        a,
        orderBody(phone, [
          { pizzaId: 'pepperoni', size: 'medium', quantity: 1 },
          { pizzaId: 'diavola', size: 'small', quantity: 3 },
        ]),
      );
      await command(a, o2.orderId, 'discount', { code: 'FIVEOFF' });
      await command(a, o2.orderId, 'confirm');
      await command(a, o2.orderId, 'pay', { method: 'cash' });
      // 2000 paid, then refunded when staff cancel it
      const o3 = await place(a, orderBody(phone, [{ pizzaId: 'funghi', size: 'small', quantity: 2 }]));
      await command(a, o3.orderId, 'pay', { method: 'card' });
      await command(a, o3.orderId, 'confirm');
      await command(a, o3.orderId, 'cancel', { reason: 'out of mushrooms' });
      // never confirmed, cancelled by the customer
      const o4 = await place(a, orderBody(phone, [{ pizzaId: 'margherita', size: 'small', quantity: 2 }]));
      const cancel = await a.http().post(`/orders/${o4.orderId}/cancel`).send({ reason: 'changed my mind' });
      expect(cancel.status).toBe(200);
      head = cancel.body.position;
      placedDays = [];
      for (const o of [o1, o2, o3, o4]) placedDays.push((await readOrder(a, o.orderId, head)).placedAt.slice(0, 10));
    });

    it('is for staff only', async () => {
      expectError(await a.http().get('/analytics/summary'), 401, 'STAFF_TOKEN_MISSING');
    });

    it('sums orders, confirmations, cancellations, net revenue and pizzas over the range, with every day in it', async () => {
      const first = [...placedDays].sort()[0];
      const lastDay = [...placedDays].sort()[3];
      const from = dayOf(first, -2);
      const to = dayOf(lastDay, 1);
      const res = await staffGet(a, '/analytics/summary', { from, to, minPosition: head });
      expect(res.status).toBe(200);

      const revenueByOrder = [3300, 4200, 0, 0];
      const days: string[] = [];
      for (let day = from; day <= to; day = dayOf(day, 1)) days.push(day);
      expect(days.length).toBeGreaterThanOrEqual(4);
      expect(res.body).toMatchObject({
        totalOrders: 4,
        confirmedOrders: 3,
        cancelledOrders: 2,
        confirmationRate: 0.75,
        revenueCents: 7500,
        averageOrderValueCents: 3750,
        popularItems: [
          { pizzaId: 'margherita', name: 'Margherita', quantity: 4 },
          { pizzaId: 'diavola', name: 'Diavola', quantity: 3 },
          { pizzaId: 'funghi', name: 'Funghi', quantity: 2 },
          { pizzaId: 'pepperoni', name: 'Pepperoni', quantity: 1 },
        ],
        daily: days.map((date) => ({
          date,
          orders: placedDays.filter((day) => day === date).length,
          revenueCents: placedDays.reduce((sum, day, i) => (day === date ? sum + revenueByOrder[i] : sum), 0),
        })),
      });
    });

    it('counts nothing for a range without orders, and still lists its days', async () => {
      const later = dayOf([...placedDays].sort()[3], 1);
      const res = await staffGet(a, '/analytics/summary', { from: later, to: dayOf(later, 2), minPosition: head });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        totalOrders: 0,
        confirmedOrders: 0,
        cancelledOrders: 0,
        confirmationRate: 0,
        revenueCents: 0,
        averageOrderValueCents: 0,
        popularItems: [],
        daily: [0, 1, 2].map((offset) => ({ date: dayOf(later, offset), orders: 0, revenueCents: 0 })),
      });
    });

    it('counts a one-day range', async () => {
      const day = placedDays[0];
      const res = await staffGet(a, '/analytics/summary', { from: day, to: day, minPosition: head });
      expect(res.status).toBe(200);
      expect(res.body.daily).toEqual([{ date: day, orders: placedDays.filter((d) => d === day).length, revenueCents: expect.any(Number) }]);
    });

    it('answers 400 VALIDATION_FAILED when from is after to, or a date is not ISO-8601', async () => {
      const day = placedDays[0];
      expectValidationError(await staffGet(a, '/analytics/summary', { from: dayOf(day, 1), to: day }), /from/);
      expectValidationError(await staffGet(a, '/analytics/summary', { from: 'last week' }), /from/);
      expectValidationError(await staffGet(a, '/analytics/summary', { to: '2026-13-01' }), /to/);
    });
  });
});
