import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createApp } from '../src/bootstrap.js';
import { IdempotencyStore } from '../src/common/idempotency/idempotency.store.js';
import { Database } from '../src/database/database.js';
import { countEvents, expectError, placeOrder, streamOf } from './support/orders-helpers.js';
import { fillPath, registeredRoutes, routeName } from './support/routes.js';
import { MARGHERITA_ORDER, startTestApp, type TestApp } from './support/test-app.js';

/** The same order with every object's keys in another order: the same request to the server. */
const MARGHERITA_REORDERED = {
  items: [{ toppings: ['extra-cheese'], quantity: 2, size: 'large', pizzaId: 'margherita' }],
  customer: { address: 'Calle Mayor 1, Madrid', phone: '+34 600 111 222', name: 'Ana' },
};

interface KeyRow {
  key: string;
  fingerprint: string;
  status: string;
  response_status: number | null;
  created_at: Date;
  locked_until: Date;
  expires_at: Date;
}

/** A second instance of the app on the database of `t`: what a load balancer would send to. */
async function startSibling(t: TestApp): Promise<TestApp> {
  const app = await createApp(t.config, { logger: false });
  await app.init();
  return { ...t, app, http: () => request(app.getHttpServer()), close: () => app.close() };
}

describe('Idempotency-Key (e2e)', () => {
  let t: TestApp;
  let db: Database;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(Database);
  });

  afterAll(async () => {
    await t.close();
  });

  async function keyRow(key: string): Promise<KeyRow | undefined> {
    const [row] = await db.query<KeyRow>('SELECT * FROM idempotency_keys WHERE key = $1', [key]);
    return row;
  }

  function post(path: string, key: string, body: object, app: TestApp = t) {
    return app.http().post(path).set('Idempotency-Key', key).send(body);
  }

  it('answers the same key and body with the first response again, marked as a replay, and writes nothing', async () => {
    const key = randomUUID();
    const first = await post('/orders', key, MARGHERITA_ORDER);
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const events = await countEvents(t);

    for (const body of [MARGHERITA_ORDER, MARGHERITA_REORDERED]) {
      const again = await post('/orders', key, body);
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers.etag).toBe(first.headers.etag);
      expect(again.headers.location).toBe(first.headers.location);
      expect(again.headers['idempotent-replayed']).toBe('true');
    }

    expect(await countEvents(t)).toBe(events);
    expect((await streamOf(t, first.body.orderId)).map((e) => e.type)).toEqual(['OrderPlaced']);
    expect(await keyRow(key)).toMatchObject({ status: 'done', response_status: 201 });
  });

  it('replays a staff command with its 200, version and ETag', async () => {
    const orderId = await placeOrder(t);
    const key = randomUUID();
    const first = await post(`/orders/${orderId}/confirm`, key, { kitchenNotes: 'crispy' }).set(t.staff);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ orderId, version: 2, position: expect.any(Number) });
    const events = await countEvents(t);

    const again = await post(`/orders/${orderId}/confirm`, key, { kitchenNotes: 'crispy' }).set(t.staff);
    expect({ status: again.status, body: again.body, etag: again.headers.etag }).toEqual({
      status: 200,
      body: first.body,
      etag: '"2"',
    });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await countEvents(t)).toBe(events);
  });

  it('answers 422 IDEMPOTENCY_KEY_REUSED to the same key with another body or on another route, writing nothing', async () => {
    const key = randomUUID();
    const first = await post('/orders', key, MARGHERITA_ORDER);
    expect(first.status).toBe(201);
    const events = await countEvents(t);

    const otherBody = await post('/orders', key, { ...MARGHERITA_ORDER, notes: 'ring twice' });
    expectError(otherBody, 422, 'IDEMPOTENCY_KEY_REUSED');
    const otherRoute = await post(`/orders/${first.body.orderId}/cancel`, key, { reason: 'oops' });
    expectError(otherRoute, 422, 'IDEMPOTENCY_KEY_REUSED');

    expect(await countEvents(t)).toBe(events);
    // The first answer is still the one kept.
    const again = await post('/orders', key, MARGHERITA_ORDER);
    expect(again.body).toEqual(first.body);
  });

  it('answers 409 IDEMPOTENCY_KEY_IN_FLIGHT while the first request with the key is still running', async () => {
    // The fingerprint the server takes of this request, read back from a first use of it.
    const probe = randomUUID();
    expect((await post('/orders', probe, MARGHERITA_ORDER)).status).toBe(201);
    const { fingerprint } = (await keyRow(probe))!;

    const key = randomUUID();
    const store = t.app.get(IdempotencyStore);
    const claim = await store.claim(key, fingerprint);
    expect(claim.kind).toBe('claimed');
    const events = await countEvents(t);

    const meanwhile = await post('/orders', key, MARGHERITA_ORDER);
    expectError(meanwhile, 409, 'IDEMPOTENCY_KEY_IN_FLIGHT');
    // Another body is a different request, whatever the first is doing.
    expectError(await post('/orders', key, { ...MARGHERITA_ORDER, notes: 'x' }), 422, 'IDEMPOTENCY_KEY_REUSED');
    expect(await countEvents(t)).toBe(events);

    // The claimant died without writing: once its lease has run out, a retry takes the key over.
    await db.query(`UPDATE idempotency_keys SET locked_until = now() - interval '1 second' WHERE key = $1`, [key]);
    const retried = await post('/orders', key, MARGHERITA_ORDER);
    expect(retried.status).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(await countEvents(t)).toBe(events + 1);
  });

  it('frees only its own claim: a request that outlived its lease cannot release the retry that took over', async () => {
    const store = t.app.get(IdempotencyStore);
    const key = randomUUID();
    const stale = await store.claim(key, 'fingerprint-a');
    await db.query(`UPDATE idempotency_keys SET locked_until = now() - interval '1 second' WHERE key = $1`, [key]);
    const current = await store.claim(key, 'fingerprint-a');
    expect(current.kind).toBe('claimed');
    if (stale.kind !== 'claimed' || current.kind !== 'claimed') throw new Error('expected two claims');
    expect(current.lease).not.toBe(stale.lease);

    await store.release(key, stale.lease);
    expect(await keyRow(key)).toMatchObject({ status: 'in_flight' });
    await expect(store.claim(key, 'fingerprint-a')).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_IN_FLIGHT' });

    await store.release(key, current.lease);
    expect(await keyRow(key)).toBeUndefined();
  });

  it('frees the key of a request that was refused, so a corrected retry with it goes through once', async () => {
    const key = randomUUID();
    const events = await countEvents(t);
    const refused = await post('/orders', key, { ...MARGHERITA_ORDER, items: [] });
    expectError(refused, 400, 'VALIDATION_FAILED');
    expect(await keyRow(key)).toBeUndefined();

    const corrected = await post('/orders', key, MARGHERITA_ORDER);
    expect(corrected.status).toBe(201);
    expect((await post('/orders', key, MARGHERITA_ORDER)).headers['idempotent-replayed']).toBe('true');
    expect(await countEvents(t)).toBe(events + 1);

    // A state conflict is a refusal too: nothing was written, nothing is kept.
    const cancelKey = randomUUID();
    await t.http().post(`/orders/${corrected.body.orderId}/confirm`).set(t.staff).send({}).expect(200);
    const late = await post(`/orders/${corrected.body.orderId}/cancel`, cancelKey, { reason: 'too slow' });
    expect(late.status).toBe(403);
    expect(await keyRow(cancelKey)).toBeUndefined();
  });

  it('commits the stored answer with the events: when keeping the answer fails, the events are rolled back too', async () => {
    const key = `atomic-${randomUUID()}`;
    await db.query(`
      CREATE FUNCTION refuse_idempotency_answer() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.status = 'done' AND NEW.key LIKE 'atomic-%' THEN RAISE EXCEPTION 'injected failure'; END IF;
        RETURN NEW;
      END $$`);
    await db.query(`CREATE TRIGGER refuse_idempotency_answer BEFORE UPDATE ON idempotency_keys
                    FOR EACH ROW EXECUTE FUNCTION refuse_idempotency_answer()`);
    const events = await countEvents(t);
    try {
      const failed = await post('/orders', key, MARGHERITA_ORDER);
      expectError(failed, 500, 'INTERNAL_ERROR');
      expect(await countEvents(t)).toBe(events);
      expect(await keyRow(key)).toBeUndefined();
    } finally {
      await db.query('DROP TRIGGER refuse_idempotency_answer ON idempotency_keys');
      await db.query('DROP FUNCTION refuse_idempotency_answer()');
    }
    const retried = await post('/orders', key, MARGHERITA_ORDER);
    expect(retried.status).toBe(201);
    expect(await countEvents(t)).toBe(events + 1);
  });

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
    const posts = registeredRoutes(t.app).filter((route) => route.method === 'POST');
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

  it('keeps keys in PostgreSQL for at least 24 hours; an expired key starts afresh and is purged', async () => {
    const key = randomUUID();
    expect((await post('/orders', key, MARGHERITA_ORDER)).status).toBe(201);
    const row = (await keyRow(key))!;
    expect(row.expires_at.getTime() - row.created_at.getTime()).toBeGreaterThanOrEqual(24 * 3600_000);

    await db.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = $1`, [key]);
    const events = await countEvents(t);
    const reused = await post('/orders', key, { ...MARGHERITA_ORDER, notes: 'a new day' });
    expect(reused.status).toBe(201);
    expect(await countEvents(t)).toBe(events + 1);

    const old = randomUUID();
    expect((await post('/orders', old, MARGHERITA_ORDER)).status).toBe(201);
    await db.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = $1`, [old]);
    expect(await t.app.get(IdempotencyStore).purgeExpired()).toBeGreaterThanOrEqual(1);
    expect(await keyRow(old)).toBeUndefined();
    expect(await keyRow(key)).toBeDefined();
  });

  it('lets exactly one of 12 concurrent requests with the same key write; the rest replay it or hear 409', async () => {
    const key = randomUUID();
    const events = await countEvents(t);
    const responses = await Promise.all(Array.from({ length: 12 }, () => post('/orders', key, MARGHERITA_ORDER)));

    const fresh = responses.filter((r) => r.status === 201 && r.headers['idempotent-replayed'] === undefined);
    const replayed = responses.filter((r) => r.status === 201 && r.headers['idempotent-replayed'] === 'true');
    const inFlight = responses.filter((r) => r.status === 409);
    expect(fresh).toHaveLength(1);
    expect(replayed.length + inFlight.length).toBe(11);
    for (const res of replayed) expect(res.body).toEqual(fresh[0].body);
    for (const res of inFlight) expectError(res, 409, 'IDEMPOTENCY_KEY_IN_FLIGHT');
    expect(await countEvents(t)).toBe(events + 1);
  });

  it('holds across two app instances on one database, and across a restart', async () => {
    const key = randomUUID();
    const sibling = await startSibling(t);
    let restarted: TestApp | undefined;
    try {
      const first = await post('/orders', key, MARGHERITA_ORDER, t);
      expect(first.status).toBe(201);
      const events = await countEvents(t);

      const elsewhere = await post('/orders', key, MARGHERITA_ORDER, sibling);
      expect(elsewhere.status).toBe(201);
      expect(elsewhere.body).toEqual(first.body);
      expect(elsewhere.headers['idempotent-replayed']).toBe('true');
      expectError(await post('/orders', key, { ...MARGHERITA_ORDER, notes: 'x' }, sibling), 422, 'IDEMPOTENCY_KEY_REUSED');

      // A key first used on the sibling is known here too.
      const other = randomUUID();
      const there = await post('/orders', other, MARGHERITA_ORDER, sibling);
      expect(there.status).toBe(201);
      expect((await post('/orders', other, MARGHERITA_ORDER, t)).body).toEqual(there.body);

      await sibling.close();
      restarted = await startSibling(t);
      const afterRestart = await post('/orders', key, MARGHERITA_ORDER, restarted);
      expect(afterRestart.status).toBe(201);
      expect(afterRestart.body).toEqual(first.body);
      expect(afterRestart.headers['idempotent-replayed']).toBe('true');
      expect(await countEvents(t)).toBe(events + 1);
    } finally {
      await restarted?.close();
      await sibling.close().catch(() => undefined);
    }
  });
});
