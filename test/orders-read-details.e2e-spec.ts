import { randomUUID } from 'node:crypto';
import { PICKUP_ORDER } from './support/order-bodies.js';
import { READY_AT, placedView } from './support/order-read-views.js';
import { UUID, expectError } from './support/orders-helpers.js';
import { ISO_UTC, command, contractView, expectDuring, place, readOrder, staffGet, type Written } from './support/read-helpers.js';
import { MARGHERITA_ORDER } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

describe('orders read side (e2e)', () => {
  const t = useTestApp();

  describe('GET /orders/{id}', () => {
    it('shows a delivery order after each write of its lifecycle, read with that write’s position', async () => {
      const placed = await place(t, MARGHERITA_ORDER);
      const { orderId } = placed;
      expect(orderId).toMatch(UUID);

      const first = await readOrder(t, orderId, placed.position);
      expectDuring(first.placedAt, placed);
      let expected: Record<string, unknown> = placedView(orderId, first.placedAt);
      expect(contractView(first)).toEqual(expected);

      // Given with an offset, shown in UTC.
      const confirmed = await command(t, orderId, 'confirm', { estimatedReadyAt: '2030-01-02T19:30:00+01:00' });
      const afterConfirm = await readOrder(t, orderId, confirmed.position);
      expectDuring(afterConfirm.confirmedAt, confirmed);
      expected = {
        ...expected,
        status: 'CONFIRMED',
        confirmedAt: afterConfirm.confirmedAt,
        estimatedReadyAt: READY_AT,
        updatedAt: afterConfirm.confirmedAt,
        version: 2,
      };
      expect(contractView(afterConfirm)).toEqual(expected);

      const steps: Array<[string, object, Record<string, unknown>]> = [
        ['pay', { method: 'card' }, { status: 'COOKING', paymentStatus: 'PAID' }],
        ['ready', {}, { status: 'READY' }],
        ['dispatch', { courier: 'Luis' }, { status: 'OUT_FOR_DELIVERY' }],
        ['deliver', {}, { status: 'DELIVERED' }],
      ];
      for (const [name, body, change] of steps) {
        const write = await command(t, orderId, name, body);
        const order = await readOrder(t, orderId, write.position);
        expectDuring(order.updatedAt, write);
        expected = { ...expected, ...change, updatedAt: order.updatedAt, version: write.version };
        expect({ after: name, order: contractView(order) }).toEqual({ after: name, order: expected });
      }
      expect(expected.version).toBe(6);
    });

    it('shows a pickup order as PICKED_UP at the end', async () => {
      const placed = await place(t, PICKUP_ORDER);
      const { orderId } = placed;
      const first = await readOrder(t, orderId, placed.position);
      expect(contractView(first)).toEqual(placedView(orderId, first.placedAt, 'pickup'));

      let last!: Written;
      for (const name of ['confirm', 'start-cooking', 'ready']) last = await command(t, orderId, name);
      expect((await readOrder(t, orderId, last.position)).status).toBe('READY');

      const pickedUp = await command(t, orderId, 'deliver');
      const order = await readOrder(t, orderId, pickedUp.position);
      expectDuring(order.updatedAt, pickedUp);
      expect(contractView(order)).toEqual({
        ...placedView(orderId, first.placedAt, 'pickup'),
        status: 'PICKED_UP',
        confirmedAt: expect.stringMatching(ISO_UTC),
        updatedAt: order.updatedAt,
        version: 5,
      });
    });

    it('takes a discount off the total, and a payment of a pending order leaves it pending', async () => {
      const placed = await place(t, MARGHERITA_ORDER);
      const { orderId } = placed;
      const placedAt = (await readOrder(t, orderId, placed.position)).placedAt;

      const discounted = await command(t, orderId, 'discount', { code: 'WELCOME10' });
      const afterDiscount = await readOrder(t, orderId, discounted.position);
      expect(contractView(afterDiscount)).toEqual({
        ...placedView(orderId, placedAt),
        discountCents: 330,
        totalCents: 2970,
        updatedAt: afterDiscount.updatedAt,
        version: 2,
      });
      expectDuring(afterDiscount.updatedAt, discounted);

      const paid = await command(t, orderId, 'pay', { method: 'cash' });
      const afterPay = await readOrder(t, orderId, paid.position);
      expect(contractView(afterPay)).toEqual({
        ...contractView(afterDiscount),
        paymentStatus: 'PAID',
        updatedAt: afterPay.updatedAt,
        version: 3,
      });
    });

    it('applies a fixed-amount discount code', async () => {
      const placed = await place(t, MARGHERITA_ORDER);
      const discounted = await command(t, placed.orderId, 'discount', { code: 'FIVEOFF' });
      const order = await readOrder(t, placed.orderId, discounted.position);
      expect({ subtotalCents: order.subtotalCents, discountCents: order.discountCents, totalCents: order.totalCents }).toEqual({
        subtotalCents: 3300,
        discountCents: 500,
        totalCents: 2800,
      });
    });

    it('shows a paid order cancelled by staff as CANCELLED and REFUNDED, at the version after both events', async () => {
      const placed = await place(t, MARGHERITA_ORDER);
      const { orderId } = placed;
      await command(t, orderId, 'pay', { method: 'card' });
      const confirmed = await command(t, orderId, 'confirm');
      const beforeCancel = await readOrder(t, orderId, confirmed.position);
      expect([beforeCancel.status, beforeCancel.paymentStatus]).toEqual(['CONFIRMED', 'PAID']);

      const cancelled = await command(t, orderId, 'cancel', { reason: 'out of dough' });
      expect(cancelled.version).toBe(5);
      const order = await readOrder(t, orderId, cancelled.position);
      expectDuring(order.updatedAt, cancelled);
      expect(contractView(order)).toEqual({
        ...contractView(beforeCancel),
        status: 'CANCELLED',
        paymentStatus: 'REFUNDED',
        updatedAt: order.updatedAt,
        version: 5,
      });
    });

    it('lets anyone with the id read it, with or without a token', async () => {
      const placed = await place(t, MARGHERITA_ORDER);
      const anonymous = await t.http().get(`/orders/${placed.orderId}`).query({ minPosition: placed.position });
      const staff = await staffGet(t, `/orders/${placed.orderId}`, { minPosition: placed.position });
      const wrongToken = await t.http().get(`/orders/${placed.orderId}`).set('Authorization', 'Bearer nope-nope-nope-nope');
      expect([anonymous.status, staff.status, wrongToken.status]).toEqual([200, 200, 200]);
      expect(anonymous.body.orderId).toBe(placed.orderId);
      expect(staff.body).toEqual(anonymous.body);
      expect(wrongToken.body).toEqual(anonymous.body);
    });

    it('answers 404 ORDER_NOT_FOUND for an unknown uuid and for an id that is not a uuid', async () => {
      expectError(await t.http().get(`/orders/${randomUUID()}`), 404, 'ORDER_NOT_FOUND');
      expectError(await t.http().get('/orders/not-a-uuid'), 404, 'ORDER_NOT_FOUND');
      expectError(await t.http().get(`/orders/${randomUUID()}`).query({ minPosition: 1 }), 404, 'ORDER_NOT_FOUND');
    });
  });
});
