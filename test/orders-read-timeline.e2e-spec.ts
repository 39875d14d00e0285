import { randomUUID } from 'node:crypto';
import { PICKUP_ORDER } from './support/order-bodies.js';
import { MARGHERITA_LINE, READY_AT, STORED_CUSTOMER } from './support/order-read-views.js';
import { expectError, streamOf } from './support/orders-helpers.js';
import { command, expectDuring, place, type Written } from './support/read-helpers.js';
import { MARGHERITA_ORDER } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

describe('orders read side (e2e)', () => {
  const t = useTestApp();

  describe('GET /orders/{id}/timeline', () => {
    it('lists every event in stream order: position, version, type, time, description, details, actor and correlation id', async () => {
      const run = randomUUID().slice(0, 8);
      const correlation = (step: string) => `read-spec-${run}-${step}`;
      const placed = await place(t, { ...MARGHERITA_ORDER, notes: 'ring twice' }, { 'X-Correlation-Id': correlation('place') });
      const { orderId } = placed;
      const steps: Array<[string, object]> = [
        ['confirm', { estimatedReadyAt: READY_AT, kitchenNotes: 'crispy' }],
        ['discount', { code: 'WELCOME10' }],
        ['pay', { method: 'card', transactionId: 'txn-7' }],
        ['ready', {}],
        ['dispatch', { courier: 'Luis' }],
        ['deliver', {}],
      ];
      const writes: Written[] = [placed];
      for (const [name, body] of steps) writes.push(await command(t, orderId, name, body, { 'X-Correlation-Id': correlation(name) }));

      const res = await t.http().get(`/orders/${orderId}/timeline`);
      expect(res.status).toBe(200);
      expect(Array.isArray(res.body)).toBe(true);
      const timeline: Array<Record<string, any>> = res.body;
      expect(timeline.map((entry) => [entry.type, entry.version, entry.position])).toEqual([
        ['OrderPlaced', 1, writes[0].position],
        ['OrderConfirmed', 2, writes[1].position],
        ['DiscountApplied', 3, writes[2].position],
        ['PaymentReceived', 4, writes[3].position],
        ['OrderReady', 5, writes[4].position],
        ['OrderDispatched', 6, writes[5].position],
        ['OrderDelivered', 7, writes[6].position],
      ]);

      const stream = await streamOf(t, orderId);
      const stepNames = ['place', ...steps.map(([name]) => name)];
      timeline.forEach((entry, i) => {
        expectDuring(entry.occurredAt, writes[i]);
        const { orderId: _omitted, ...data } = stream[i].data;
        expect({ type: entry.type, details: entry.details }).toEqual({ type: entry.type, details: data });
        expect(entry.details).not.toHaveProperty('orderId');
        expect({ type: entry.type, actor: entry.actor, correlationId: entry.correlationId }).toEqual({
          type: entry.type,
          actor: i === 0 ? 'customer' : 'staff',
          correlationId: correlation(stepNames[i]),
        });
        expect(entry.description).toEqual(expect.any(String));
        expect(entry.description.length).toBeGreaterThan(3);
        expect(entry.description).not.toMatch(/undefined|null|NaN|\[object/);
      });
      expect(new Set(timeline.map((entry) => entry.description)).size).toBe(timeline.length);

      expect(timeline[0].description).toMatch(/^Order placed by Ana: 2 × Margherita \(large\)/);
      expect(timeline[1].description).toMatch(/^Confirmed by staff, ready by 18:30/);
      expect(timeline[0].details).toEqual({
        customer: STORED_CUSTOMER,
        items: [MARGHERITA_LINE],
        fulfilment: 'delivery',
        notes: 'ring twice',
        subtotalCents: 3300,
        placedAt: timeline[0].occurredAt,
      });
      expect(timeline[1].details).toEqual({ estimatedReadyAt: READY_AT, kitchenNotes: 'crispy', confirmedAt: timeline[1].occurredAt });
      expect(timeline[3].details).toMatchObject({ method: 'card', transactionId: 'txn-7', amountCents: 2970 });
      expect(timeline[5].details).toMatchObject({ courier: 'Luis' });

      const withPosition = await t.http().get(`/orders/${orderId}/timeline`).query({ minPosition: writes[6].position });
      expect(withPosition.status).toBe(200);
      expect(withPosition.body).toEqual(timeline);
    });

    it('shows both events of a paid order’s cancellation under the cancel’s correlation id', async () => {
      const placed = await place(t, PICKUP_ORDER);
      await command(t, placed.orderId, 'pay', { method: 'card' });
      await command(t, placed.orderId, 'confirm');
      const cancelled = await command(t, placed.orderId, 'cancel', { reason: 'out of dough' }, { 'X-Correlation-Id': 'cancel-and-refund' });

      const res = await t.http().get(`/orders/${placed.orderId}/timeline`);
      expect(res.status).toBe(200);
      expect(res.body.map((entry: { type: string }) => entry.type)).toEqual([
        'OrderPlaced',
        'PaymentReceived',
        'OrderConfirmed',
        'OrderCancelled',
        'PaymentRefunded',
      ]);
      const [cancel, refund] = res.body.slice(3);
      expect([cancel.version, refund.version]).toEqual([4, 5]);
      expect(refund.position).toBe(cancelled.position);
      expect(cancel.position).toBeLessThan(refund.position);
      expect([cancel.correlationId, refund.correlationId]).toEqual(['cancel-and-refund', 'cancel-and-refund']);
      expect([cancel.actor, refund.actor]).toEqual(['staff', 'staff']);
      expect(cancel.details).toMatchObject({ reason: 'out of dough', cancelledBy: 'staff' });
      expect(refund.details).toMatchObject({ amountCents: 3300 });
      expect(cancel.description).toContain('out of dough');
    });

    it('shows a cancellation by the customer with a customer actor', async () => {
      const placed = await place(t, MARGHERITA_ORDER);
      const res = await t.http().post(`/orders/${placed.orderId}/cancel`).send({ reason: 'changed my mind' });
      expect(res.status).toBe(200);
      const timeline = await t.http().get(`/orders/${placed.orderId}/timeline`);
      expect(timeline.body.map((entry: { type: string; actor: string }) => [entry.type, entry.actor])).toEqual([
        ['OrderPlaced', 'customer'],
        ['OrderCancelled', 'customer'],
      ]);
    });

    it('answers 404 ORDER_NOT_FOUND for an unknown order and for an id that is not a uuid', async () => {
      expectError(await t.http().get(`/orders/${randomUUID()}/timeline`), 404, 'ORDER_NOT_FOUND');
      expectError(await t.http().get('/orders/12345/timeline'), 404, 'ORDER_NOT_FOUND');
    });
  });
});
