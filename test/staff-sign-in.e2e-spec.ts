import { Database } from '../src/database/database.js';
import { expectError, placeOrder, streamOf } from './support/orders-helpers.js';
import { hire, passwordOf, sessionCookieIn, signIn, type StaffMember } from './support/staff-helpers.js';
import { useTestApp } from './support/use-test-app.js';

/**
 * Password sign-in for the web UI: a server-side session in an HttpOnly
 * cookie, CSRF tokens on every change it authorises, sign-out, expiry and
 * the end of a session when its account changes. (Attempt limits are
 * staff-sign-in-limits.e2e-spec.ts's.)
 */
describe('staff sign-in: sessions, CSRF, sign-out and expiry (e2e)', () => {
  const t = useTestApp();
  const db = () => t.app.get(Database);

  /** The status and code of an answer, for one-line expectations. */
  const outcome = (res: { status: number; body: { code?: string } }) => ({ status: res.status, code: res.body?.code });

  it('signs in with a password: an HttpOnly, SameSite=Strict session cookie, a CSRF token and the routes the role may call', async () => {
    const maria = await hire(t, 'Maria', 'counter');
    const res = await t.http().post('/auth/sign-in').send({ login: maria.login, password: maria.password });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const [setCookie] = res.headers['set-cookie'] as unknown as string[];
    expect(setCookie).toMatch(/^pizzeria_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    expect(res.body).toEqual({
      staff: { id: maria.id, login: maria.login, name: 'Maria', role: 'counter' },
      via: 'session',
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      expiresAt: expect.any(String),
      routes: expect.arrayContaining(['POST /orders/{id}/confirm', 'POST /orders/{id}/pay', 'GET /orders', 'GET /auth/session']),
    });
    expect(res.body.routes).not.toContain('POST /orders/{id}/start-cooking');
    expect(res.body.routes).not.toContain('GET /analytics/summary');
    expect(Date.parse(res.body.expiresAt) - Date.now()).toBeGreaterThan(43_100_000);

    // The database keeps the cookie's hash, never the cookie; the account's password only as argon2id.
    const value = sessionCookieIn(setCookie)!.split('=')[1];
    const [stored] = await db().query<{ sessions: number; plain: number; hash: string }>(
      `SELECT (SELECT count(*)::int FROM staff_sessions WHERE account_id = $1) AS sessions,
              (SELECT count(*)::int FROM staff_sessions WHERE id_hash = convert_to($2, 'UTF8')) AS plain,
              (SELECT password_hash FROM staff_accounts WHERE id = $1) AS hash`,
      [maria.id, value],
    );
    expect(stored).toEqual({ sessions: 1, plain: 0, hash: expect.stringMatching(/^\$argon2id\$/) });
    const listed = await t.http().get('/admin/staff').set(t.staff);
    expect(JSON.stringify(listed.body)).not.toMatch(/argon2|password_hash|pw-/);
    expect(listed.body.find((a: { id: string }) => a.id === maria.id)).toMatchObject({ hasPassword: true });

    const session = await t
      .http()
      .get('/auth/session')
      .set({ Cookie: sessionCookieIn(setCookie)! });
    expect(session.status).toBe(200);
    expect(session.body).toEqual({ ...res.body, routes: res.body.routes });
  });

  it('answers every failed sign-in alike, 401 SIGN_IN_FAILED: wrong password, unknown login, disabled account, no password', async () => {
    const sam = await hire(t, 'Sam', 'driver');
    const off = await hire(t, 'Off', 'counter');
    await t.http().patch(`/admin/staff/${off.id}`).set(t.staff).send({ enabled: false }).expect(200);
    const tokensOnly = (await t.http().post('/admin/staff').set(t.staff).send({ login: 'tokens-only', name: 'Wall', role: 'kitchen' }))
      .body;
    expect(tokensOnly.hasPassword).toBe(false);

    const attempts = [
      { login: sam.login, password: 'not-the-password' },
      { login: 'nobody-here', password: 'not-the-password' },
      { login: off.login, password: off.password },
      { login: 'tokens-only', password: 'any-password-at-all' },
    ];
    const answers = [];
    for (const attempt of attempts) answers.push(await t.http().post('/auth/sign-in').send(attempt));
    for (const res of answers) {
      expectError(res, 401, 'SIGN_IN_FAILED');
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    expect(new Set(answers.map((res) => res.text)).size).toBe(1);
    const [{ n }] = await db().query<{ n: number }>('SELECT count(*)::int AS n FROM staff_sessions');
    expect(n).toBe(1); // the first test's, no more

    expectError(await t.http().post('/auth/sign-in').send({ login: sam.login }), 400, 'VALIDATION_FAILED');
    expectError(
      await t
        .http()
        .post('/auth/sign-in')
        .send({ login: 7, password: ['x'] }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('lets a cookie change something only with its own CSRF token (403 CSRF_TOKEN_INVALID otherwise, nothing written)', async () => {
    const maria = await hire(t, 'Maria', 'counter');
    const [mine, other] = [await signIn(t, maria.login, maria.password), await signIn(t, maria.login, maria.password)];
    const orderId = await placeOrder(t);
    const confirm = () => t.http().post(`/orders/${orderId}/confirm`);

    expectError(await confirm().set(mine.cookie).send({}), 403, 'CSRF_TOKEN_INVALID');
    expectError(
      await confirm()
        .set({ ...mine.cookie, 'X-CSRF-Token': other.csrfToken })
        .send({}),
      403,
      'CSRF_TOKEN_INVALID',
    );
    expectError(
      await confirm()
        .set({ ...mine.cookie, 'X-CSRF-Token': `${mine.csrfToken}x` })
        .send({}),
      403,
      'CSRF_TOKEN_INVALID',
    );
    expect((await streamOf(t, orderId)).map((e) => e.type)).toEqual(['OrderPlaced']);

    expect((await confirm().set(mine.changes).send({})).status).toBe(200);
    const [, confirmed] = await streamOf(t, orderId);
    expect(confirmed.metadata.actor).toEqual({ kind: 'staff', id: maria.id, name: 'Maria', role: 'counter' });
    // Reads need no CSRF token; a route open to anyone treats a cookie without one as a customer.
    expect((await t.http().get('/orders?status=CONFIRMED').set(mine.cookie)).status).toBe(200);
    const placed = await t
      .http()
      .post('/orders')
      .set(mine.cookie)
      .send({
        customer: { name: 'Ada', phone: '+44 20 7946 0000', address: '1 Analytical St' },
        items: [{ pizzaId: 'margherita', size: 'medium', quantity: 1 }],
      });
    expect(placed.status).toBe(201);
    expect((await streamOf(t, placed.body.orderId))[0].metadata.actor).toEqual({ kind: 'customer' });
  });

  it('signs out on the server: the old cookie is refused everywhere at once, and sign-out itself needs the CSRF token', async () => {
    const luca = await hire(t, 'Luca', 'kitchen');
    const session = await signIn(t, luca.login, luca.password);

    expectError(await t.http().post('/auth/sign-out').set(session.cookie), 403, 'CSRF_TOKEN_INVALID');
    expect((await t.http().get('/auth/session').set(session.cookie)).status).toBe(200);

    const out = await t.http().post('/auth/sign-out').set(session.changes);
    expect(out.status).toBe(204);
    expect((out.headers['set-cookie'] as unknown as string[])[0]).toBe('pizzeria_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0');
    expectError(await t.http().get('/auth/session').set(session.cookie), 401, 'SESSION_INVALID');
    expectError(await t.http().get('/kitchen/queue').set(session.cookie), 401, 'SESSION_INVALID');
    expectError(
      await t
        .http()
        .post(`/orders/${await placeOrder(t)}/start-cooking`)
        .set(session.changes)
        .send({}),
      401,
      'SESSION_INVALID',
    );
    // Signing out again, or with a bearer token, has nothing to end.
    expect((await t.http().post('/auth/sign-out').set(session.changes)).status).toBe(204);
    expect((await t.http().post('/auth/sign-out').set(luca.auth)).status).toBe(204);
    expect((await t.http().get('/auth/session').set(luca.auth)).body).toMatchObject({ via: 'token', csrfToken: null, expiresAt: null });
  });

  it('ends a session idle too long, or too long after sign-in: 401 SESSION_EXPIRED', async () => {
    const maria = await hire(t, 'Maria', 'counter');
    const idle = await signIn(t, maria.login, maria.password);
    const old = await signIn(t, maria.login, maria.password);
    const fresh = await signIn(t, maria.login, maria.password);
    const hashOf = (cookie: string) => cookie.split('=')[1];
    // Moving the clock of a session back stands in for waiting hours.
    await db().query(
      `UPDATE staff_sessions SET last_seen_at = now() - interval '7201 seconds' WHERE id_hash = sha256(convert_to($1, 'UTF8'))`,
      [hashOf(idle.cookie.Cookie)],
    );
    await db().query(`UPDATE staff_sessions SET expires_at = now() - interval '1 second' WHERE id_hash = sha256(convert_to($1, 'UTF8'))`, [
      hashOf(old.cookie.Cookie),
    ]);
    expectError(await t.http().get('/orders').set(idle.cookie), 401, 'SESSION_EXPIRED');
    expectError(await t.http().get('/orders').set(old.cookie), 401, 'SESSION_EXPIRED');
    expect((await t.http().get('/orders').set(fresh.cookie)).status).toBe(200);
  });

  it("refuses a disabled account's open session (403 STAFF_ACCOUNT_DISABLED); enabled again, it signs in afresh", async () => {
    const sam: StaffMember = await hire(t, 'Sam', 'driver');
    const session = await signIn(t, sam.login, sam.password);
    await t.http().patch(`/admin/staff/${sam.id}`).set(t.staff).send({ enabled: false }).expect(200);
    expectError(await t.http().get('/kitchen/queue').set(session.cookie), 403, 'STAFF_ACCOUNT_DISABLED');
    await t.http().patch(`/admin/staff/${sam.id}`).set(t.staff).send({ enabled: true }).expect(200);
    expectError(await t.http().get('/kitchen/queue').set(session.cookie), 401, 'SESSION_INVALID');
    expect((await signIn(t, sam.login, sam.password)).body).toMatchObject({ staff: { id: sam.id } });
  });

  it('sets a password as an event with no secret in it, ending the sessions opened with the old one', async () => {
    const ines = await hire(t, 'Ines', 'manager');
    const session = await signIn(t, ines.login, ines.password);
    const res = await t.http().put(`/admin/staff/${ines.id}/password`).set(t.staff).send({ password: 'a brand new passphrase' });
    expect(res.status).toBe(204);
    expectError(await t.http().get('/auth/session').set(session.cookie), 401, 'SESSION_INVALID');
    expectError(
      await t
        .http()
        .post('/auth/sign-in')
        .send({ login: ines.login, password: passwordOf(ines.login) }),
      401,
      'SIGN_IN_FAILED',
    );
    await signIn(t, ines.login, 'a brand new passphrase');

    const events = await db().query<{ type: string; data: unknown; metadata: { actor: unknown } }>(
      'SELECT type, data, metadata FROM events WHERE stream_id = $1 ORDER BY version',
      [`staff-${ines.id}`],
    );
    expect(events.map((e) => e.type)).toEqual(['StaffAccountCreated', 'StaffTokenCreated', 'StaffPasswordSet']);
    expect(events[2].data).toEqual({ accountId: ines.id });
    expect(JSON.stringify(events)).not.toMatch(/passphrase|argon2|pw-/);
    expect((await t.http().get(`/admin/staff/${ines.id}`).set(t.staff)).body.version).toBe(3);

    expectError(await t.http().put(`/admin/staff/${ines.id}/password`).set(t.staff).send({ password: 'short' }), 400, 'VALIDATION_FAILED');
    const unknown = '00000000-0000-4000-8000-000000000000';
    expectError(
      await t.http().put(`/admin/staff/${unknown}/password`).set(t.staff).send({ password: 'long enough now' }),
      404,
      'STAFF_ACCOUNT_NOT_FOUND',
    );
    expect(outcome(await t.http().put(`/admin/staff/${ines.id}/password`).set(ines.auth).send({ password: 'long enough now' }))).toEqual({
      status: 204,
      code: undefined,
    });
  });
});

describe('staff sign-in in production (e2e)', () => {
  const t = useTestApp({
    nodeEnv: 'production',
    webhookSecretKeys: [{ id: 'k1', key: Buffer.alloc(32, 7) }],
    piiMasterKey: Buffer.alloc(32, 9),
  });

  it('marks the session cookie Secure, and clears it Secure too', async () => {
    const maria = await hire(t, 'Maria', 'counter');
    const res = await t.http().post('/auth/sign-in').send({ login: maria.login, password: maria.password });
    expect(res.status).toBe(200);
    expect((res.headers['set-cookie'] as unknown as string[])[0]).toMatch(/; HttpOnly; SameSite=Strict; Max-Age=43200; Secure$/);
    const out = await t
      .http()
      .post('/auth/sign-out')
      .set({ Cookie: sessionCookieIn(res.headers['set-cookie'])!, 'X-CSRF-Token': res.body.csrfToken });
    expect(out.status).toBe(204);
    expect((out.headers['set-cookie'] as unknown as string[])[0]).toBe(
      'pizzeria_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure',
    );
  });
});
