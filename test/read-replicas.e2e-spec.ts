import { jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { ReadReplicas } from '../src/database/replicas/read-replicas.js';
import { parseMetrics, valueOf } from './support/prometheus.js';
import { command, place } from './support/read-helpers.js';
import { startReplicatedPostgres, type ReplicatedPostgres } from './support/replicated-postgres.js';
import { SseClient } from './support/sse-client.js';
import { MARGHERITA_ORDER, startTestApp, type TestApp } from './support/test-app.js';

// A real primary and a real hot standby (pg_basebackup -R), started for this file and stopped after it.
// The app reads from the standby; each test proves which server answered by what only that server
// could have said (a stale 404 from a paused replica, a fresh 200 it could not have had yet), and by
// the pizzeria_reads_total{served_by} counter.

jest.setTimeout(60_000);

const PASSWORD = 'not-for-health-output-7f3a';
const CHECK_MS = 100;
const MAX_LAG_SECONDS = 2;

let pair: ReplicatedPostgres;

beforeAll(async () => {
  pair = await startReplicatedPostgres();
}, 60_000);

afterAll(async () => {
  await pair?.destroy();
});

interface ReplicaApp extends TestApp {
  /** The replica's name in /health and /metrics: host:port/database. */
  readonly replicaName: string;
}

/** The app on a new database of the pair's primary, reading from the standby's copy of it. */
async function startReplicaApp(overrides: Parameters<typeof startTestApp>[0] = {}): Promise<ReplicaApp> {
  const name = `pizzeria_test_replicas_${randomBytes(3).toString('hex')}`;
  await pair.createDatabase(name);
  const database = {
    name,
    url: pair.primary.url(name),
    drop: async () => void (await pair.primary.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)),
  };
  // A password in the URL (trust authentication ignores it) that /health and /metrics must never show.
  const replicaUrl = `postgres://postgres:${PASSWORD}@127.0.0.1:${pair.replica.port}/${name}`;
  const t = await startTestApp(
    {
      databaseReplicaUrls: [replicaUrl],
      replicaCheckMs: CHECK_MS,
      replicaMaxLagSeconds: MAX_LAG_SECONDS,
      replicaWaitMs: 3_000,
      readYourWritesTimeoutMs: 5_000,
      ...overrides,
    },
    { database },
  );
  const app = Object.assign(t, { replicaName: `127.0.0.1:${pair.replica.port}/${name}` });
  // The schema the app migrated on the primary, replayed on the replica, before any test reads.
  await pair.waitForReplay();
  await until('the replica serves', () => replicaHealth(app).then((r) => r.serving === true), 10_000);
  return app;
}

