import fc from 'fast-check';
import { checkAnswer } from './support/hostile-input/answers.js';
import { HOSTILE_INPUT_CONFIG, placeFixtureOrders } from './support/hostile-input/app.js';
import { baseline, requestFor, setAt, toRequest, type Baseline, type Fixture } from './support/hostile-input/requests.js';
import { countEvents } from './support/orders-helpers.js';
import { listen, send, sendRaw } from './support/raw-http.js';
import { registeredRoutes, routeName } from './support/routes.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * Random and hostile requests at every route the app registers: bodies, ids,
 * headers and query strings. Whatever comes in, the answer is never a 5xx (but
 * for the contract's own 503s about the server's state, named in
 * support/hostile-input/answers.ts), an error
 * is in the contract's shape and tells nothing internal, and a refused request
 * writes no event.
 */
const RUNS_PER_ROUTE = 35;

const t: TestApp = await startTestApp(HOSTILE_INPUT_CONFIG);
const routes = registeredRoutes(t.app);

describe('hostile input at every registered route (property-based, e2e)', () => {
  let port: number;
  const fixture: Fixture = { ids: [] };

  beforeAll(async () => {
    port = await listen(t.app);
    fixture.ids.push(...(await placeFixtureOrders(t)));
  });

  afterAll(async () => {
    await t.close();
  });

  it('finds the routes to attack', () => {
    expect(routes.map(routeName)).toEqual(
      expect.arrayContaining(['GET /menu', 'POST /orders', 'POST /orders/:id/confirm', 'GET /orders', 'GET /orders/:id/state']),
    );
  });

  for (const route of routes) {
    it(`${routeName(route)}: never a 5xx, never a leak, and no event for a refused request`, async () => {
      await fc.assert(
        fc.asyncProperty(requestFor(route, fixture), async (req) => {
          const before = await countEvents(t);
          const res = await send(port, req);
          const after = await countEvents(t);
          checkAnswer(route, req, res, before, after);
        }),
        { numRuns: RUNS_PER_ROUTE, verbose: 1 },
      );
    }, 60_000);
  }

  it('answers every numeric extreme in every numeric query parameter and body field without a 5xx (a deterministic sweep)', async () => {
    const failures: string[] = [];
    for (const route of routes) {
      const base = baseline(route, fixture);
      const attempts: Baseline[] = [];
      for (const value of ['1e300', '99999999999999999999', '9223372036854775808', '-1', 'NaN', '2147483648']) {
        if (route.method === 'GET') {
          for (const key of ['minPosition', 'limit', 'lastEventId'])
            attempts.push({ ...structuredClone(base), query: [...base.query.filter(([k]) => k !== key), [key, value]] });
        } else if (base.body !== undefined) {
          for (const path of [['fromPosition'], ['items', 0, 'quantity']]) {
            for (const typed of [value, Number(value)]) {
              const variant = structuredClone(base);
              setAt(variant.body as Record<string, unknown>, path, typed);
              attempts.push(variant);
            }
          }
        }
      }
      for (const attempt of attempts) {
        const req = toRequest(route, attempt);
        const writes = route.method !== 'GET';
        const before = writes ? await countEvents(t) : 0;
        const res = await send(port, req);
        try {
          checkAnswer(route, req, res, before, writes ? await countEvents(t) : 0);
        } catch (error) {
          failures.push((error as Error).message.slice(0, 240));
        }
      }
    }
    expect(failures).toEqual([]);
  }, 60_000);

  it('answers requests no HTTP client would form without a 5xx, and never reflects a header line', async () => {
    const raw = [
      'GET /menu HTTP/1.1\r\nHost: x\r\nX-Correlation-Id: abc\rX-Injected: 1\r\n\r\n',
      'GET /menu HTTP/1.1\r\nHost: x\r\nX-Correlation-Id: abc\nX-Injected: 1\r\n\r\n',
      'GET /menu HTTP/1.1\r\nHost: x\r\nX-Correlation-Id: a\u0000b\r\n\r\n',
      'GET /menu HTTP/1.1\r\nHost: x\r\nX-Correlation-Id: abc\r\n X-Injected: folded\r\n\r\n',
      `GET /menu HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      'POST /orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      'POST /orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":1}',
      'POST /orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -1\r\n\r\n',
      'POST /orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
      'G\u00c9T /menu HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET /menu\u0000 HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET /orders/%E0%A4%A HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET http://evil.example/menu HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET /menu HTTP/9.9\r\nHost: x\r\n\r\n',
      'GET /menu HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \u00ff\r\n\r\n',
      'POST /orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\nabcd',
    ];
    const events = await countEvents(t);
    for (const bytes of raw) {
      const res = await sendRaw(port, bytes);
      const seen = { request: bytes.slice(0, 80), status: res.status };
      expect({ ...seen, serverError: res.status >= 500 }).toEqual({ ...seen, serverError: false });
      expect(res.text).not.toMatch(/^X-Injected/im);
    }
    expect(await countEvents(t)).toBe(events);
    // Still answering, after all that.
    expect((await send(port, { method: 'GET', path: '/menu' })).status).toBe(200);
  });
});
