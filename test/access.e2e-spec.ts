import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { StaffToken } from '../src/common/auth/staff-token.js';
import { AppConfig } from '../src/config/app-config.js';
import { placeOrder, runSteps } from './support/orders-helpers.js';
import { listen, send, type RawResponse } from './support/raw-http.js';
import { fillPath, registeredRoutes, routeName, type RegisteredRoute } from './support/routes.js';
import { hire, signIn } from './support/staff-helpers.js';
import { STAFF_TOKEN, startTestApp, type TestApp } from './support/test-app.js';

/**
 * The routes anyone may call. Every other route the app registers must turn
 * away a request without the staff token: a new route is staff-only until it
 * is added here on purpose.
 */
const PUBLIC = new Set([
  'GET /menu',
  // Prices a cart for the ordering page; it writes nothing.
  'POST /menu/quote',
  'POST /orders',
  'GET /orders/:id',
  'GET /orders/:id/timeline',
  // The order itself lets a customer cancel only while it is PENDING.
  'POST /orders/:id/cancel',
  'GET /events/schemas',
  // Signing in is how staff get a session; signing out without one has nothing to end.
  'POST /auth/sign-in',
  'POST /auth/sign-out',
  'GET /health',
  'GET /health/live',
  'GET /metrics',
  'GET /docs',
  'GET /docs-json',
  'GET /docs-yaml',
  // Swagger UI's assets.
  'GET /docs*',
  // The browser UI's pages and public/'s files (Fastify routes them like the API).
  'GET /',
  'GET /track/:orderId',
  'GET /kitchen',
  'GET /dashboard',
  'GET /*',
]);
/** The OpenAPI UI's own files. */
const PUBLIC_PREFIXES = ['GET /docs/'];
/** Public only with a query parameter that limits them to one order; staff-only without it. */
const CUSTOMER_LIMITED: Record<string, string> = { 'GET /events/stream': 'orderId' };
/** Pages of the browser UI, served as static files ahead of the API's routes. */
const UI_PAGES = ['/', '/track/00000000-0000-4000-8000-000000000000', '/kitchen', '/dashboard'];

const WRONG_TOKEN = 'Bearer not-the-staff-token-0123456789';
const TOKEN_CODES = ['STAFF_TOKEN_MISSING', 'STAFF_TOKEN_INVALID'];

function isPublic(route: RegisteredRoute): boolean {
  const name = routeName(route);
  return PUBLIC.has(name) || PUBLIC_PREFIXES.some((prefix) => name.startsWith(prefix));
}

