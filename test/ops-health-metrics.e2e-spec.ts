import { Database } from '../src/database/database.js';
import { OrderRepository } from '../src/orders/order.repository.js';
import { Drain } from '../src/ops/shutdown/drain.js';
import { ProjectionsService } from '../src/projections/projections.service.js';
import { expectError } from './support/orders-helpers.js';
import { waitUntil } from './support/projection-helpers.js';
import { families, parseMetrics, valueOf, type Sample } from './support/prometheus.js';
import { command, orderBody, place, readOrder, staffGet, uniquePhone } from './support/read-helpers.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const PROJECTIONS = ['order-details', 'kitchen-queue', 'analytics'];

describe('health and metrics (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ healthMaxLagEvents: 2 });
  });

  afterAll(async () => {
    await t.close();
  });

  async function scrape(): Promise<{ text: string; samples: Sample[] }> {
    const res = await t.http().get('/metrics');
    expect(res.status).toBe(200);
    return { text: res.text, samples: parseMetrics(res.text) };
  }

  async function ready(): Promise<boolean> {
    return (await t.http().get('/health')).status === 200;
  }

  describe('GET /metrics', () => {
    it('is public Prometheus text with every metric family the issue names', async () => {
      const res = await t.http().get('/metrics');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      expect([...families(res.text)]).toEqual(
        expect.arrayContaining([
          'http_request_duration_seconds',
          'http_requests_in_flight',
          'pizzeria_commands_total',
          'pizzeria_command_duration_seconds',
          'pizzeria_commands_in_flight',
          'pizzeria_events_appended_total',
          'pizzeria_concurrency_conflicts_total',
          'pizzeria_event_log_head_position',
          'pizzeria_projection_position',
          'pizzeria_projection_lag_events',
          'pizzeria_projection_lag_seconds',
          'pizzeria_projection_status',
          'pizzeria_projection_rebuild_events_applied',
          'pizzeria_projection_rebuild_position',
          'process_cpu_seconds_total',
          'nodejs_eventloop_lag_seconds',
        ]),
      );
      const samples = parseMetrics(res.text);
      for (const projection of PROJECTIONS) {
        expect(samples.some((s) => s.name === 'pizzeria_projection_lag_seconds' && s.labels.projection === projection)).toBe(true);
      }
    });

    it('moves after writes: requests by route, commands by type and outcome, events appended, projection positions', async () => {
      const before = (await scrape()).samples;
      const placed = await place(t, orderBody(uniquePhone()));
      const confirmed = await command(t, placed.orderId, 'confirm');
      const refused = await t.http().post(`/orders/${placed.orderId}/confirm`).set(t.staff).send({});
      expect(refused.status).toBe(409);
      await readOrder(t, placed.orderId, confirmed.position);

      const after = (await scrape()).samples;
      const delta = (name: string, labels: Record<string, string>) => valueOf(after, name, labels) - valueOf(before, name, labels);
      expect(delta('http_request_duration_seconds_count', { method: 'POST', route: '/orders', status_code: '201' })).toBe(1);
      expect(delta('http_request_duration_seconds_count', { method: 'POST', route: '/orders/:id/confirm', status_code: '409' })).toBe(1);
      expect(delta('http_request_duration_seconds_count', { method: 'GET', route: '/orders/:id', status_code: '200' })).toBe(1);
      expect(delta('pizzeria_commands_total', { command: 'PlaceOrder', outcome: 'ok' })).toBe(1);
      expect(delta('pizzeria_commands_total', { command: 'ConfirmOrder', outcome: 'ok' })).toBe(1);
      expect(delta('pizzeria_commands_total', { command: 'ConfirmOrder', outcome: 'rejected', code: 'ORDER_NOT_PENDING' })).toBe(1);
      expect(delta('pizzeria_command_duration_seconds_count', { command: 'PlaceOrder', outcome: 'ok' })).toBe(1);
      expect(delta('pizzeria_events_appended_total', { type: 'OrderPlaced' })).toBe(1);
      expect(delta('pizzeria_events_appended_total', { type: 'OrderConfirmed' })).toBe(1);
      expect(valueOf(after, 'pizzeria_event_log_head_position')).toBeGreaterThanOrEqual(confirmed.position);
      expect(valueOf(after, 'pizzeria_projection_position', { projection: 'order-details' })).toBeGreaterThanOrEqual(confirmed.position);
      expect(valueOf(after, 'pizzeria_projection_status', { projection: 'order-details', status: 'live' })).toBe(1);
      expect(valueOf(after, 'http_requests_in_flight')).toBe(1);
    });

    it('counts a command that lost a concurrency race and was retried', async () => {
      const placed = await place(t, orderBody(uniquePhone()));
      const db = t.app.get(Database);
      const repository = t.app.get(OrderRepository);
      const before = valueOf((await scrape()).samples, 'pizzeria_concurrency_conflicts_total', { resolution: 'retried' });

      // Another writer confirms the order in a transaction held open; the discount below
      // loads version 1, blocks on the same (stream, version) and loses when it commits.
      let answer: Promise<{ status: number }> | undefined;
      await db.transaction(async (tx) => {
        const order = (await repository.load(placed.orderId))!;
        order.confirm({ now: new Date() });
        await repository.save(order, { occurredAt: new Date(), metadata: { correlationId: 'test-rival' }, executor: tx });
        answer = t
          .http()
          .post(`/orders/${placed.orderId}/discount`)
          .set(t.staff)
          .send({ code: 'WELCOME10' })
          .then((res) => res);
        await waitUntil(
          async () => {
            const [row] = await db.query<{ waiting: string }>(
              "SELECT count(*) AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
            );
            return Number(row.waiting) > 0;
          },
          { what: 'the discount is waiting on the rival append' },
        );
      });
      expect((await answer!).status).toBe(200);
      const after = valueOf((await scrape()).samples, 'pizzeria_concurrency_conflicts_total', { resolution: 'retried' });
      expect(after - before).toBe(1);
    });

    it('shows a rebuild applying the log and completing', async () => {
      const placed = await place(t, orderBody(uniquePhone()));
      // Once the live projection has it, the event is visible to every reader of the log, the rebuild's too.
      expect((await staffGet(t, '/analytics/summary', { minPosition: placed.position })).status).toBe(200);
      const res = await t.http().post('/admin/projections/analytics/rebuild').set(t.staff).send({});
      expect(res.status).toBe(202);
      await waitUntil(
        async () => valueOf((await scrape()).samples, 'pizzeria_projection_rebuilds_completed_total', { projection: 'analytics' }) >= 1,
        {
          what: 'the rebuild completed',
        },
      );
      const { samples } = await scrape();
      const [{ count }] = await t.app
        .get(Database)
        .query<{ count: string }>('SELECT count(*) AS count FROM events WHERE position <= $1', [placed.position]);
      expect(valueOf(samples, 'pizzeria_projection_rebuild_events_applied', { projection: 'analytics' })).toBeGreaterThanOrEqual(
        Number(count),
      );
      expect(valueOf(samples, 'pizzeria_projection_rebuild_position', { projection: 'analytics' })).toBeGreaterThanOrEqual(placed.position);
      expect(valueOf(samples, 'pizzeria_projection_rebuilding', { projection: 'analytics' })).toBe(0);
    });
  });

  describe('GET /health', () => {
    it('is ready: the database, every projection and no shutdown', async () => {
      await waitUntil(ready, { what: 'ready' });
      const res = await t.http().get('/health');
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toContain('no-store');
      expect(res.body.status).toBe('ok');
      expect(Object.keys(res.body.details).sort()).toEqual([
        'database',
        'projection:analytics',
        'projection:kitchen-queue',
        'projection:order-details',
        'shutdown',
      ]);
      for (const check of Object.values<{ status: string }>(res.body.details)) expect(check.status).toBe('up');
      expect(res.body.details['projection:order-details']).toMatchObject({ state: 'live', lagEvents: 0, lagSeconds: 0, runsHere: true });
    });

    it('answers liveness without looking at anything else', async () => {
      const res = await t.http().get('/health/live');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
    });

    it('is not ready while a projection is far behind, and ready again once it catches up', async () => {
      const runner = t.app.get(ProjectionsService).runner('kitchen-queue');
      await runner.whilePaused(async () => {
        let last = await place(t, orderBody(uniquePhone()));
        for (let i = 0; i < 2; i++) last = await place(t, orderBody(uniquePhone()));
        await readOrder(t, last.orderId, last.position);
        expect((await staffGet(t, '/analytics/summary', { minPosition: last.position })).status).toBe(200);
        const res = await t.http().get('/health');
        expectError(res, 503, 'NOT_READY', ['status', 'info', 'details']);
        expect(res.body.message).toMatch(/kitchen-queue projection is \d+ events behind \(more than 2\)/);
        expect(res.body.details['projection:kitchen-queue']).toMatchObject({ status: 'down', state: 'live' });
        expect(res.body.details['projection:order-details'].status).toBe('up');
      });
      await waitUntil(ready, { what: 'ready again after the catch-up' });
    });

    it('is not ready while a projection is stopped', async () => {
      const runner = t.app.get(ProjectionsService).runner('analytics');
      await runner.stop();
      try {
        const res = await t.http().get('/health');
        expectError(res, 503, 'NOT_READY', ['status', 'info', 'details']);
        expect(res.body.message).toContain('the analytics projection is stopped');
        expect(res.body.details['projection:analytics']).toMatchObject({ status: 'down', state: 'stopped' });
        expect(res.body.details.database.status).toBe('up');
      } finally {
        await runner.start();
      }
      await waitUntil(ready, { what: 'ready again after a restart' });
    });

    it('is not ready once shutting down, while liveness and scrapes still answer and new work is refused', async () => {
      t.app.get(Drain).begin();
      const health = await t.http().get('/health');
      expectError(health, 503, 'NOT_READY', ['status', 'info', 'details']);
      expect(health.body.details.shutdown).toEqual({ status: 'down', message: 'this instance is shutting down' });
      expect((await t.http().get('/health/live')).status).toBe(200);
      expect((await t.http().get('/metrics')).status).toBe(200);

      const write = await t.http().post('/orders').send(orderBody(uniquePhone()));
      expectError(write, 503, 'SHUTTING_DOWN');
      expect(write.headers.connection).toBe('close');
      expect((await staffGet(t, '/kitchen/queue')).status).toBe(503);
    });
  });
});
