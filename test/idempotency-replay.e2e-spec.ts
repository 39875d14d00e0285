import { randomUUID } from 'node:crypto';
import { IdempotencyStore } from '../src/common/idempotency/idempotency.store.js';
import { Database } from '../src/database/database.js';
import { MARGHERITA_REORDERED, idempotencyHelpers } from './support/idempotency-helpers.js';
import { countEvents, expectError, placeOrder, streamOf } from './support/orders-helpers.js';
import { MARGHERITA_ORDER } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

describe('Idempotency-Key (e2e)', () => {
  const t = useTestApp();
  const { keyRow, post } = idempotencyHelpers(t);
  let db: Database;

  beforeAll(() => {
    db = t.app.get(Database);
  });

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
});
