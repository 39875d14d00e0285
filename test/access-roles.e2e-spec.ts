import { STAFF_ROLES, type StaffRole } from '../src/common/auth/staff-roles.js';
import { Database } from '../src/database/database.js';
import { placeOrder, runSteps } from './support/orders-helpers.js';
import { listen, send, type RawResponse } from './support/raw-http.js';
import { hire, hireOneOfEach, type StaffMember } from './support/staff-helpers.js';
import { MARGHERITA_ORDER, startTestApp, type TestApp } from './support/test-app.js';

/**
 * The route × role matrix of the README, every cell tested: each route of the
 * OpenAPI document, called by a member of staff of each role with a fixture
 * of its own (a fresh order in the state the route needs, a fresh webhook or
 * account), answers 2xx to the roles it is for and 403 ROLE_NOT_ALLOWED, with
 * nothing written, to the others. A route in the document without a row here
 * fails the test: access is decided on purpose. (Customers, wrong tokens and
 * missing ones are access.e2e-spec.ts's.)
 */
type Who = readonly StaffRole[] | 'anyone';

interface Row {
  readonly allowed: Who;
  /** Makes what the call needs and returns the request to send. */
  readonly request: (t: TestApp) => Promise<{ path: string; body?: object }>;
}

const ALL_STAFF = STAFF_ROLES;
const MANAGER: readonly StaffRole[] = ['manager'];

const order =
  (steps: Array<[string, object?]> = []) =>
  async (t: TestApp) => {
    const id = await placeOrder(t);
    await runSteps(t, id, steps);
    return id;
  };
const PENDING = order();
const CONFIRMED = order([['confirm']]);
const COOKING = order([['confirm'], ['start-cooking']]);
const READY = order([['confirm'], ['start-cooking'], ['ready']]);
const OUT_FOR_DELIVERY = order([['confirm'], ['start-cooking'], ['ready'], ['dispatch']]);

const onOrder = (state: (t: TestApp) => Promise<string>, path: (id: string) => string, body?: object) => async (t: TestApp) => ({
  path: path(await state(t)),
  body,
});
const at = (path: string, body?: object) => () => Promise.resolve({ path, body });

async function webhookId(t: TestApp): Promise<string> {
  const res = await t
    .http()
    .post('/admin/webhooks')
    .set(t.staff)
    .send({ url: 'http://127.0.0.1:9/hook', eventTypes: ['OrderPlaced'] });
  return res.body.id as string;
}
const account = (t: TestApp) => hire(t, 'Fixture', 'counter');

