import { randomUUID } from 'node:crypto';
import { IdempotencyStore } from '../src/common/idempotency/idempotency.store.js';
import { Database } from '../src/database/database.js';
import { idempotencyHelpers } from './support/idempotency-helpers.js';
import { countEvents, expectError } from './support/orders-helpers.js';
import { startSibling } from './support/sibling-app.js';
import { MARGHERITA_ORDER, type TestApp } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

describe('Idempotency-Key (e2e)', () => {
  const t = useTestApp();
  const { keyRow, post } = idempotencyHelpers(t);
  let db: Database;

  beforeAll(() => {
    db = t.app.get(Database);
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
