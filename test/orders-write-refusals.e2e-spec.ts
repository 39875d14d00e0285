import { randomUUID } from 'node:crypto';
import { withItem } from './support/order-bodies.js';
import {
  countEvents,
  expectError,
  expectNoLeaks,
  expectValidationError,
  placeOrder,
  runSteps,
  staffPost,
  streamOf,
} from './support/orders-helpers.js';
import { MARGHERITA_ORDER } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

describe('orders write side (e2e)', () => {
  const t = useTestApp();

  describe('not found', () => {
    it.each(['confirm', 'pay', 'discount', 'start-cooking', 'ready', 'dispatch', 'deliver', 'cancel'])(
      'answers 404 ORDER_NOT_FOUND to %s on a random uuid',
      async (command) => {
        const bodies: Record<string, object> = { pay: { method: 'card' }, discount: { code: 'WELCOME10' }, cancel: { reason: 'x' } };
        const res = await staffPost(t, `/orders/${randomUUID()}/${command}`, bodies[command] ?? {});
        expectError(res, 404, 'ORDER_NOT_FOUND');
      },
    );

    it('answers 404 ORDER_NOT_FOUND for an id that is not a uuid', async () => {
      expectError(await staffPost(t, '/orders/not-a-uuid/confirm'), 404, 'ORDER_NOT_FOUND');
      expectError(await t.http().post('/orders/12345/cancel').send({ reason: 'x' }), 404, 'ORDER_NOT_FOUND');
      expectError(await staffPost(t, `/orders/${encodeURIComponent("1' OR '1'='1")}/pay`, { method: 'card' }), 404, 'ORDER_NOT_FOUND');
    });
  });

  describe('If-Match', () => {
    it('answers 412 VERSION_MISMATCH with currentVersion when the order moved on, and writes when it matches', async () => {
      const orderId = await placeOrder(t);
      await runSteps(t, orderId, [['confirm']]);

      const stale = await staffPost(t, `/orders/${orderId}/pay`, { method: 'card' }, { 'If-Match': '"1"' });
      expectError(stale, 412, 'VERSION_MISMATCH', ['currentVersion']);
      expect(stale.body.currentVersion).toBe(2);
      expect(await streamOf(t, orderId)).toHaveLength(2);

      const fresh = await staffPost(t, `/orders/${orderId}/pay`, { method: 'card' }, { 'If-Match': '"2"' });
      expect(fresh.status).toBe(200);
      expect(fresh.body.version).toBe(3);
      expect(fresh.headers.etag).toBe('"3"');

      const chained = await staffPost(t, `/orders/${orderId}/ready`, {}, { 'If-Match': fresh.headers.etag });
      expect(chained.status).toBe(200);
      expect(chained.body.version).toBe(4);
    });

    it('checks the version before the state rules', async () => {
      const orderId = await placeOrder(t);
      await runSteps(t, orderId, [['confirm']]);

      const res = await staffPost(t, `/orders/${orderId}/confirm`, {}, { 'If-Match': '"1"' });
      expectError(res, 412, 'VERSION_MISMATCH', ['currentVersion']);
      expect(res.body.currentVersion).toBe(2);
    });

    it.each(['garbage', '"abc"', '"1", "2"', '-1'])('answers 400 VALIDATION_FAILED to If-Match %p', async (ifMatch) => {
      const orderId = await placeOrder(t);
      const res = await staffPost(t, `/orders/${orderId}/confirm`, {}, { 'If-Match': ifMatch });
      expectValidationError(res, /If-Match/);
      expect(await streamOf(t, orderId)).toHaveLength(1);
    });
  });

  describe('staff token', () => {
    const staffRoutes: Array<[string, object]> = [
      ['confirm', {}],
      ['pay', { method: 'card' }],
      ['discount', { code: 'WELCOME10' }],
      ['start-cooking', {}],
      ['ready', {}],
      ['dispatch', { courier: 'Luis' }],
      ['deliver', {}],
    ];
    let orderId: string;

    beforeAll(async () => {
      orderId = await placeOrder(t);
    });

    it.each(staffRoutes)('answers 401 STAFF_TOKEN_MISSING to %s without a token', async (command, body) => {
      const res = await t.http().post(`/orders/${orderId}/${command}`).send(body);
      expectError(res, 401, 'STAFF_TOKEN_MISSING');
    });

    it.each(staffRoutes)('answers 403 STAFF_TOKEN_INVALID to %s with a wrong token', async (command, body) => {
      const wrongBearer = await t
        .http()
        .post(`/orders/${orderId}/${command}`)
        .set('Authorization', 'Bearer test-staff-token-0123456780')
        .send(body);
      expectError(wrongBearer, 403, 'STAFF_TOKEN_INVALID');

      const wrongScheme = await t.http().post(`/orders/${orderId}/${command}`).set('Authorization', 'Basic dGVzdDp0ZXN0').send(body);
      expectError(wrongScheme, 403, 'STAFF_TOKEN_INVALID');
    });

    it('checks the token before validating the body or finding the order', async () => {
      expectError(await t.http().post(`/orders/${randomUUID()}/pay`).send({ method: 'bitcoin' }), 401, 'STAFF_TOKEN_MISSING');
    });

    it('wrote nothing for any of the refused requests', async () => {
      expect(await streamOf(t, orderId)).toHaveLength(1);
    });
  });

  describe('rejected requests write nothing', () => {
    it('leaves the order at its version and the log at its length after a batch of invalid requests', async () => {
      const orderId = await placeOrder(t);
      await runSteps(t, orderId, [['confirm']]);
      const before = await countEvents(t);
      const path = (command: string) => `/orders/${orderId}/${command}`;

      const rejected = [
        await staffPost(t, path('confirm')),
        await staffPost(t, path('start-cooking'), { extra: 1 }),
        await staffPost(t, path('ready')),
        await staffPost(t, path('dispatch')),
        await staffPost(t, path('deliver')),
        await staffPost(t, path('pay'), { method: 'gold' }),
        await staffPost(t, path('pay'), { method: 'card' }, { 'If-Match': '"1"' }),
        await staffPost(t, path('discount'), { code: 'NOPE' }),
        await staffPost(t, path('discount'), { code: 'WELCOME10', amountCents: 100 }),
        await t.http().post(path('cancel')).send({ reason: 'please' }),
        await t.http().post(path('pay')).send({ method: 'card' }),
        await t.http().post(path('confirm')).set('Authorization', 'Bearer wrong-token-wrong-token').send({}),
        await t.http().post(path('confirm')).set(t.staff).set('Content-Type', 'application/json').send('{'),
        await t
          .http()
          .post('/orders')
          .send({ ...MARGHERITA_ORDER, items: [] }),
        await t
          .http()
          .post('/orders')
          .send(withItem({ unitPriceCents: 1 })),
        await t
          .http()
          .post('/orders')
          .send({ ...MARGHERITA_ORDER, notes: 'y'.repeat(70 * 1024) }),
      ];

      expect(rejected.map((res) => res.status)).toEqual([409, 400, 409, 409, 409, 400, 412, 400, 400, 403, 401, 403, 400, 400, 400, 413]);
      for (const res of rejected) expectNoLeaks(res);
      expect(await countEvents(t)).toBe(before);

      const next = await staffPost(t, path('start-cooking'), {}, { 'If-Match': '"2"' });
      expect(next.status).toBe(200);
      expect(next.body.version).toBe(3);
      expect(await countEvents(t)).toBe(before + 1);
    });
  });
});