const MATRIX: Record<string, Row> = {
  'POST /orders': { allowed: 'anyone', request: at('/orders', MARGHERITA_ORDER) },
  'GET /orders': { allowed: ALL_STAFF, request: at('/orders?status=PENDING') },
  'GET /orders/{id}': {
    allowed: 'anyone',
    request: async (t) => {
      const placed = await t.http().post('/orders').send(MARGHERITA_ORDER);
      return { path: `/orders/${placed.body.orderId}?minPosition=${placed.body.position}` };
    },
  },
  'GET /orders/{id}/timeline': { allowed: 'anyone', request: onOrder(PENDING, (id) => `/orders/${id}/timeline`) },
  'GET /orders/{id}/state': {
    allowed: ALL_STAFF,
    request: onOrder(PENDING, (id) => `/orders/${id}/state?asOf=${new Date(Date.now() + 60_000).toISOString()}`),
  },
  'POST /orders/{id}/confirm': { allowed: ['counter', 'manager'], request: onOrder(PENDING, (id) => `/orders/${id}/confirm`, {}) },
  'POST /orders/{id}/pay': { allowed: ['counter', 'manager'], request: onOrder(PENDING, (id) => `/orders/${id}/pay`, { method: 'cash' }) },
  'POST /orders/{id}/discount': {
    allowed: ['counter', 'manager'],
    request: onOrder(PENDING, (id) => `/orders/${id}/discount`, { code: 'WELCOME10' }),
  },
  'POST /orders/{id}/start-cooking': {
    allowed: ['kitchen', 'manager'],
    request: onOrder(CONFIRMED, (id) => `/orders/${id}/start-cooking`, {}),
  },
  'POST /orders/{id}/ready': { allowed: ['kitchen', 'manager'], request: onOrder(COOKING, (id) => `/orders/${id}/ready`, {}) },
  'POST /orders/{id}/dispatch': { allowed: ['driver', 'manager'], request: onOrder(READY, (id) => `/orders/${id}/dispatch`, {}) },
  // The counter hands pickup orders over; drivers deliver.
  'POST /orders/{id}/deliver': {
    allowed: ['counter', 'driver', 'manager'],
    request: onOrder(OUT_FOR_DELIVERY, (id) => `/orders/${id}/deliver`, {}),
  },
  'POST /orders/{id}/cancel': {
    allowed: ['counter', 'manager'],
    request: onOrder(CONFIRMED, (id) => `/orders/${id}/cancel`, { reason: 'oven broke' }),
  },
  'GET /kitchen/queue': { allowed: ALL_STAFF, request: at('/kitchen/queue') },
  'GET /analytics/summary': { allowed: MANAGER, request: at('/analytics/summary') },
  'GET /events/stream': { allowed: ALL_STAFF, request: at('/events/stream') },
  'GET /events/schemas': { allowed: 'anyone', request: at('/events/schemas') },
  'GET /menu': { allowed: 'anyone', request: at('/menu') },
  'POST /menu/quote': { allowed: 'anyone', request: at('/menu/quote', { items: MARGHERITA_ORDER.items }) },
  'GET /health': { allowed: 'anyone', request: at('/health') },
  'GET /health/live': { allowed: 'anyone', request: at('/health/live') },
  'GET /metrics': { allowed: 'anyone', request: at('/metrics') },
  'GET /admin/projections': { allowed: MANAGER, request: at('/admin/projections') },
  'POST /admin/projections/{name}/rebuild': { allowed: MANAGER, request: at('/admin/projections/kitchen-queue/rebuild', {}) },
  'POST /admin/webhooks': {
    allowed: MANAGER,
    request: at('/admin/webhooks', { url: 'http://127.0.0.1:9/hook', eventTypes: ['OrderPlaced'] }),
  },
  'GET /admin/webhooks': { allowed: MANAGER, request: at('/admin/webhooks') },
  'GET /admin/webhooks/{id}': { allowed: MANAGER, request: async (t) => ({ path: `/admin/webhooks/${await webhookId(t)}` }) },
  'DELETE /admin/webhooks/{id}': { allowed: MANAGER, request: async (t) => ({ path: `/admin/webhooks/${await webhookId(t)}` }) },
  'POST /admin/webhooks/{id}/rotate-secret': {
    allowed: MANAGER,
    request: async (t) => ({ path: `/admin/webhooks/${await webhookId(t)}/rotate-secret` }),
  },
  'POST /admin/customers/erase': { allowed: MANAGER, request: at('/admin/customers/erase', { phone: '+34 699 000 002' }) },
  'GET /admin/customers/export': { allowed: MANAGER, request: at('/admin/customers/export?phone=%2B34699000002') },
  'POST /admin/staff': {
    allowed: MANAGER,
    request: at('/admin/staff', { login: `new-${Math.random().toString(36).slice(2, 8)}`, name: 'New', role: 'driver' }),
  },
  'GET /admin/staff': { allowed: MANAGER, request: at('/admin/staff') },
  'GET /admin/staff/{id}': { allowed: MANAGER, request: async (t) => ({ path: `/admin/staff/${(await account(t)).id}` }) },
  'PATCH /admin/staff/{id}': {
    allowed: MANAGER,
    request: async (t) => ({ path: `/admin/staff/${(await account(t)).id}`, body: { role: 'kitchen' } }),
  },
  'POST /admin/staff/{id}/tokens': {
    allowed: MANAGER,
    request: async (t) => ({ path: `/admin/staff/${(await account(t)).id}/tokens`, body: { label: 'x' } }),
  },
  'PUT /admin/staff/{id}/password': {
    allowed: MANAGER,
    request: async (t) => ({ path: `/admin/staff/${(await account(t)).id}/password`, body: { password: 'a new passphrase' } }),
  },
  // Signing in is for anyone with a password; who the request already is does not matter.
  'POST /auth/sign-in': {
    allowed: 'anyone',
    request: async (t) => {
      const member = await account(t);
      return { path: '/auth/sign-in', body: { login: member.login, password: member.password } };
    },
  },
  'GET /auth/session': { allowed: ALL_STAFF, request: at('/auth/session') },
  'POST /auth/sign-out': { allowed: 'anyone', request: at('/auth/sign-out') },
  'GET /admin/staff/{id}/tokens': { allowed: MANAGER, request: async (t) => ({ path: `/admin/staff/${(await account(t)).id}/tokens` }) },
  'DELETE /admin/staff/{id}/tokens/{tokenId}': {
    allowed: MANAGER,
    request: async (t) => {
      const member = await account(t);
      return { path: `/admin/staff/${member.id}/tokens/${member.tokenId}` };
    },
  },
};

