import fc from 'fast-check';
import { STATUS_CODES } from 'node:http';
import { countEvents, placeOrder, runSteps } from './support/orders-helpers.js';
import { listen, send, sendRaw, type RawRequest, type RawResponse } from './support/raw-http.js';
import { fillPath, registeredRoutes, routeName, type RegisteredRoute } from './support/routes.js';
import { STAFF_TOKEN, startTestApp, type TestApp } from './support/test-app.js';

/**
 * Random and hostile requests at every route the app registers: bodies, ids,
 * headers and query strings. Whatever comes in, the answer is never a 5xx (but
 * for the contract's own 503s about the server's state, named below), an error
 * is in the contract's shape and tells nothing internal, and a refused request
 * writes no event.
 */
const RUNS_PER_ROUTE = 35;

const t: TestApp = await startTestApp({
  // Webhooks may only go to a host that never resolves: a random URL must not make the suite call out.
  webhookAllowedHosts: ['hooks.pizzeria.invalid'],
  readYourWritesTimeoutMs: 300,
});
const routes = registeredRoutes(t.app);

/** 503s that describe the server's state, not the request: a read model behind the asked position, readiness. */
function allowedServerState(route: RegisteredRoute, req: RawRequest, res: RawResponse): boolean {
  if (res.status !== 503) return false;
  if (res.body?.code === 'PROJECTION_BEHIND') return /minPosition/.test(decodeSafely(req.path));
  return res.body?.code === 'NOT_READY' && route.path === '/health';
}

const LEAKS: Array<[string, RegExp]> = [
  ['a stack frame', /\bat\s+\S+\s+\(?[^\s()]+:\d+:\d+\)?/g],
  ['a stack field', /"stack"\s*:/g],
  ['a source path', /node_modules|\/src\/|\.ts:\d+|\.js:\d+/g],
  [
    'SQL',
    /\bSELECT\s+[\w*]|\bINSERT\s+INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b|duplicate key|violates|\brelation\s+"|\bpg_\w+|\bstream_id\b|syntax error at/gi,
  ],
  [
    'an internal error name',
    /\b(QueryFailedError|TypeError|ReferenceError|SyntaxError|RangeError|ConcurrencyError|DomainError|ApiError|MenuError|EntityNotFound)\b/g,
  ],
];

/** encodeURIComponent, which throws on a lone surrogate: that one goes as U+FFFD. */
function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '\ufffd'));
  }
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** What leaked into the answer that the request did not itself bring (an echoed id is not a leak). */
function leaks(res: RawResponse, req: RawRequest): string[] {
  const sent = [
    req.path,
    decodeSafely(req.path),
    JSON.stringify(req.headers ?? {}),
    String(req.body ?? ''),
    decodeSafely(String(req.body ?? '')),
  ].join('\n');
  const found: string[] = [];
  for (const [what, pattern] of LEAKS) {
    for (const match of res.text.matchAll(pattern)) {
      if (!sent.toLowerCase().includes(match[0].toLowerCase())) found.push(`${what}: ${match[0]}`);
    }
  }
  return found;
}

const printable = (maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });
/** What a header may carry on the wire: visible ASCII, space, tab and the Latin-1 upper half. */
const headerValue = (maxLength: number) =>
  fc.string({
    unit: fc
      .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff }), fc.constant(0x09))
      .map((c) => String.fromCharCode(c)),
    maxLength,
  });

const HOSTILE_STRINGS = [
  '',
  ' ',
  "' OR 1=1 --",
  "'; DROP TABLE events; --",
  '"; SELECT pg_sleep(10); --',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '\u0000',
  '\u202e\u0041\u0042',
  '💥🍕'.repeat(50),
  '\ud800',
  'x'.repeat(5_000),
  '${jndi:ldap://x}',
  '{{7*7}}',
  '%s%s%s%n',
  'NaN',
  '-0',
  '1e309',
  '9007199254740993',
  '2026-13-45T25:61:61Z',
];

/** Path segments sent as they are: broken percent-encodings, encoded slashes and dots, NULs. */
const RAW_SEGMENTS = [
  '%',
  '%E0%A4%A',
  '%ZZ',
  '%00',
  '%2F..%2F..%2Fetc',
  '..%2F',
  '%C0%AE%C0%AE',
  '%FF%FE',
  '.',
  '..',
  '%20',
  '%u0041',
  'a%0Db',
  encodeURIComponent('x'.repeat(3_000)),
];

