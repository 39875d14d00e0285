import { ProjectionsService } from '../src/projections/projections.service.js';
import { ids } from './support/order-read-views.js';
import { expectError, expectValidationError } from './support/orders-helpers.js';
import { command, place, readOrder, staffGet, type Written } from './support/read-helpers.js';
import { MARGHERITA_ORDER } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

describe('orders read side (e2e)', () => {
  const t = useTestApp();

  describe('minPosition and query parameters', () => {
    let orderId: string;

    beforeAll(async () => {
      const placed = await place(t, MARGHERITA_ORDER);
      orderId = placed.orderId;
      // Some queries below read without waiting (no minPosition, or 0): the order is in the read
      // model first. Before the split, the tests run earlier on the same app gave it the time.
      await readOrder(t, orderId, placed.position);
    });

    const routes = (): Array<[string, Record<string, string>]> => [
      [`/orders/${orderId}`, {}],
      ['/orders', {}],
      [`/orders/${orderId}/timeline`, {}],
      [`/orders/${orderId}/state`, { asOf: new Date().toISOString() }],
      ['/kitchen/queue', {}],
      ['/analytics/summary', {}],
    ];

    it('answers 400 VALIDATION_FAILED to a minPosition that is not a whole number, on every query', async () => {
      for (const [path, query] of routes()) {
        for (const minPosition of ['abc', '-1', '1.5']) {
          const res = await staffGet(t, path, { ...query, minPosition });
          expect({ path, minPosition, status: res.status }).toEqual({ path, minPosition, status: 400 });
          expectValidationError(res, /minPosition/);
        }
      }
    });

    it('ignores an unknown query parameter (a cache-buster, say) on every query, and still validates the known ones', async () => {
      for (const [path, query] of routes()) {
        const res = await staffGet(t, path, { ...query, colour: 'blue', _: '123' });
        expect({ path, status: res.status }).toEqual({ path, status: 200 });
        expectValidationError(await staffGet(t, path, { ...query, _: '123', minPosition: 'abc' }), /^minPosition must be a whole number$/);
      }
    });

    it('answers a query with minPosition 0 or the current position at once', async () => {
      const res = await t.http().get(`/orders/${orderId}`).query({ minPosition: 0 });
      expect(res.status).toBe(200);
      expect(res.body.orderId).toBe(orderId);
    });
  });

  describe('with a short read-your-writes bound', () => {
    // Short enough to wait out in a test, long enough to cover the event feed's one-second fallback poll.
    const BOUND_MS = 1_500;
    const s = useTestApp({ readYourWritesTimeoutMs: BOUND_MS });

    it('answers 503 PROJECTION_BEHIND to a position beyond the head of the log, on every read-model query', async () => {
      const placed = await place(s, MARGHERITA_ORDER);
      const beyond = placed.position + 1000;
      for (const path of [`/orders/${placed.orderId}`, '/orders', '/kitchen/queue', '/analytics/summary']) {
        const started = Date.now();
        const res = await staffGet(s, path, { minPosition: beyond });
        expect({ path, status: res.status }).toEqual({ path, status: 503 });
        expectError(res, 503, 'PROJECTION_BEHIND');
        expect(Date.now() - started).toBeLessThan(BOUND_MS + 2_000);
      }
      // The order itself is there: only the position was out of reach.
      expect((await readOrder(s, placed.orderId, placed.position)).orderId).toBe(placed.orderId);
    });

    it('answers 503 after the bound while the projection is held back, and the write once it catches up', async () => {
      const placed = await place(s, MARGHERITA_ORDER);
      await readOrder(s, placed.orderId, placed.position);
      const runner = s.app.get(ProjectionsService).runner('order-details');
      let release!: () => void;
      const paused = runner.whilePaused(() => new Promise<void>((resolve) => (release = resolve)));
      let confirmed!: Written;
      try {
        confirmed = await command(s, placed.orderId, 'confirm');
        const started = Date.now();
        const behind = await s.http().get(`/orders/${placed.orderId}`).query({ minPosition: confirmed.position });
        const waited = Date.now() - started;
        expectError(behind, 503, 'PROJECTION_BEHIND');
        expect(waited).toBeGreaterThanOrEqual(BOUND_MS - 50);
        expect(waited).toBeLessThan(BOUND_MS + 2_000);

        // Without minPosition the read model answers with what it holds.
        const stale = await s.http().get(`/orders/${placed.orderId}`);
        expect([stale.status, stale.body.status, stale.body.version]).toEqual([200, 'PENDING', 1]);

        // The other read models go on.
        const queue = await staffGet(s, '/kitchen/queue', { minPosition: confirmed.position });
        expect(ids(queue.body)).toContain(placed.orderId);
      } finally {
        release?.();
        await paused;
      }
      const order = await readOrder(s, placed.orderId, confirmed.position);
      expect([order.status, order.version]).toEqual(['CONFIRMED', 2]);
    });

    it('holds a query with minPosition while the projection catches up, and answers with the write', async () => {
      const placed = await place(s, MARGHERITA_ORDER);
      await readOrder(s, placed.orderId, placed.position);
      const service = s.app.get(ProjectionsService);
      const runner = service.runner('order-details');
      let release!: () => void;
      const paused = runner.whilePaused(() => new Promise<void>((resolve) => (release = resolve)));
      const originalWaitFor = service.waitFor;
      try {
        const paid = await command(s, placed.orderId, 'pay', { method: 'card' });
        // Let the projection go only once the query is on its way through the server.
        service.waitFor = function (this: ProjectionsService, ...args: Parameters<ProjectionsService['waitFor']>) {
          const waiting = originalWaitFor.apply(this, args);
          release();
          return waiting;
        };
        const res = await s.http().get(`/orders/${placed.orderId}`).query({ minPosition: paid.position });
        expect(res.status).toBe(200);
        expect([res.body.paymentStatus, res.body.version]).toEqual(['PAID', 2]);
      } finally {
        service.waitFor = originalWaitFor;
        release?.();
        await paused;
      }
    });
  });
});
