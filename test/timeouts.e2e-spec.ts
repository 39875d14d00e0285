import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { Database } from '../src/database/database.js';
import type { ProjectionInfo } from '../src/projections/projections.service.js';
import { countEvents, expectError, placeOrder } from './support/orders-helpers.js';
import { recordMeasurement, waitUntil } from './support/projection-helpers.js';
import { MARGHERITA_ORDER, startTestApp, type TestApp } from './support/test-app.js';

/**
 * Another session on the app's database that gets stuck: it takes a lock (or a
 * transaction id) and then sits idle in its transaction. `reapAfterMs` is the
 * idle_in_transaction_session_timeout PostgreSQL applies to it, as an operator
 * sets it for every role; without it, it must be terminated.
 */
async function stuckSession(url: string, statements: string[], reapAfterMs?: number) {
  const client = new pg.Client({ connectionString: url, application_name: 'stuck-session' });
  let ended = false;
  client.on('error', () => undefined);
  client.on('end', () => (ended = true));
  await client.connect();
  if (reapAfterMs !== undefined) await client.query(`SET idle_in_transaction_session_timeout = ${reapAfterMs}`);
  await client.query('BEGIN');
  for (const statement of statements) await client.query(statement);
  const [{ pid }] = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
  return {
    pid,
    get ended() {
      return ended;
    },
    async close() {
      await client.end().catch(() => undefined);
    },
  };
}

async function projections(t: TestApp): Promise<ProjectionInfo[]> {
  const res = await t.http().get('/admin/projections').set(t.staff);
  expect(res.status).toBe(200);
  return res.body;
}

