import { writeFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { Database } from '../src/database/database.js';
import { placeOrder, runSteps } from './support/orders-helpers.js';
import { listen, send } from './support/raw-http.js';
import { registeredRoutes, routeName } from './support/routes.js';
import { STAFF_TOKEN, startTestApp, type TestApp } from './support/test-app.js';
import { runFuzzCampaign } from './support/fuzz/fuzz-campaign.js';
import type { FuzzFixture } from './support/fuzz/fuzz-requests.js';
import { verdict } from './support/fuzz/fuzz-verdict.js';
import { operationsOf, type Operation } from './support/fuzz/openapi-operations.js';

/**
 * Property-based fuzzing of every operation in the OpenAPI document the app
 * serves, as anonymous callers, customers and staff: valid requests spoiled by
 * invalid Unicode, deep nesting, huge numbers, prototype keys, wrong types and
 * hostile headers and query values. Every answer: no 5xx, the contract's error
 * shape, and the event log unchanged by any refused request.
 *
 * CI sends FUZZ_REQUESTS (default 2,500) with a fixed seed; `npm run fuzz`
 * sends 100,000 with a new seed and prints the figure the README quotes.
 */
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 2_500);
const SEED = process.env.FUZZ_SEED === 'random' ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.FUZZ_SEED ?? 20261207);

/** Routes that are not API operations: the web pages and their assets, and the document itself. */
const NOT_IN_DOCUMENT =
  /^(GET|HEAD) \/(\*$|docs|docs-json|$|menu\.html|track|kitchen|staff|dashboard|assets|favicon|app|ui|.*\.(js|css|png|svg|html)$)/;

const t: TestApp = await startTestApp({
  // Webhooks may only go to a host that never resolves: a fuzzed URL must not make the suite call out.
  webhookAllowedHosts: ['hooks.pizzeria.invalid'],
  readYourWritesTimeoutMs: 100,
});

describe('fuzzing every operation of the OpenAPI document (property-based, e2e)', () => {
  let port: number;
  let operations: Operation[];
  const fixture: FuzzFixture = { staffToken: STAFF_TOKEN, orderIds: [], webhookIds: [], projectionNames: [] };
  const db = () => t.app.get(Database);

  beforeAll(async () => {
    port = await listen(t.app);
    const document = await send(port, { method: 'GET', path: '/docs-json' });
    operations = operationsOf(document.body);
    const pending = await placeOrder(t);
    const confirmed = await placeOrder(t);
    await runSteps(t, confirmed, [['confirm']]);
    const out = await placeOrder(t);
    await runSteps(t, out, [['confirm'], ['pay', { method: 'card' }], ['ready'], ['dispatch']]);
    fixture.orderIds.push(pending, confirmed, out);
    const hook = await t
      .http()
      .post('/admin/webhooks')
      .set(t.staff)
      .send({ url: 'https://hooks.pizzeria.invalid/x', eventTypes: ['*'] });
    fixture.webhookIds.push(hook.body.id);
    const projections = await t.http().get('/admin/projections').set(t.staff);
    fixture.projectionNames.push(...projections.body.map((p: { name: string }) => p.name));
  });

  afterAll(async () => {
    await t.close();
  });

  it('reads every API route the app registers from the document', () => {
    const documented = new Set(operations.map((o) => o.name));
    const undocumented = registeredRoutes(t.app)
      .map(routeName)
      .filter((name) => !name.startsWith('HEAD ') && !NOT_IN_DOCUMENT.test(name) && !documented.has(name));
    expect(undocumented).toEqual([]);
    expect(operations.length).toBeGreaterThan(20);
    expect(operations.filter((o) => o.body).map((o) => o.name)).toEqual(
      expect.arrayContaining(['POST /orders', 'POST /menu/quote', 'POST /admin/webhooks']),
    );
  });

  it('judges a 500, a write by a refused request and an error outside the shape as failures', () => {
    const req = { method: 'POST', path: '/orders' };
    const error = (status: number, code: string) => ({
      status,
      headers: {},
      text: '',
      body: { statusCode: status, error: STATUS_CODES[status], code, message: 'x' },
    });
    expect(verdict(req, error(500, 'INTERNAL'), 0)).toBe('500 INTERNAL');
    expect(verdict(req, error(400, 'VALIDATION_FAILED'), 1)).toMatch(/wrote 1 event/);
    expect(verdict(req, { status: 400, headers: {}, text: 'Bad', body: undefined }, 0)).toMatch(/outside the error shape/);
    expect(verdict(req, error(400, 'VALIDATION_FAILED'), 0)).toBeUndefined();
    expect(verdict({ method: 'GET', path: '/orders?minPosition=99' }, error(503, 'PROJECTION_BEHIND'), 0)).toBeUndefined();
  });

  it(
    `answers ${REQUESTS} fuzzed requests (seed ${SEED}) with no 5xx, the error shape, and no write by a refused request`,
    async () => {
      const report = await runFuzzCampaign({
        port,
        operations,
        fixture,
        seed: SEED,
        requests: REQUESTS,
        eventCount: async () => Number((await db().query<{ n: string }>('SELECT count(*) AS n FROM events'))[0].n),
        onFailure: process.env.FUZZ_REPORT ? 'count' : 'stop',
      });
      if (process.env.FUZZ_REPORT) {
        writeFileSync(process.env.FUZZ_REPORT, JSON.stringify(report, null, 2));
        process.stderr.write(
          `\nfuzz: ${report.requests} requests, ${report.serverErrors} 5xx, ${report.failures.length} failures, ${report.wallSeconds.toFixed(0)} s (seed ${report.seed})\nstatuses: ${JSON.stringify(report.statuses)}\n`,
        );
      }
      expect(
        report.failures.map((f) => ({
          problem: f.problem,
          operation: f.case?.operation,
          caller: f.case?.caller,
          mutations: f.case?.mutations,
          path: f.case?.request.path.slice(0, 200),
          answer: f.answer,
        })),
      ).toEqual([]);
      expect(report.requests).toBe(REQUESTS);
      // Most requests must get past validation somewhere, or the fuzzer only tests the front door.
      const ok = Object.entries(report.statuses)
        .filter(([status]) => Number(status) < 300)
        .reduce((n, [, count]) => n + count, 0);
      expect(ok / report.requests).toBeGreaterThan(0.1);
    },
    60_000 + REQUESTS * 40,
  );
});