const QUERY_KEYS = [
  'minPosition',
  'limit',
  'cursor',
  'status',
  'phone',
  'asOf',
  'from',
  'to',
  'orderId',
  'token',
  'lastEventId',
  '__proto__',
  'constructor',
  'minPosition[]',
  'status[$ne]',
  'a[b][c]',
  'asOf[]',
];
const QUERY_VALUES = [
  '-1',
  '0',
  '1',
  '1e309',
  '1e300',
  '9007199254740993',
  '99999999999999999999',
  'NaN',
  'Infinity',
  '0x10',
  '1.5',
  'PENDING,CANCELLED',
  'PENDING,,',
  '2026-01-01T00:00:00.000Z',
  '2026-01-01',
  '+275760-09-13T00:00:00.000Z',
  '-271821-04-20T00:00:00.000Z',
  '0000-00-00T00:00:00Z',
  '+34 600 111 222',
  'W1siMjAyNi0wMS0wMVQwMDowMDowMC4wMDBaIiwieCJdXQ',
];

interface Fixture {
  ids: string[];
}

const NUMERIC_EXTREMES = [
  '1e300',
  '-1e300',
  '1e309',
  '1e21',
  '99999999999999999999',
  '9007199254740993',
  '9223372036854775808',
  '-9223372036854775809',
  '2147483648',
  '-1',
  '0.5',
  'NaN',
  'Infinity',
  '0x7fffffff',
  '1_000',
  ' 1',
  '1 ',
];

function anything(): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(null, true, 0, -1, 21, 1.5, 1e300, -1e300, 1e21, 2 ** 53 + 2, 2 ** 31, [], {}, [[[]]], { length: 1e9 }),
    },
    { weight: 1, arbitrary: fc.constantFrom(...NUMERIC_EXTREMES) },
  );
}

/** A request the route accepts: the starting point every mutation spoils a little. */
interface Baseline {
  params: Record<string, string>;
  query: Array<[string, string]>;
  /** Query parts sent as they are, broken encodings included. */
  rawQuery: string[];
  headers: Record<string, string>;
  body?: string | Record<string, unknown>;
}

const VALID_BODIES: Record<string, Record<string, unknown>> = {
  'POST /orders': {
    customer: { name: 'Ana', phone: '+34 600 111 222', address: 'Calle Mayor 1' },
    items: [{ pizzaId: 'margherita', size: 'large', quantity: 2, toppings: ['extra-cheese'] }],
    fulfilment: 'delivery',
    notes: 'ring twice',
  },
  'POST /orders/:id/confirm': { estimatedReadyAt: '2030-01-01T18:00:00.000Z', kitchenNotes: 'crispy' },
  'POST /orders/:id/pay': { method: 'card', transactionId: 'txn-1' },
  'POST /orders/:id/discount': { code: 'WELCOME10' },
  'POST /orders/:id/dispatch': { courier: 'Luis' },
  'POST /orders/:id/cancel': { reason: 'changed my mind' },
  'POST /admin/webhooks': { url: 'https://hooks.pizzeria.invalid/x', eventTypes: ['*'], fromPosition: 0 },
};

const VALID_QUERIES: Record<string, Array<[string, string]>> = {
  'GET /orders': [
    ['status', 'PENDING,CONFIRMED'],
    ['limit', '5'],
    ['minPosition', '1'],
  ],
  'GET /orders/:id': [['minPosition', '1']],
  'GET /orders/:id/timeline': [['minPosition', '1']],
  'GET /orders/:id/state': [
    ['asOf', '2030-01-01T00:00:00.000Z'],
    ['minPosition', '1'],
  ],
  'GET /kitchen/queue': [['minPosition', '1']],
  'GET /analytics/summary': [
    ['from', '2020-01-01'],
    ['to', '2030-01-01'],
    ['minPosition', '1'],
  ],
  'GET /events/stream': [['lastEventId', '1']],
};