describe('timeouts: one stuck connection cannot stall the app (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ lockTimeoutMs: 250, statementTimeoutMs: 2_000, readYourWritesTimeoutMs: 300, projectionLockRetryMs: 50 });
  });

  afterAll(async () => {
    await t.close();
  });

  it("puts statement, lock and idle-in-transaction timeouts on the app's own connections", async () => {
    const db = t.app.get(Database);
    const client = await db.pool.connect();
    try {
      const show = async (name: string) => (await client.query(`SHOW ${name}`)).rows[0][name];
      expect(await show('statement_timeout')).toBe('2s');
      expect(await show('lock_timeout')).toBe('250ms');
      expect(await show('idle_in_transaction_session_timeout')).toBe('1min');
    } finally {
      client.release();
    }
    // Every connection comes from one configuration: the runners' dedicated ones and the LISTEN one too.
    expect(db.pool.options).toMatchObject({ statement_timeout: 2_000, lock_timeout: 250, idle_in_transaction_session_timeout: 60_000 });
  });

  it('holds up only the projection whose table a stuck session locked; it retries, and catches up once the session is reaped', async () => {
    const before = await placeOrder(t);
    await waitUntil(async () => (await projections(t)).every((p) => p.lagEvents === 0), { what: 'the projections are idle' });

    // No transaction id, so the log stays readable: only order_details is held.
    const stuck = await stuckSession(t.database.url, ['LOCK TABLE order_details IN SHARE MODE'], 3_000);
    const locked = performance.now();
    try {
      const written = await t.http().post('/orders').send(MARGHERITA_ORDER);
      expect(written.status).toBe(201);
      const confirmed = await t.http().post(`/orders/${written.body.orderId}/confirm`).set(t.staff).send({});
      expect(confirmed.status).toBe(200);

      // The other read models move on.
      const queue = await t.http().get(`/kitchen/queue?minPosition=${confirmed.body.position}`).set(t.staff);
      expect(queue.status).toBe(200);
      expect(queue.body.map((ticket: { orderId: string }) => ticket.orderId)).toContain(written.body.orderId);
      // order-details fails its batch on the lock timeout and backs off, instead of hanging on the lock.
      await waitUntil(
        async () => {
          const details = (await projections(t)).find((p) => p.name === 'order-details')!;
          return details.status === 'failed' && /lock timeout/.test(details.lastError ?? '');
        },
        { what: 'order-details reports the lock timeout' },
      );
      expectError(await t.http().get(`/orders/${written.body.orderId}?minPosition=${confirmed.body.position}`), 503, 'PROJECTION_BEHIND');
      expect((await t.http().get(`/orders/${before}`)).status).toBe(200);

      // PostgreSQL ends the idle session; the runner's next attempt goes through.
      await waitUntil(() => stuck.ended, { timeoutMs: 10_000, what: 'the stuck session is reaped' });
      const reaped = performance.now();
      const read = await waitForRead(t, written.body.orderId, confirmed.body.position, 15_000);
      expect(read.status).toBe('CONFIRMED');
      recordMeasurement('order-details catch-up after a stuck table lock is reaped', performance.now() - reaped);
      recordMeasurement('order-details held by a stuck table lock', performance.now() - locked);
    } finally {
      await stuck.close();
    }
  });

  it('bounds a stuck transaction that holds a transaction id, which holds back every reader of the log until it ends', async () => {
    // Readers only pass transactions older than the oldest one still running, anywhere in the cluster.
    const stuck = await stuckSession(t.database.url, ['SELECT pg_current_xact_id()'], 1_500);
    try {
      const written = await t.http().post('/orders').send(MARGHERITA_ORDER);
      expect(written.status).toBe(201);
      await waitUntil(() => stuck.ended, { timeoutMs: 10_000, what: 'the stuck session is reaped' });
      const reaped = performance.now();
      const read = await waitForRead(t, written.body.orderId, written.body.position, 15_000);
      expect(read.status).toBe('PENDING');
      recordMeasurement('read models catch up after a stuck transaction id is reaped', performance.now() - reaped);
    } finally {
      await stuck.close();
    }
  });

  it('answers a write held up by a lock 503 DATABASE_BUSY within the lock timeout, writes nothing, and frees its Idempotency-Key', async () => {
    const key = randomUUID();
    const events = await countEvents(t);
    const stuck = await stuckSession(t.database.url, ['LOCK TABLE events IN SHARE MODE']);
    try {
      const started = performance.now();
      const busy = await t.http().post('/orders').set('Idempotency-Key', key).send(MARGHERITA_ORDER);
      const took = performance.now() - started;
      expectError(busy, 503, 'DATABASE_BUSY');
      expect(busy.headers['retry-after']).toBe('1');
      expect(took).toBeLessThan(2_000);
      recordMeasurement('503 DATABASE_BUSY on a lock (lock_timeout 250 ms)', took);
    } finally {
      await stuck.close();
    }
    expect(await countEvents(t)).toBe(events);
    const retried = await t.http().post('/orders').set('Idempotency-Key', key).send(MARGHERITA_ORDER);
    expect(retried.status).toBe(201);
    expect(await countEvents(t)).toBe(events + 1);
  });

  it('answers a statement over statement_timeout 503 DATABASE_BUSY, writing nothing', async () => {
    const slow = await startTestApp({ lockTimeoutMs: 0, statementTimeoutMs: 300 });
    try {
      const events = await countEvents(slow);
      const stuck = await stuckSession(slow.database.url, ['LOCK TABLE events IN SHARE MODE']);
      try {
        const started = performance.now();
        const busy = await slow.http().post('/orders').send(MARGHERITA_ORDER);
        const took = performance.now() - started;
        expectError(busy, 503, 'DATABASE_BUSY');
        expect(took).toBeLessThan(2_000);
        recordMeasurement('503 DATABASE_BUSY on statement_timeout 300 ms', took);
      } finally {
        await stuck.close();
      }
      expect(await countEvents(slow)).toBe(events);
      expect((await slow.http().post('/orders').send(MARGHERITA_ORDER)).status).toBe(201);
    } finally {
      await slow.close();
    }
  });
});

/** GET /orders/{id} with minPosition, asked again while the read model is behind, until a deadline. */
async function waitForRead(t: TestApp, orderId: string, position: number, timeoutMs: number): Promise<Record<string, any>> {
  let body: Record<string, any> = {};
  await waitUntil(
    async () => {
      const res = await t.http().get(`/orders/${orderId}?minPosition=${position}`);
      body = res.body;
      return res.status === 200;
    },
    { timeoutMs, what: `order ${orderId} is read at position ${position}` },
  );
  return body;
}