describe('access: every registered route, without a token, with a wrong one and with the staff token (e2e)', () => {
  let t: TestApp;
  let port: number;
  let routes: RegisteredRoute[];

  beforeAll(async () => {
    t = await startTestApp();
    port = await listen(t.app);
    routes = registeredRoutes(t.app);
  });

  afterAll(async () => {
    await t.close();
  });

  /** A fresh PENDING order per call, so that no call depends on what an earlier one did to it. */
  async function call(
    route: RegisteredRoute,
    authorization: string | undefined,
    query = '',
    headers: Record<string, string> = {},
  ): Promise<RawResponse> {
    const orderId = await placeOrder(t);
    const path = fillPath(route.path, { id: orderId, name: 'order-details' });
    const hasBody = route.method !== 'GET' && route.method !== 'HEAD' && route.method !== 'DELETE';
    return send(port, {
      method: route.method,
      path: `${path}${query}`,
      headers: {
        ...(authorization ? { Authorization: authorization } : {}),
        ...(hasBody ? { 'Content-Type': 'application/json' } : {}),
        ...headers,
      },
      body: hasBody ? '{}' : undefined,
    });
  }

  function describeAnswer(route: RegisteredRoute, who: string, res: RawResponse) {
    return { route: routeName(route), who, status: res.status, code: res.body?.code };
  }

  it('finds the routes of the contract among those registered', () => {
    const names = routes.map(routeName);
    for (const expected of [
      'GET /menu',
      'POST /orders',
      'GET /orders/:id',
      'POST /orders/:id/confirm',
      'GET /orders',
      'GET /admin/projections',
    ]) {
      expect(names).toContain(expected);
    }
    expect(routes.length).toBeGreaterThanOrEqual(20);
  });

  it('turns away every staff route without the token (401) and with a wrong one (403), and lets the token through', async () => {
    const staffRoutes = routes.filter((route) => !isPublic(route) && !(routeName(route) in CUSTOMER_LIMITED));
    expect(staffRoutes.length).toBeGreaterThanOrEqual(12);
    for (const route of staffRoutes) {
      const none = await call(route, undefined);
      expect(describeAnswer(route, 'no token', none)).toEqual({
        route: routeName(route),
        who: 'no token',
        status: 401,
        code: 'STAFF_TOKEN_MISSING',
      });
      const wrong = await call(route, WRONG_TOKEN);
      expect(describeAnswer(route, 'wrong token', wrong)).toEqual({
        route: routeName(route),
        who: 'wrong token',
        status: 403,
        code: 'STAFF_TOKEN_INVALID',
      });
      // The staff token in the query string is for the event stream alone.
      const inQuery = await call(route, undefined, `?token=${encodeURIComponent(STAFF_TOKEN)}`);
      expect(describeAnswer(route, 'token in query', inQuery)).toEqual({
        route: routeName(route),
        who: 'token in query',
        status: 401,
        code: 'STAFF_TOKEN_MISSING',
      });
      const staff = await call(route, `Bearer ${STAFF_TOKEN}`);
      expect({ ...describeAnswer(route, 'staff', staff), refused: TOKEN_CODES.includes(staff.body?.code) || staff.status >= 500 }).toEqual({
        ...describeAnswer(route, 'staff', staff),
        refused: false,
      });
    }
  });

  it("lets a manager's session cookie read every staff route, and change something only with the session's CSRF token", async () => {
    const manager = await hire(t, 'Ines', 'manager');
    const session = await signIn(t, manager.login, manager.password);
    const staffRoutes = routes.filter((route) => !isPublic(route) && !(routeName(route) in CUSTOMER_LIMITED));
    const answers = [];
    for (const route of staffRoutes) {
      const withCookie = await call(route, undefined, '', session.cookie);
      const refused = [...TOKEN_CODES, 'SESSION_INVALID', 'CSRF_TOKEN_INVALID'].includes(withCookie.body?.code);
      answers.push({ route: routeName(route), refused, code: refused ? withCookie.body?.code : undefined });
    }
    expect(answers).toEqual(
      staffRoutes.map((route) =>
        route.method === 'GET'
          ? { route: routeName(route), refused: false, code: undefined }
          : { route: routeName(route), refused: true, code: 'CSRF_TOKEN_INVALID' },
      ),
    );
    // With the token, no unsafe route turns the session away.
    for (const route of staffRoutes.filter((r) => r.method !== 'GET')) {
      const res = await call(route, undefined, '', session.changes);
      const answer = describeAnswer(route, 'session with CSRF token', res);
      expect({ ...answer, refused: res.status === 401 || res.status === 403 || res.status >= 500 }).toEqual({ ...answer, refused: false });
    }
  });

  it('answers the public routes without a token, and a wrong token changes nothing there', async () => {
    const publicRoutes = routes.filter(isPublic);
    expect(publicRoutes.map(routeName)).toEqual(
      expect.arrayContaining(['GET /menu', 'POST /orders', 'GET /orders/:id', 'GET /orders/:id/timeline', 'POST /orders/:id/cancel']),
    );
    for (const route of publicRoutes) {
      for (const [who, authorization] of [
        ['no token', undefined],
        ['wrong token', WRONG_TOKEN],
      ] as const) {
        const res = await call(route, authorization);
        const answer = describeAnswer(route, who, res);
        // A body the route does not accept may get a 400: what matters is that no token was asked for.
        const refused = TOKEN_CODES.includes(res.body?.code) || res.status === 401 || res.status === 500;
        expect({ ...answer, refused }).toEqual({ ...answer, refused: false });
      }
    }
  });

  it('opens the event stream to anyone for one order, and the whole stream only to staff', async () => {
    for (const [name, parameter] of Object.entries(CUSTOMER_LIMITED)) {
      const route = routes.find((r) => routeName(r) === name);
      if (!route) continue;
      const orderId = await placeOrder(t);
      const limited = await send(port, { method: route.method, path: `${route.path}?${parameter}=${orderId}` });
      expect({ name, status: limited.status, type: limited.headers['content-type'] }).toEqual({
        name,
        status: 200,
        type: expect.stringMatching(/^text\/event-stream/),
      });

      const none = await send(port, { method: route.method, path: route.path });
      expect({ name, status: none.status, code: none.body?.code }).toEqual({ name, status: 401, code: 'STAFF_TOKEN_MISSING' });
      const wrong = await send(port, { method: route.method, path: route.path, headers: { Authorization: WRONG_TOKEN } });
      expect({ name, status: wrong.status, code: wrong.body?.code }).toEqual({ name, status: 403, code: 'STAFF_TOKEN_INVALID' });
      const wrongInQuery = await send(port, { method: route.method, path: `${route.path}?token=not-the-staff-token-0123456789` });
      expect({ name, status: wrongInQuery.status, code: wrongInQuery.body?.code }).toEqual({
        name,
        status: 403,
        code: 'STAFF_TOKEN_INVALID',
      });
      const staff = await send(port, { method: route.method, path: route.path, headers: { Authorization: `Bearer ${STAFF_TOKEN}` } });
      expect({ name, status: staff.status }).toEqual({ name, status: 200 });
    }
  });

  it("gives a customer's order stream that order's events only", async () => {
    const mine = await placeOrder(t);
    const other = await placeOrder(t);
    await runSteps(t, other, [['confirm'], ['pay', { method: 'card' }]]);
    await runSteps(t, mine, [['confirm']]);
    const text = await readStream(port, `/events/stream?orderId=${mine}&lastEventId=0`, 'OrderConfirmed');
    const orderIds = [...text.matchAll(/^data: (.*)$/gm)].map((m) => JSON.parse(m[1]).orderId as string);
    expect(orderIds.length).toBeGreaterThanOrEqual(2);
    expect(new Set(orderIds)).toEqual(new Set([mine]));
  });

  it('answers a path no route has 404 NOT_FOUND, whatever the method and token: nothing catches all', async () => {
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
      for (const authorization of [undefined, `Bearer ${STAFF_TOKEN}`]) {
        const res = await send(port, {
          method,
          path: '/no/such/route',
          headers: authorization
            ? { Authorization: authorization, 'Content-Type': 'application/json' }
            : { 'Content-Type': 'application/json' },
          body: method === 'GET' ? undefined : '{}',
        });
        expect({ method, status: res.status, code: res.body?.code }).toEqual({ method, status: 404, code: 'NOT_FOUND' });
      }
    }
  });

  it('serves the UI pages to anyone: they hold no data, only the API does', async () => {
    for (const page of UI_PAGES) {
      const res = await send(port, { method: 'GET', path: page });
      expect({ page, refused: [401, 403].includes(res.status) || res.status >= 500 }).toEqual({ page, refused: false });
    }
  });

  it('reaches an order only by its id: random v4 UUIDs, and an unknown id is simply not found', async () => {
    const ids = await Promise.all([placeOrder(t), placeOrder(t), placeOrder(t)]);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(3);
    for (const path of [`/orders/${randomUUID()}`, `/orders/${randomUUID()}/timeline`]) {
      const res = await t.http().get(path);
      expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status: 404, code: 'ORDER_NOT_FOUND' });
    }
    // Nothing lets a customer find other orders: the list, its phone filter and the kitchen are staff-only.
    for (const path of ['/orders', '/orders?phone=600111222', '/kitchen/queue', `/orders/${ids[0]}/state?asOf=2030-01-01T00:00:00.000Z`]) {
      expect((await t.http().get(path)).status).toBe(401);
    }
  });

  it('compares the token by its SHA-256 digest in constant time, whatever its length or case of scheme', () => {
    const token = new StaffToken(AppConfig.fromEnv({ NODE_ENV: 'test', STAFF_API_TOKEN: STAFF_TOKEN }));
    expect(token.check(undefined)).toBe('missing');
    expect(token.check('')).toBe('missing');
    expect(token.check(`Bearer ${STAFF_TOKEN}`)).toBe('staff');
    expect(token.check(`bearer ${STAFF_TOKEN} `)).toBe('staff');
    for (const wrong of [
      `Bearer ${STAFF_TOKEN}x`,
      `Bearer ${STAFF_TOKEN.slice(0, -1)}`,
      `Bearer ${STAFF_TOKEN.toUpperCase()}`,
      'Bearer x',
      `Bearer ${'y'.repeat(10_000)}`,
      'Bearer',
      `Basic ${Buffer.from(`staff:${STAFF_TOKEN}`).toString('base64')}`,
      STAFF_TOKEN,
      `Bearer ${STAFF_TOKEN} ${STAFF_TOKEN}`,
    ]) {
      expect({ wrong: wrong.slice(0, 40), verdict: token.check(wrong) }).toEqual({ wrong: wrong.slice(0, 40), verdict: 'invalid' });
    }
  });
});

/** Reads an event stream until `until` shows up (or two seconds pass), then hangs up. */
function readStream(port: number, path: string, until: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const req = httpRequest({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      const done = () => {
        clearTimeout(timer);
        req.destroy();
        resolve(text);
      };
      const timer = setTimeout(done, 2_000);
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        if (text.includes(until)) setTimeout(done, 100);
      });
    });
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? resolve(text) : reject(error)));
    req.end();
  });
}