/** Everything a refused call could have written. */
async function footprint(t: TestApp): Promise<string> {
  const [row] = await t.app.get(Database).query(
    `SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM webhooks WHERE deleted_at IS NULL) AS webhooks,
            (SELECT coalesce(sum(secret_version), 0) FROM webhooks) AS rotations,
            (SELECT count(*) FROM staff_accounts) AS accounts, (SELECT count(*) FROM staff_tokens WHERE revoked_at IS NULL) AS tokens,
            (SELECT string_agg(role || enabled || md5(coalesce(password_hash, '')), ',' ORDER BY id) FROM staff_accounts) AS roles,
            (SELECT count(*) FROM staff_sessions) AS sessions`,
  );
  return JSON.stringify(row);
}

describe('access: the route × role matrix, every cell (e2e)', () => {
  let t: TestApp;
  let port: number;
  let staff: Record<StaffRole, StaffMember>;
  let documented: string[];

  beforeAll(async () => {
    t = await startTestApp({ webhookAllowedHosts: ['127.0.0.1'] });
    port = await listen(t.app);
    staff = await hireOneOfEach(t);
    const document = (await t.http().get('/docs-json')).body as { paths: Record<string, Record<string, unknown>> };
    documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
  });

  afterAll(async () => {
    await t.close();
  });

  it('has a row for every route of the OpenAPI document, and none for a route it does not have', () => {
    expect([...documented].sort()).toEqual(Object.keys(MATRIX).sort());
  });

  it.each(Object.entries(MATRIX))('%s', async (route, row) => {
    const method = route.split(' ')[0];
    const cells: Array<{ role: StaffRole; status: number; code?: string; wrote?: boolean }> = [];
    for (const role of STAFF_ROLES) {
      const allowed = row.allowed === 'anyone' || row.allowed.includes(role);
      const { path, body } = await row.request(t);
      const before = await footprint(t);
      const res: RawResponse = await send(port, {
        method,
        path,
        headers: { ...staff[role].auth, ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const refused = { status: res.status, code: (res.body as { code?: string } | undefined)?.code };
      if (allowed) {
        cells.push({
          role,
          status: res.status >= 200 && res.status < 300 ? 200 : res.status,
          code: res.status >= 300 ? refused.code : undefined,
        });
      } else {
        cells.push({ role, ...refused, wrote: (await footprint(t)) !== before });
      }
    }
    expect(cells).toEqual(
      STAFF_ROLES.map((role) =>
        row.allowed === 'anyone' || row.allowed.includes(role)
          ? { role, status: 200, code: undefined }
          : { role, status: 403, code: 'ROLE_NOT_ALLOWED', wrote: false },
      ),
    );
  });
});