function baseline(route: RegisteredRoute, fixture: Fixture): Baseline {
  const name = routeName(route);
  const params: Record<string, string> = {};
  for (const [, param] of route.path.matchAll(/[:*](\w+)/g)) params[param] = param === 'name' ? 'order-details' : fixture.ids[0];
  const query = [...(VALID_QUERIES[name] ?? [])];
  const headers: Record<string, string> = { authorization: `Bearer ${STAFF_TOKEN}` };
  const hasBody = route.method === 'POST' || route.method === 'PUT' || route.method === 'PATCH';
  if (hasBody) headers['content-type'] = 'application/json';
  return { params, query, rawQuery: [], headers, body: hasBody ? structuredClone(VALID_BODIES[name] ?? {}) : undefined };
}

type Mutation = (request: Baseline) => void;

/** Every field any command reads, and where it nests, plus keys that only serve prototype pollution. */
const BODY_PATHS: Array<Array<string | number>> = [
  ['customer'],
  ['customer', 'name'],
  ['customer', 'phone'],
  ['customer', 'address'],
  ['customer', '__proto__'],
  ['items'],
  ['items', 0],
  ['items', 0, 'pizzaId'],
  ['items', 0, 'size'],
  ['items', 0, 'quantity'],
  ['items', 0, 'toppings'],
  ['items', 0, 'toppings', 0],
  ['items', 0, 'constructor'],
  ['fulfilment'],
  ['notes'],
  ['estimatedReadyAt'],
  ['kitchenNotes'],
  ['method'],
  ['transactionId'],
  ['code'],
  ['courier'],
  ['reason'],
  ['url'],
  ['eventTypes'],
  ['eventTypes', 0],
  ['fromPosition'],
  ['__proto__'],
  ['constructor'],
  ['prototype'],
  ['orderId'],
  ['version'],
  ['totalCents'],
  ['status'],
];

/** Sets a value at a path as an own, enumerable property, so that even "__proto__" goes out as a JSON key. */
function setAt(root: Record<string, unknown>, path: Array<string | number>, value: unknown): void {
  let node: any = root;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i];
    const next = Object.prototype.hasOwnProperty.call(node, key) ? node[key] : undefined;
    if (next === null || typeof next !== 'object') {
      Object.defineProperty(node, key, {
        value: typeof path[i + 1] === 'number' ? [] : {},
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    node = node[key];
  }
  Object.defineProperty(node, path[path.length - 1], { value, enumerable: true, writable: true, configurable: true });
}

const HOSTILE_BODIES = [
  '{"__proto__":{"polluted":true}}',
  '{"customer":{"__proto__":{"isAdmin":true},"name":"Ana","phone":"+34 600 111 222"},"items":[]}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  `${'['.repeat(5_000)}${']'.repeat(5_000)}`,
  `${'{"a":'.repeat(2_000)}1${'}'.repeat(2_000)}`,
  '1e400',
  '"\\u0000"',
  '"\\ud800"',
  'null',
  'true',
  '[]',
  '""',
  '{"items":[],"items":[{"pizzaId":"margherita","size":"large","quantity":1}]}',
  '{',
  '\u0000\u0001\u0002',
  '\ufeff{}',
  JSON.stringify({ notes: 'x'.repeat(70 * 1024) }),
];

/** A whole body in place of the valid one. */
function body(): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constant('{}') },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)) },
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_BODIES) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  );
}

