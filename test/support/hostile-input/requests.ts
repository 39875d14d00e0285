import fc from 'fast-check';
import type { RawRequest } from '../raw-http.js';
import { fillPath, routeName, type RegisteredRoute } from '../routes.js';
import { STAFF_TOKEN } from '../test-app.js';
import {
  BODY_PATHS,
  HOSTILE_BODIES,
  HOSTILE_STRINGS,
  NUMERIC_EXTREMES,
  QUERY_KEYS,
  QUERY_VALUES,
  RAW_QUERIES,
  RAW_SEGMENTS,
  headerValue,
  printable,
} from './values.js';

/**
 * Requests for the hostile-input spec: a valid request for each route (its
 * baseline), and fast-check arbitraries that spoil it a little, one to three
 * mutations at a time.
 */

/** Orders of the test app's own for requests to name: ids that exist, in several states. */
export interface Fixture {
  ids: string[];
}

/** encodeURIComponent, which throws on a lone surrogate: that one goes as U+FFFD. */
function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '\ufffd'));
  }
}

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
export interface Baseline {
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
  'POST /admin/customers/erase': { phone: '+34 699 000 003' },
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
  'GET /admin/customers/export': [['phone', '+34 699 000 003']],
};

export function baseline(route: RegisteredRoute, fixture: Fixture): Baseline {
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

/** Sets a value at a path as an own, enumerable property, so that even "__proto__" goes out as a JSON key. */
export function setAt(root: Record<string, unknown>, path: Array<string | number>, value: unknown): void {
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

export function toRequest(route: RegisteredRoute, r: Baseline): RawRequest {
  const path = fillPath(route.path, r.params, { raw: true });
  const query = [...r.query.map(([k, v]) => `${encode(k)}=${encode(v)}`), ...r.rawQuery].join('&');
  const body = r.body === undefined || typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
  return { method: route.method, path: query ? `${path}?${query}` : path, headers: r.headers, body, timeoutMs: 10_000 };
}

export function requestFor(route: RegisteredRoute, fixture: Fixture): fc.Arbitrary<RawRequest> {
  return fc.array(mutations(fixture), { minLength: 1, maxLength: 3 }).map((list) => {
    const r = baseline(route, fixture);
    for (const mutate of list) mutate(r);
    return toRequest(route, r);
  });
}
