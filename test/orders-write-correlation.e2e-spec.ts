import { UUID, placeOrder, runSteps, staffPost, streamOf } from './support/orders-helpers.js';
import { MARGHERITA_ORDER } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

/** The bootstrap token (STAFF_API_TOKEN) writes as a manager with no name. */
const BOOTSTRAP = { kind: 'staff', id: 'staff-api-token', name: null, role: 'manager' };

describe('orders write side (e2e)', () => {
  const t = useTestApp();

  describe('correlation id and actor', () => {
    it('echoes X-Correlation-Id and stores it with a customer actor on POST /orders', async () => {
      const res = await t.http().post('/orders').set('X-Correlation-Id', 'test-corr-123').send(MARGHERITA_ORDER);

      expect(res.status).toBe(201);
      expect(res.headers['x-correlation-id']).toBe('test-corr-123');
      const [placed] = await streamOf(t, res.body.orderId);
      expect(placed.metadata).toMatchObject({ correlationId: 'test-corr-123', actor: { kind: 'customer' } });
      expect(placed.metadata.actor).toEqual({ kind: 'customer' });
    });

    it('stores a staff actor and the correlation id for a staff write', async () => {
      const orderId = await placeOrder(t);
      const res = await staffPost(t, `/orders/${orderId}/confirm`, {}, { 'X-Correlation-Id': 'test-corr-123' });

      expect(res.status).toBe(200);
      expect(res.headers['x-correlation-id']).toBe('test-corr-123');
      const stream = await streamOf(t, orderId);
      expect(stream[1].metadata).toMatchObject({ correlationId: 'test-corr-123', actor: { kind: 'staff' } });
      expect(stream[1].metadata.actor).toEqual(BOOTSTRAP);
      expect(stream[0].metadata.correlationId).not.toBe('test-corr-123');
    });

    it('stores both events of one command under the same correlation id', async () => {
      const orderId = await placeOrder(t);
      await runSteps(t, orderId, [['pay', { method: 'card' }], ['confirm']]);
      const res = await staffPost(t, `/orders/${orderId}/cancel`, { reason: 'no oven' }, { 'X-Correlation-Id': 'test-corr-refund' });

      expect(res.status).toBe(200);
      const written = (await streamOf(t, orderId)).slice(3);
      expect(written.map((event) => [event.type, event.metadata.correlationId, event.metadata.actor])).toEqual([
        ['OrderCancelled', 'test-corr-refund', BOOTSTRAP],
        ['PaymentRefunded', 'test-corr-refund', BOOTSTRAP],
      ]);
    });

    it('generates, echoes and stores a correlation id when none is sent', async () => {
      const res = await t.http().post('/orders').send(MARGHERITA_ORDER);

      expect(res.status).toBe(201);
      const generated = res.headers['x-correlation-id'];
      expect(generated).toMatch(UUID);
      const [placed] = await streamOf(t, res.body.orderId);
      expect(placed.metadata.correlationId).toBe(generated);

      const other = await t.http().post('/orders').send(MARGHERITA_ORDER);
      expect(other.headers['x-correlation-id']).toMatch(UUID);
      expect(other.headers['x-correlation-id']).not.toBe(generated);
    });

    it('echoes a correlation id on an error response as well', async () => {
      const res = await t.http().post('/orders').set('X-Correlation-Id', 'test-corr-err').send({});
      expect(res.status).toBe(400);
      expect(res.headers['x-correlation-id']).toBe('test-corr-err');
    });

    it('replaces a correlation id that is not sane', async () => {
      const res = await t.http().post('/orders').set('X-Correlation-Id', 'bad id with spaces <script>').send(MARGHERITA_ORDER);

      expect(res.status).toBe(201);
      expect(res.headers['x-correlation-id']).toMatch(UUID);
      const [placed] = await streamOf(t, res.body.orderId);
      expect(placed.metadata.correlationId).toBe(res.headers['x-correlation-id']);
    });
  });
});
