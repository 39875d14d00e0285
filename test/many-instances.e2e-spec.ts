import { jest } from '@jest/globals';
import pg from 'pg';
import { FAULT_STAFF_TOKEN, killAllApps, startApp, type AppProcess } from './support/app-process.js';
import { startLoadBalancer, type LoadBalancer } from './support/load-balancer.js';
import { MARGHERITA_ORDER } from './support/test-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { waitUntil } from './support/projection-helpers.js';
import { SseClient } from './support/sse-client.js';

jest.setTimeout(120_000);

const STAFF = { Authorization: `Bearer ${FAULT_STAFF_TOKEN}` };
const JSON_BODY = { 'Content-Type': 'application/json' };

/**
 * Three app processes on one PostgreSQL, behind HAProxy with the project's own
 * deploy/haproxy.cfg: what docker compose's production profile runs. Commands
 * and live streams work on any instance, projections run on one, and the
 * limits and idempotency keys hold across all of them.
 */
describe('three instances behind HAProxy on one database (e2e)', () => {
  let db: TestDatabase;
  let client: pg.Client;
  let apps: AppProcess[];
  let lb: LoadBalancer;
  const open: SseClient[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const env = { DATABASE_URL: db.url, RATE_LIMIT_STORE: 'postgres', RATE_LIMIT_WRITES_PER_MINUTE: '10', TRUST_PROXY: 'loopback' };
    apps = await Promise.all(['app1', 'app2', 'app3'].map((name) => startApp(name, env)));
    lb = await startLoadBalancer(apps);
  });

  afterAll(async () => {
    for (const stream of open) stream.cut();
    await lb?.stop();
    await killAllApps();
    await client?.end();
    await db?.drop();
  });

  /** A request as a browser behind the load balancer sends it, from a client address of its own. */
  async function call(base: string, method: string, path: string, options: { from: string; headers?: object; body?: object }) {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'X-Forwarded-For': options.from, ...(options.body ? JSON_BODY : {}), ...options.headers },
      body: options.body ? JSON.stringify(options.body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  }

  it('spreads requests over all three instances, each seeing the client address HAProxy forwards', async () => {
    for (let i = 0; i < 9; i++) expect((await call(lb.url, 'GET', '/menu', { from: '198.51.100.1' })).status).toBe(200);
    await waitUntil(() => apps.every((app) => app.output().includes('"client":"198.51.100.1"')), {
      what: 'each instance has logged a request of 198.51.100.1',
    });
  });

  it('moves an order through its whole life with each command on whichever instance HAProxy picks', async () => {
    const placed = await call(lb.url, 'POST', '/orders', { from: '198.51.100.2', body: MARGHERITA_ORDER });
    expect(placed.status).toBe(201);
    let version = placed.body.version as number;
    let position = placed.body.position as number;
    const steps: Array<[string, object]> = [
      ['confirm', {}],
      ['pay', { method: 'card' }],
      ['ready', {}],
      ['dispatch', { courier: 'Sam' }],
      ['deliver', {}],
    ];
    for (const [command, body] of steps) {
      const res = await call(lb.url, 'POST', `/orders/${placed.body.orderId}/${command}`, {
        from: '198.51.100.2',
        headers: { ...STAFF, 'If-Match': `"${version}"` },
        body,
      });
      expect({ command, status: res.status }).toEqual({ command, status: 200 });
      ({ version, position } = res.body);
    }
    const read = await call(lb.url, 'GET', `/orders/${placed.body.orderId}?minPosition=${position}`, { from: '198.51.100.2' });
    expect(read.body).toMatchObject({ status: 'DELIVERED', version });
  });

  it('streams, on whichever instance holds the connection, what every instance writes', async () => {
    const { rows } = await client.query<{ position: string }>('SELECT max(position) AS position FROM events');
    const stream = await SseClient.connect(lb.url, '/events/stream', { ...STAFF, 'Last-Event-ID': rows[0].position });
    open.push(stream);
    expect(stream.status).toBe(200);
    const placed: string[] = [];
    for (let i = 0; i < 6; i++) {
      placed.push((await call(lb.url, 'POST', '/orders', { from: '198.51.100.3', body: MARGHERITA_ORDER })).body.orderId);
    }
    await waitUntil(() => placed.every((id) => stream.messages.some((m) => m.data.orderId === id)), {
      what: 'the stream has delivered all six orders',
    });
  });

  it('runs each projection on exactly one instance', async () => {
    await waitUntil(
      async () => {
        const views = await Promise.all(
          apps.map((app) => call(app.url, 'GET', '/admin/projections', { from: '127.0.0.1', headers: STAFF })),
        );
        const leaders = new Map<string, number>();
        for (const view of views) {
          for (const p of view.body as Array<{ name: string; runsHere: boolean }>)
            leaders.set(p.name, (leaders.get(p.name) ?? 0) + Number(p.runsHere));
        }
        return leaders.size >= 3 && [...leaders.values()].every((count) => count === 1);
      },
      { what: 'every projection runs on exactly one of the three instances' },
    );
  });

  it('answers a POST retried on another instance with the same Idempotency-Key with the first answer, writing once', async () => {
    const key = { 'Idempotency-Key': 'many-instances-retry-1' };
    const first = await call(apps[0].url, 'POST', '/orders', { from: '198.51.100.4', headers: key, body: MARGHERITA_ORDER });
    const again = await call(apps[1].url, 'POST', '/orders', { from: '198.51.100.4', headers: key, body: MARGHERITA_ORDER });
    expect(first.status).toBe(201);
    expect({ status: again.status, replayed: again.headers.get('idempotent-replayed'), body: again.body }).toEqual({
      status: 201,
      replayed: 'true',
      body: first.body,
    });
    const other = await call(apps[2].url, 'POST', '/orders', {
      from: '198.51.100.4',
      headers: key,
      body: { ...MARGHERITA_ORDER, notes: 'x' },
    });
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');

    // The same key on all three at once: one order, whatever each answers.
    const racing = { 'Idempotency-Key': 'many-instances-race-1' };
    const answers = await Promise.all(
      apps.map((app) => call(app.url, 'POST', '/orders', { from: '198.51.100.5', headers: racing, body: MARGHERITA_ORDER })),
    );
    for (const res of answers) expect([201, 409]).toContain(res.status);
    expect(new Set(answers.filter((res) => res.status === 201).map((res) => res.body.orderId)).size).toBe(1);
    const { rows } = await client.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM events WHERE type = 'OrderPlaced' AND stream_id = ANY($1)",
      [answers.filter((res) => res.status === 201).map((res) => `order-${res.body.orderId}`)],
    );
    expect(rows[0].n).toBe(1);
  });

  it("counts a customer's writes once across instances: 10 a minute in all, not 10 on each", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push((await call(apps[i % 3].url, 'POST', '/orders', { from: '198.51.100.6', body: MARGHERITA_ORDER })).status);
    }
    expect(statuses).toEqual([...Array(10).fill(201), 429, 429]);
    // Staff are never limited, on any instance.
    const staff = await call(apps[1].url, 'POST', '/orders', { from: '198.51.100.6', headers: STAFF, body: MARGHERITA_ORDER });
    expect(staff.status).toBe(201);
  });

  it('loses no request when an instance dies: HAProxy sends each to one that is alive, then takes the dead one out', async () => {
    await apps[2].kill('SIGKILL');
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const from = `198.51.100.${100 + i}`;
      statuses.push(
        i % 2 === 0
          ? (await call(lb.url, 'GET', '/menu', { from })).status
          : (await call(lb.url, 'POST', '/orders', { from, body: MARGHERITA_ORDER })).status,
      );
    }
    expect(statuses.filter((status) => status >= 300)).toEqual([]);
    await waitUntil(() => /app\/app3 is DOWN/.test(lb.output()), { what: 'HAProxy has marked app3 down' });
  });
});