function headers(): fc.Arbitrary<Record<string, string>> {
  const one = fc.oneof(
    fc
      .constantFrom(
        'Bearer wrong-token-0123456789abcdef',
        'Bearer',
        'Basic YWRtaW46YWRtaW4=',
        `bearer  ${STAFF_TOKEN}x`,
        'Bearer \u00ff\u00fe',
        `Bearer ${STAFF_TOKEN}`,
      )
      .map((v) => ({ authorization: v })),
    headerValue(80).map((v) => ({ authorization: v })),
    fc
      .oneof(
        fc.constantFrom('"1"', '*', 'W/"2"', '"999999999"', '"-1"', '"1e3"', '"0"', '""', '"1", "2"', '"99999999999"'),
        headerValue(40),
      )
      .map((v) => ({ 'if-match': v })),
    fc.oneof(fc.uuid(), printable(300), headerValue(60)).map((v) => ({ 'idempotency-key': v })),
    fc
      .oneof(
        fc.constantFrom(
          'text/plain',
          'application/x-www-form-urlencoded',
          'application/json; charset=utf-16',
          'application/json; charset=latin1',
          'multipart/form-data; boundary=x',
          'application/merge-patch+json',
          'application/json;;;',
          'application/xml',
        ),
        headerValue(40),
      )
      .map((v) => ({ 'content-type': v })),
    fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-garbage').map((v) => ({ 'content-encoding': v })),
    fc.oneof(printable(200), fc.constantFrom('%0d%0aX-Injected: 1', 'a'.repeat(129), '../../x')).map((v) => ({ 'x-correlation-id': v })),
    fc.oneof(fc.constantFrom('0', '-1', '99999999999999999999', '1e300', '1e3', ''), headerValue(30)).map((v) => ({ 'last-event-id': v })),
    fc.oneof(fc.constantFrom('text/event-stream', '*/*', 'application/xml', 'text/html'), headerValue(30)).map((v) => ({ accept: v })),
    fc.constantFrom('1.2.3.4', '::1', 'garbage', '127.0.0.1, 10.0.0.1').map((v) => ({ 'x-forwarded-for': v })),
  );
  return fc.array(one, { minLength: 1, maxLength: 3 }).map((list) => Object.assign({}, ...list) as Record<string, string>);
}

/** A path parameter, already encoded (or deliberately broken) as it goes on the wire. */
function pathParam(fixture: Fixture): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom(...fixture.ids) },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: fc.constantFrom('order-details', 'kitchen-queue', 'analytics') },
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_STRINGS.filter((s) => s !== '')).map(encode) },
    { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 60 }).map(encode) },
    { weight: 2, arbitrary: fc.constantFrom(...RAW_SEGMENTS) },
  );
}

function mutations(fixture: Fixture): fc.Arbitrary<Mutation> {
  const queryKey = fc.oneof(
    { weight: 4, arbitrary: fc.constant('minPosition') },
    { weight: 4, arbitrary: fc.constantFrom(...QUERY_KEYS) },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  );
  const queryValue = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...NUMERIC_EXTREMES) },
    { weight: 3, arbitrary: fc.constantFrom(...QUERY_VALUES, ...fixture.ids) },
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
    { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.integer().map(String) },
    { weight: 1, arbitrary: fc.double().map(String) },
  );
  const header = headers();
  return fc.oneof(
    pathParam(fixture).map((value): Mutation => (r) => {
      for (const name of Object.keys(r.params)) r.params[name] = value;
    }),
    fc.tuple(queryKey, queryValue, fc.boolean()).map(([key, value, replace]): Mutation => (r) => {
      if (replace) r.query = r.query.filter(([k]) => k !== key);
      r.query.push([key, value]);
    }),
    fc.constantFrom(...RAW_QUERIES).map((raw): Mutation => (r) => {
      r.rawQuery.push(raw);
    }),
    header.map((set): Mutation => (r) => {
      Object.assign(r.headers, set);
    }),
    fc.constantFrom('authorization', 'content-type').map((name): Mutation => (r) => {
      delete r.headers[name];
    }),
    body().map((replacement): Mutation => (r) => {
      r.body = replacement;
    }),
    fc.tuple(fc.constantFrom(...BODY_PATHS), anything()).map(([path, value]): Mutation => (r) => {
      const root = r.body !== undefined && typeof r.body === 'object' ? r.body : {};
      setAt(root, path, value);
      r.body = root;
    }),
  );
}

const RAW_QUERIES = [
  '%',
  '%zz=1',
  '&&&',
  '=',
  'a=%E0%A4%A',
  '__proto__[polluted]=1',
  'minPosition=1&minPosition=2',
  'limit[]=5',
  `cursor=${'A'.repeat(500)}`,
  'minPosition=%00',
];

function toRequest(route: RegisteredRoute, r: Baseline): RawRequest {
  const path = fillPath(route.path, r.params, { raw: true });
  const query = [...r.query.map(([k, v]) => `${encode(k)}=${encode(v)}`), ...r.rawQuery].join('&');
  const body = r.body === undefined || typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
  return { method: route.method, path: query ? `${path}?${query}` : path, headers: r.headers, body, timeoutMs: 10_000 };
}

function requestFor(route: RegisteredRoute, fixture: Fixture): fc.Arbitrary<RawRequest> {
  return fc.array(mutations(fixture), { minLength: 1, maxLength: 3 }).map((list) => {
    const r = baseline(route, fixture);
    for (const mutate of list) mutate(r);
    return toRequest(route, r);
  });
}