async function until(what: string, condition: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await condition()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function replicaHealth(t: ReplicaApp): Promise<Record<string, any>> {
  const res = await t.http().get('/health');
  expect(res.text).not.toContain(PASSWORD);
  // Beside the readiness checks, never among them: a replica out of rotation leaves the instance ready.
  expect(Object.keys(res.body.details ?? {}).some((check) => check.startsWith('replica'))).toBe(false);
  return ((res.body.replicas ?? []) as Array<Record<string, any>>).find((replica) => replica.name === t.replicaName) ?? {};
}

/** How many reads each server has answered so far, from /metrics. */
async function served(t: ReplicaApp): Promise<{ replica: number; primary: number; behind: number }> {
  const res = await t.http().get('/metrics');
  expect(res.text).not.toContain(PASSWORD);
  const samples = parseMetrics(res.text);
  return {
    replica: valueOf(samples, 'pizzeria_reads_total', { served_by: t.replicaName }),
    primary: valueOf(samples, 'pizzeria_reads_total', { served_by: 'primary' }),
    behind: valueOf(samples, 'pizzeria_replica_fallbacks_total', { replica: t.replicaName, reason: 'behind' }),
  };
}

async function grew(t: ReplicaApp, before: Awaited<ReturnType<typeof served>>) {
  const after = await served(t);
  return { replica: after.replica - before.replica, primary: after.primary - before.primary, behind: after.behind - before.behind };
}

describe('read replicas (e2e, a real primary and hot standby)', () => {
  describe('a streaming replica', () => {
    let t: ReplicaApp;
    beforeAll(async () => {
      t = await startReplicaApp();
    });
    afterAll(async () => {
      await t?.close();
    });

    it('answers every query from the replica once it has replayed the write, and the read model is there', async () => {
      const placed = await place(t, MARGHERITA_ORDER);
      const confirmed = await command(t, placed.orderId, 'confirm', {});
      const before = await served(t);
      const minPosition = confirmed.position;
      const asOf = new Date().toISOString();
      const answers = await Promise.all([
        t.http().get(`/orders/${placed.orderId}`).query({ minPosition }),
        t.http().get('/orders').set(t.staff).query({ minPosition }),
        t.http().get('/kitchen/queue').set(t.staff).query({ minPosition }),
        t.http().get('/analytics/summary').set(t.staff).query({ minPosition }),
        t.http().get(`/orders/${placed.orderId}/timeline`).query({ minPosition }),
        t.http().get(`/orders/${placed.orderId}/state`).set(t.staff).query({ minPosition, asOf }),
      ]);
      expect(answers.map((res) => res.status)).toEqual([200, 200, 200, 200, 200, 200]);
      const [order, list, queue, analytics, timeline, state] = answers.map((res) => res.body);
      expect([order.status, order.version]).toEqual(['CONFIRMED', 2]);
      expect(list.items.map((o: { orderId: string }) => o.orderId)).toContain(placed.orderId);
      expect(queue.map((o: { orderId: string }) => o.orderId)).toContain(placed.orderId);
      expect(analytics.totalOrders).toBeGreaterThanOrEqual(1);
      expect(timeline.map((e: { type: string }) => e.type)).toEqual(['OrderPlaced', 'OrderConfirmed']);
      expect(state.status).toBe('CONFIRMED');
      expect(await grew(t, before)).toEqual({ replica: 6, primary: 0, behind: 0 });

      const [row] = await pair.replica.query<{ status: string }>(
        'SELECT status FROM order_details WHERE order_id = $1',
        [placed.orderId],
        t.database.name,
      );
      expect(row?.status).toBe('CONFIRMED');
    });

    it('with minPosition, waits for the replica to replay the write and answers from it', async () => {
      // Every commit reaches the replica's tables 600 ms late: a read that did not wait would be a 404.
      await pair.replica.query("ALTER SYSTEM SET recovery_min_apply_delay = '600ms'");
      await pair.replica.query('SELECT pg_reload_conf()');
      try {
        const placed = await place(t, MARGHERITA_ORDER);
        const before = await served(t);
        const started = Date.now();
        const res = await t.http().get(`/orders/${placed.orderId}`).query({ minPosition: placed.position });
        const took = Date.now() - started;
        expect(res.status).toBe(200);
        expect(res.body.orderId).toBe(placed.orderId);
        expect(await grew(t, before)).toEqual({ replica: 1, primary: 0, behind: 0 });
        // It waited: the order was not on the replica when the request came in.
        expect(took).toBeGreaterThanOrEqual(300);
      } finally {
        await pair.replica.query('ALTER SYSTEM RESET recovery_min_apply_delay');
        await pair.replica.query('SELECT pg_reload_conf()');
      }
    });

    it('reports the replica on /health and /metrics, without the password in its URL', async () => {
      await pair.waitForReplay();
      await until('a fresh check', async () => (await replicaHealth(t)).lagBytes === 0, 5_000);
      const health = await replicaHealth(t);
      expect(health).toMatchObject({ serving: true, state: 'serving', lagBytes: 0, lagSeconds: 0, replayPaused: false });
      const samples = parseMetrics((await t.http().get('/metrics')).text);
      expect(valueOf(samples, 'pizzeria_replica_serving', { replica: t.replicaName })).toBe(1);
      expect(samples.some((s) => s.name === 'pizzeria_replica_lag_bytes' && s.labels.replica === t.replicaName)).toBe(true);
      expect(samples.some((s) => s.name === 'pizzeria_replica_lag_seconds' && s.labels.replica === t.replicaName)).toBe(true);
    });
  });

  describe('a replica whose replay is paused (pg_wal_replay_pause)', () => {
    let t: ReplicaApp;
    beforeAll(async () => {
      t = await startReplicaApp();
    });
    afterAll(async () => {
      await pair.replica.query('SELECT pg_wal_replay_resume()').catch(() => undefined);
      await t?.close();
    });

    it('sends reads with minPosition to the primary, serves stale reads for at most the lag limit, then leaves the rotation', async () => {
      await pair.replica.query('SELECT pg_wal_replay_pause()');
      await until('the check sees the pause', async () => (await replicaHealth(t)).replayPaused === true, 5_000);

      const placed = await place(t, MARGHERITA_ORDER);
      const wroteAt = Date.now();
      const before = await served(t);
      // With minPosition: the write, from the primary, at once (the paused replica will not catch up).
      const fresh = await t.http().get(`/orders/${placed.orderId}`).query({ minPosition: placed.position });
      expect(fresh.status).toBe(200);
      expect(fresh.body.orderId).toBe(placed.orderId);
      expect(await grew(t, before)).toEqual({ replica: 0, primary: 1, behind: 1 });

      // Without it: the replica still serves, and it has not got the order; that is the staleness the limit bounds.
      const stale = await t.http().get(`/orders/${placed.orderId}`);
      expect(Date.now() - wroteAt).toBeLessThan(MAX_LAG_SECONDS * 1000);
      expect(stale.status).toBe(404);

      // Once the lag passes the limit the replica is out of rotation, within one check interval.
      await until('the replica leaves the rotation', async () => (await replicaHealth(t)).serving === false, 10_000);
      const outAfter = Date.now() - wroteAt;
      expect(outAfter).toBeGreaterThanOrEqual(MAX_LAG_SECONDS * 1000 - 2 * CHECK_MS);
      expect(outAfter).toBeLessThan(MAX_LAG_SECONDS * 1000 + 1_500);
      const health = await replicaHealth(t);
      expect(health).toMatchObject({ serving: false, state: 'lagging', replayPaused: true });
      expect(health.lagBytes).toBeGreaterThan(0);
      expect(health.lagSeconds).toBeGreaterThan(MAX_LAG_SECONDS);
      const samples = parseMetrics((await t.http().get('/metrics')).text);
      expect(valueOf(samples, 'pizzeria_replica_serving', { replica: t.replicaName })).toBe(0);
      expect(valueOf(samples, 'pizzeria_replica_lag_seconds', { replica: t.replicaName })).toBeGreaterThan(MAX_LAG_SECONDS);
      // /health itself stays ready: the primary answers what the replica cannot.
      expect((await t.http().get('/health')).status).toBe(200);

      const now = await t.http().get(`/orders/${placed.orderId}`);
      expect(now.status).toBe(200);

      // Resumed, it catches up and comes back.
      await pair.replica.query('SELECT pg_wal_replay_resume()');
      await until('the replica is back in rotation', async () => (await replicaHealth(t)).serving === true, 10_000);
      const again = await served(t);
      expect((await t.http().get(`/orders/${placed.orderId}`)).status).toBe(200);
      expect(await grew(t, again)).toEqual({ replica: 1, primary: 0, behind: 0 });
    });
  });

  describe('a live stream resuming while the replica is behind', () => {
    let t: ReplicaApp;
    let base: string;
    const clients: SseClient[] = [];
    beforeAll(async () => {
      // A lag limit the paused replica stays within, so it keeps serving the catch-up.
      t = await startReplicaApp({ replicaMaxLagSeconds: 600 });
      await t.app.listen(0, '127.0.0.1');
      base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      for (const client of clients) client.cut();
      await pair.replica.query('SELECT pg_wal_replay_resume()').catch(() => undefined);
      await t?.close();
    });

    it("replays the replica's copy of the log, then what only the primary has: nothing missed, nothing twice", async () => {
      for (let i = 0; i < 3; i++) await command(t, (await place(t, MARGHERITA_ORDER)).orderId, 'confirm', {});
      await pair.waitForReplay();
      await pair.replica.query('SELECT pg_wal_replay_pause()');
      await until('the check sees the pause', async () => (await replicaHealth(t)).replayPaused === true, 5_000);
      for (let i = 0; i < 2; i++) await command(t, (await place(t, MARGHERITA_ORDER)).orderId, 'confirm', {});
      const log = (
        await pair.primary.query<{ position: string }>('SELECT position FROM events ORDER BY transaction_id, position', [], t.database.name)
      ).map((row) => Number(row.position));
      const [{ count: onReplica }] = await pair.replica.query<{ count: string }>('SELECT count(*) FROM events', [], t.database.name);
      expect(Number(onReplica)).toBe(6);
      expect(log).toHaveLength(10);

      const before = await served(t);
      const client = await SseClient.connect(base, '/events/stream', { Authorization: t.staff.Authorization, 'Last-Event-ID': '0' });
      clients.push(client);
      expect(client.status).toBe(200);
      await client.waitForMessages(log.length);
      expect(client.ids).toEqual(log);
      expect((await grew(t, before)).replica).toBeGreaterThanOrEqual(1);
    });
  });

  describe('a replica stopped under load', () => {
    let t: ReplicaApp;
    beforeAll(async () => {
      t = await startReplicaApp();
    });
    afterAll(async () => {
      // The test starts it again; if the test failed half-way, this does.
      const down = await pair.replica.query('SELECT 1').then(
        () => false,
        () => true,
      );
      if (down) await pair.replica.start();
      await t?.close();
    });

    it('answers every query (0 errors) from the primary once the replica is gone, and uses the replica again once it is back', async () => {
      const known = await place(t, MARGHERITA_ORDER);
      // In the primary's read model first, then replayed: the reads without minPosition below find it on either server.
      expect((await t.http().get(`/orders/${known.orderId}`).query({ minPosition: known.position })).status).toBe(200);
      await pair.waitForReplay();
      const statuses = new Map<string, number>();
      const count = (what: string, status: number) => statuses.set(`${what} ${status}`, (statuses.get(`${what} ${status}`) ?? 0) + 1);
      let running = true;
      let last = known.position;
      const worker = async () => {
        while (running) {
          const placed = await t.http().post('/orders').send(MARGHERITA_ORDER);
          count('POST /orders', placed.status);
          if (placed.status === 201) last = Math.max(last, placed.body.position as number);
          count('GET /orders/{id}', (await t.http().get(`/orders/${known.orderId}`)).status);
          const mine = await t.http().get(`/orders/${placed.body.orderId}`).query({ minPosition: placed.body.position });
          count('GET /orders/{id}?minPosition', mine.status);
          count('GET /orders?minPosition', (await t.http().get('/orders').set(t.staff).query({ minPosition: last, limit: 5 })).status);
        }
      };
      const workers = Array.from({ length: 6 }, worker);
      const before = await served(t);
      await until('some load on the replica', async () => (await served(t)).replica - before.replica >= 50, 15_000);

      await pair.replica.stop('immediate');
      const stoppedAt = Date.now();
      await until('the replica leaves the rotation', async () => (await replicaHealth(t)).serving === false, 5_000);
      const outAfter = Date.now() - stoppedAt;
      const whileDown = await served(t);
      await until('load on the primary', async () => (await served(t)).primary - whileDown.primary >= 100, 15_000);
      expect((await grew(t, whileDown)).replica).toBe(0);
      expect(await replicaHealth(t)).toMatchObject({ serving: false, state: 'unreachable' });
      expect((await t.http().get('/health')).status).toBe(200);

      await pair.replica.start();
      const startedAt = Date.now();
      await until('the replica is back in rotation', async () => (await replicaHealth(t)).serving === true, 15_000);
      const backAfter = Date.now() - startedAt;
      const back = await served(t);
      await until('load on the replica again', async () => (await served(t)).replica - back.replica >= 20, 15_000);
      running = false;
      await Promise.all(workers);

      const answers = Object.fromEntries(statuses);
      expect(answers).toEqual({
        'POST /orders 201': expect.any(Number),
        'GET /orders/{id} 200': expect.any(Number),
        'GET /orders/{id}?minPosition 200': expect.any(Number),
        'GET /orders?minPosition 200': expect.any(Number),
      });
      expect(outAfter).toBeLessThan(CHECK_MS + 2_000);
      expect(backAfter).toBeLessThan(CHECK_MS + 5_000);
      // The app's own view agrees with /health.
      expect(t.app.get(ReadReplicas).report()[0].serving).toBe(true);
    });
  });

  // Last: a promoted replica stays promoted, and nothing after this needs the pair.
  describe('a promoted replica', () => {
    let t: ReplicaApp;
    beforeAll(async () => {
      t = await startReplicaApp();
    });
    afterAll(async () => {
      await t?.close();
    });

    it('leaves the rotation at the next check, and the primary answers', async () => {
      const placed = await place(t, MARGHERITA_ORDER);
      await pair.replica.query('SELECT pg_promote(true)');
      const promotedAt = Date.now();
      await until('the replica leaves the rotation', async () => (await replicaHealth(t)).serving === false, 5_000);
      expect(Date.now() - promotedAt).toBeLessThan(CHECK_MS + 2_000);
      expect(await replicaHealth(t)).toMatchObject({ serving: false, state: 'promoted' });
      // A write the promoted server never sees, read back from the primary.
      const confirmed = await command(t, placed.orderId, 'confirm', {});
      const before = await served(t);
      const res = await t.http().get(`/orders/${placed.orderId}`).query({ minPosition: confirmed.position });
      expect([res.status, res.body.status]).toEqual([200, 'CONFIRMED']);
      expect((await t.http().get(`/orders/${placed.orderId}`)).body.status).toBe('CONFIRMED');
      expect(await grew(t, before)).toEqual({ replica: 0, primary: 2, behind: 0 });
    });
  });
});
