import { randomUUID } from 'node:crypto';
import { idempotencyHelpers } from './support/idempotency-helpers.js';
import { countEvents, expectError } from './support/orders-helpers.js';
import { fillPath, registeredRoutes, routeName } from './support/routes.js';
import { MARGHERITA_ORDER } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

describe('Idempotency-Key (e2e)', () => {
  const t = useTestApp();
  const { post } = idempotencyHelpers(t);

  it('refuses a malformed key with 400 before anything is claimed or written', async () => {
    const events = await countEvents(t);
    for (const key of ['', ' ', 'has space', 'x'.repeat(256), 'caf\u00e9']) {
      const res = await t.http().post('/orders').set('Idempotency-Key', key).send(MARGHERITA_ORDER);
      expectError(res, 400, 'VALIDATION_FAILED');
    }
    expect(await countEvents(t)).toBe(events);
    // 255 visible ASCII characters is the longest key taken.
    const longest = `${randomUUID()}${'k'.repeat(219)}`;
    expect(longest).toHaveLength(255);
    expect((await post('/orders', longest, MARGHERITA_ORDER)).status).toBe(201);
  });

  it('honours the header on every POST route the app registers (a malformed key is refused there, with the staff token)', async () => {
    // Signing in and out are not replayable answers: a stored sign-in would keep a session's CSRF token at rest,
    // and a replay would hand back a session without its cookie. They ignore the header (README, Security).
    // An erasure is idempotent by nature, and its stored request fingerprint would be a hash of the phone
    // number it erased (README, Personal data): it ignores the header too.
    const NOT_IDEMPOTENT = ['POST /auth/sign-in', 'POST /auth/sign-out', 'POST /admin/customers/erase'];
    const posts = registeredRoutes(t.app).filter((route) => route.method === 'POST' && !NOT_IDEMPOTENT.includes(routeName(route)));
    expect(posts.length).toBeGreaterThanOrEqual(12);
    for (const route of posts) {
      const path = fillPath(route.path, { id: randomUUID(), name: 'order-details' });
      const res = await t.http().post(path).set(t.staff).set('Idempotency-Key', 'has space').send({});
      expect({ route: routeName(route), status: res.status, message: res.body.message }).toEqual({
        route: routeName(route),
        status: 400,
        message: ['Idempotency-Key must be 1 to 255 visible ASCII characters'],
      });
    }
  });

  it('ignores the header on reads', async () => {
    const res = await t.http().get('/menu').set('Idempotency-Key', 'not used on GET');
    expect(res.status).toBe(200);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
  });
});