function checkAnswer(route: RegisteredRoute, req: RawRequest, res: RawResponse, eventsBefore: number, eventsAfter: number): void {
  const seen = { route: routeName(route), path: req.path.slice(0, 200), status: res.status, code: res.body?.code };
  if (res.status >= 500 && !allowedServerState(route, req, res)) {
    throw new Error(`a ${res.status} answer: ${JSON.stringify(seen)} ${res.text.slice(0, 300)}`);
  }
  if (res.status < 200 || res.status >= 300) {
    if (eventsAfter !== eventsBefore)
      throw new Error(`a refused request wrote ${eventsAfter - eventsBefore} event(s): ${JSON.stringify(seen)}`);
  }
  if (res.status >= 400) {
    const shape = res.body as Record<string, unknown> | undefined;
    const wellFormed =
      shape !== undefined &&
      shape.statusCode === res.status &&
      shape.error === STATUS_CODES[res.status] &&
      typeof shape.code === 'string' &&
      /^[A-Z][A-Z0-9_]*$/.test(shape.code) &&
      (typeof shape.message === 'string' || Array.isArray(shape.message));
    if (!wellFormed) throw new Error(`an error outside the contract's shape: ${JSON.stringify(seen)} ${res.text.slice(0, 300)}`);
    const leaked = leaks(res, req);
    if (leaked.length) throw new Error(`the answer leaks ${leaked.join(', ')}: ${JSON.stringify(seen)} ${res.text.slice(0, 300)}`);
  }
  const correlation = res.headers['x-correlation-id'];
  if (correlation !== undefined && !/^[A-Za-z0-9._:-]{1,128}$/.test(String(correlation))) {
    throw new Error(`an X-Correlation-Id that echoes what it should not: ${JSON.stringify(correlation)}`);
  }
}

describe('hostile input at every registered route (property-based, e2e)', () => {
  let port: number;
  const fixture: Fixture = { ids: [] };

  beforeAll(async () => {
    port = await listen(t.app);
    const pending = await placeOrder(t);
    const confirmed = await placeOrder(t);
    await runSteps(t, confirmed, [['confirm']]);
    const delivered = await placeOrder(t);
    await runSteps(t, delivered, [['confirm'], ['pay', { method: 'card' }], ['ready'], ['dispatch'], ['deliver']]);
    fixture.ids.push(pending, confirmed, delivered);
  });

  afterAll(async () => {
    await t.close();
  });

  it('refuses a NUL character in any stored text of a valid command with 400 VALIDATION_FAILED, and writes nothing', async () => {
    // PostgreSQL stores NUL in neither text nor jsonb: once it reached the append it was a 500.
    const order = {
      customer: { name: 'Ana', phone: '+34 600 111 222', address: 'Calle Mayor 1' },
      items: [{ pizzaId: 'margherita', size: 'large', quantity: 1 }],
      fulfilment: 'delivery',
      notes: 'ring twice',
    };
    const withNul = (path: string[]): object => {
      const copy = JSON.parse(JSON.stringify(order)) as Record<string, unknown>;
      let at = copy;
      for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
      at[path[path.length - 1]] = 'a\u0000b';
      return copy;
    };
    const cases: Array<[string, object, Record<string, string>]> = [
      ...[['customer', 'name'], ['customer', 'phone'], ['customer', 'address'], ['notes']].map(
        (path): [string, object, Record<string, string>] => ['/orders', withNul(path), {}],
      ),
      ['/orders', { ...order, 'no\u0000key': 1 }, {}],
      [`/orders/${fixture.ids[0]}/cancel`, { reason: 'nul \u0000' }, { authorization: `Bearer ${STAFF_TOKEN}` }],
      [`/orders/${fixture.ids[0]}/confirm`, { kitchenNotes: '\u0000' }, { authorization: `Bearer ${STAFF_TOKEN}` }],
    ];
    const before = await countEvents(t);
    for (const [path, body, headers] of cases) {
      const res = await send(port, {
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
      expect({ path, body, status: res.status, code: (res.body as { code?: string } | undefined)?.code }).toEqual({
        path,
        body,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    }
    expect(await countEvents(t)).toBe(before);
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
