import { randomUUID } from 'node:crypto';
import { READY_AT, placedView } from './support/order-read-views.js';
import { expectError, expectValidationError } from './support/orders-helpers.js';
import { command, contractView, place, readOrder, shiftMs, staffGet, withOffset } from './support/read-helpers.js';
import { MARGHERITA_ORDER } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

describe('orders read side (e2e)', () => {
  const t = useTestApp();

  describe('GET /orders/{id}/state?asOf=', () => {
    let orderId: string;
    let current: Record<string, any>;
    let placedAt: string;
    let confirmedAt: string;
    let paidAt: string;

    beforeAll(async () => {
      const placed = await place(t, MARGHERITA_ORDER);
      orderId = placed.orderId;
      await readOrder(t, orderId, placed.position);
      const confirmed = await command(t, orderId, 'confirm', { estimatedReadyAt: READY_AT });
      await readOrder(t, orderId, confirmed.position);
      const paid = await command(t, orderId, 'pay', { method: 'cash' });
      current = await readOrder(t, orderId, paid.position);
      const timeline = await t.http().get(`/orders/${orderId}/timeline`);
      [placedAt, confirmedAt, paidAt] = timeline.body.map((entry: { occurredAt: string }) => entry.occurredAt);
    });

    const at = (asOf: string, id = orderId) => staffGet(t, `/orders/${id}/state`, { asOf });

    it('shows the order as it stood at each write, and between two writes', async () => {
      // The instants below only separate the writes if the writes are apart in time.
      expect(Date.parse(placedAt)).toBeLessThan(Date.parse(confirmedAt));
      expect(Date.parse(confirmedAt)).toBeLessThan(Date.parse(paidAt));

      const atPlaced = await at(placedAt);
      expect(atPlaced.status).toBe(200);
      expect(contractView(atPlaced.body)).toEqual(placedView(orderId, placedAt));

      const atConfirmed = await at(confirmedAt);
      expect(atConfirmed.status).toBe(200);
      const confirmedView = {
        ...placedView(orderId, placedAt),
        status: 'CONFIRMED',
        confirmedAt,
        estimatedReadyAt: READY_AT,
        updatedAt: confirmedAt,
        version: 2,
      };
      expect(contractView(atConfirmed.body)).toEqual(confirmedView);

      const justBeforePay = await at(shiftMs(paidAt, -1));
      expect(contractView(justBeforePay.body)).toEqual(confirmedView);

      const atPaid = await at(paidAt);
      expect(contractView(atPaid.body)).toEqual({
        ...confirmedView,
        status: 'COOKING',
        paymentStatus: 'PAID',
        updatedAt: paidAt,
        version: 3,
      });
    });

    it('matches the read model for an instant after the last write', async () => {
      const res = await at(new Date(Date.now() + 60_000).toISOString());
      expect(res.status).toBe(200);
      expect(res.body).toEqual(current);
    });

    it('takes an instant written with a UTC offset', async () => {
      const res = await at(withOffset(confirmedAt, 120));
      expect(res.status).toBe(200);
      expect([res.body.status, res.body.version]).toEqual(['CONFIRMED', 2]);
      const justBefore = await at(withOffset(shiftMs(confirmedAt, -1), -300));
      expect([justBefore.body.status, justBefore.body.version]).toEqual(['PENDING', 1]);
    });

    it('answers 404 ORDER_NOT_FOUND for an instant before the order existed, and for unknown orders', async () => {
      expectError(await at(shiftMs(placedAt, -1)), 404, 'ORDER_NOT_FOUND');
      expectError(await at('2000-01-01T00:00:00.000Z'), 404, 'ORDER_NOT_FOUND');
      expectError(await at(new Date().toISOString(), randomUUID()), 404, 'ORDER_NOT_FOUND');
      expectError(await at(new Date().toISOString(), 'not-a-uuid'), 404, 'ORDER_NOT_FOUND');
    });

    it('answers 400 VALIDATION_FAILED without asOf or with one that is not an ISO-8601 instant', async () => {
      expectValidationError(await staffGet(t, `/orders/${orderId}/state`), /asOf/);
      for (const asOf of ['yesterday', '2026-02-30T10:00:00Z', '1700000000000', '']) {
        const res = await at(asOf);
        expect({ asOf, status: res.status }).toEqual({ asOf, status: 400 });
        expectValidationError(res, /asOf/);
      }
    });

    it('is for staff only', async () => {
      expectError(await t.http().get(`/orders/${orderId}/state`).query({ asOf: paidAt }), 401, 'STAFF_TOKEN_MISSING');
      expectError(
        await t.http().get(`/orders/${orderId}/state`).query({ asOf: paidAt }).set('Authorization', 'Bearer test-staff-token-0123456780'),
        403,
        'STAFF_TOKEN_INVALID',
      );
    });
  });
});
