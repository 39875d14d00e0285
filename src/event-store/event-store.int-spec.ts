import { openDatabaseFixture, type DatabaseFixture } from '../../test/support/database-fixture.js';
import { waitUntil } from '../../test/support/projection-helpers.js';
import { EventRegistry } from './event-registry.js';
import { SnapshotStore } from './snapshot-store.js';
import { ConcurrencyError } from './event-store.errors.js';
import { EventStore } from './event-store.js';
import { LOG_START, type LogCheckpoint, type RecordedEvent } from './event-types.js';

class ThingHappened {
  static readonly type = 'ThingHappened';
  static readonly schemaVersion = 1;
  constructor(readonly data: { n: number }) {}
}

/** v1 had `label`; v2 renamed it `name`; v3 added `colour`. */
class ThingRenamed {
  static readonly type = 'ThingRenamed';
  static readonly schemaVersion = 3;
  constructor(readonly data: { name: string; colour: string }) {}
}

describe('EventStore on PostgreSQL', () => {
  let fixture: DatabaseFixture;
  let store: EventStore;
  let registry: EventRegistry;

  beforeAll(async () => {
    fixture = await openDatabaseFixture();
    registry = new EventRegistry();
    registry.register(ThingHappened);
    registry.register(ThingRenamed, {
      1: ({ label }: { label: string }) => ({ name: label }),
      2: (data: { name: string }) => ({ ...data, colour: 'red' }),
    });
    store = new EventStore(fixture.db, registry);
  });

  afterAll(() => fixture.close());

  async function readEverything(from: LogCheckpoint = LOG_START): Promise<RecordedEvent[]> {
    const all: RecordedEvent[] = [];
    let after = from;
    for (;;) {
      const page = await store.readAll(after, 100);
      if (page.length === 0) return all;
      all.push(...page);
      const last = page[page.length - 1];
      after = { transactionId: last.transactionId, position: last.position };
    }
  }

  it('appends events with versions, positions and metadata, and reads them back as class instances', async () => {
    const result = await store.append('thing-a', [new ThingHappened({ n: 1 }), new ThingHappened({ n: 2 })], 0, {
      metadata: { correlationId: 'corr-1', actor: { kind: 'staff' } },
      occurredAt: new Date('2026-11-22T18:04:05.123Z'),
    });
    expect(result.nextExpectedVersion).toBe(2);
    expect(result.events.map((e) => e.version)).toEqual([1, 2]);
    expect(result.events[1].position).toBeGreaterThan(result.events[0].position);
    expect(result.lastPosition).toBe(result.events[1].position);

    const stream = await store.readStream('thing-a');
    expect(stream).toHaveLength(2);
    expect(stream[0].event).toBeInstanceOf(ThingHappened);
    expect(stream.map((e) => (e.event as ThingHappened).data.n)).toEqual([1, 2]);
    expect(stream[0]).toMatchObject({
      type: 'ThingHappened',
      storedSchemaVersion: 1,
      occurredAt: '2026-11-22T18:04:05.123Z',
      metadata: { correlationId: 'corr-1', actor: { kind: 'staff' } },
    });
    expect(stream[0].eventId).not.toBe(stream[1].eventId);
  });

  it('gives exactly one winner among 50 concurrent appends at the same expected version', async () => {
    await store.append('race', [new ThingHappened({ n: 0 })], 0);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => store.append('race', [new ThingHappened({ n: i + 1 })], 1)),
    );
    const winners = outcomes.filter((o) => o.status === 'fulfilled');
    const losers = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(49);
    for (const loser of losers) {
      expect(loser.reason).toBeInstanceOf(ConcurrencyError);
      expect(loser.reason).toMatchObject({ streamId: 'race', expectedVersion: 1, currentVersion: 2 });
    }
    const versions = (await store.readStream('race')).map((e) => e.version);
    expect(versions).toEqual([1, 2]);
  });

  it('keeps versions contiguous when 50 concurrent writers retry until they win', async () => {
    const writer = async (n: number): Promise<void> => {
      for (;;) {
        const current = await store.currentVersion('contiguous');
        try {
          await store.append('contiguous', [new ThingHappened({ n })], current);
          return;
        } catch (error) {
          if (!(error instanceof ConcurrencyError)) throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: 50 }, (_, i) => writer(i)));
    const stream = await store.readStream('contiguous');
    expect(stream.map((e) => e.version)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(new Set(stream.map((e) => (e.event as ThingHappened).data.n)).size).toBe(50);
  });

  describe('group commit of single-event appends', () => {
    it('writes 200 concurrent appends to distinct streams, some sharing a statement and commit, every one stored once', async () => {
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) => store.append(`group-${i}`, [new ThingHappened({ n: i })], 0)),
      );
      expect(results.map((r) => r.nextExpectedVersion)).toEqual(Array(200).fill(1));
      expect(new Set(results.map((r) => r.lastPosition)).size).toBe(200);
      // Fewer commits than appends: batches shared a transaction.
      expect(new Set(results.map((r) => r.events[0].transactionId)).size).toBeLessThan(200);
      const stored = await fixture.db.query<{ stream_id: string; position: string; transaction_id: string }>(
        `SELECT stream_id, position, transaction_id::text AS transaction_id FROM events WHERE stream_id LIKE 'group-%' ORDER BY position`,
      );
      expect(stored).toHaveLength(200);
      const byStream = new Map(stored.map((row) => [row.stream_id, row]));
      results.forEach((result, i) => {
        expect(byStream.get(`group-${i}`)).toEqual({
          stream_id: `group-${i}`,
          position: String(result.lastPosition),
          transaction_id: result.events[0].transactionId,
        });
      });
    });

    it('fails only the appends that lost their race when they share a batch with winners', async () => {
      await store.append('taken', [new ThingHappened({ n: 1 })], 0);
      await store.append('moved-on', [new ThingHappened({ n: 1 })], 0);
      await store.append('moved-on', [new ThingHappened({ n: 2 })], 1);
      const attempts = Array.from({ length: 60 }, (_, i) => {
        if (i === 20) return store.append('taken', [new ThingHappened({ n: 2 })], 0); // version 1 is taken
        if (i === 40) return store.append('moved-on', [new ThingHappened({ n: 3 })], 1); // version 2 is taken
        if (i === 50) return store.append('not-there-yet', [new ThingHappened({ n: 1 })], 4); // no version 4
        return store.append(`mixed-${i}`, [new ThingHappened({ n: i })], 0);
      });
      const outcomes = await Promise.allSettled(attempts);
      outcomes.forEach((outcome, i) => {
        if ([20, 40, 50].includes(i)) {
          expect(outcome.status).toBe('rejected');
          expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrencyError);
        } else {
          expect(outcome.status).toBe('fulfilled');
        }
      });
      expect((outcomes[20] as PromiseRejectedResult).reason).toMatchObject({ streamId: 'taken', expectedVersion: 0, currentVersion: 1 });
      expect((outcomes[40] as PromiseRejectedResult).reason).toMatchObject({ streamId: 'moved-on', expectedVersion: 1, currentVersion: 2 });
      expect((outcomes[50] as PromiseRejectedResult).reason).toMatchObject({
        streamId: 'not-there-yet',
        expectedVersion: 4,
        currentVersion: 0,
      });
      expect((await store.readStream('taken')).map((e) => (e.event as ThingHappened).data.n)).toEqual([1]);
      expect((await store.readStream('moved-on')).map((e) => (e.event as ThingHappened).data.n)).toEqual([1, 2]);
      expect(await store.readStream('not-there-yet')).toEqual([]);
    });

    it('keeps one refused append from failing its neighbours in the batch', async () => {
      // jsonb has no NUL character: PostgreSQL refuses the row (22P05), and with it the statement.
      const poison = new ThingHappened({ n: 0, text: 'nul \u0000 here' } as unknown as { n: number });
      const outcomes = await Promise.allSettled(
        Array.from({ length: 40 }, (_, i) => store.append(`refused-${i}`, [i === 17 ? poison : new ThingHappened({ n: i })], 0)),
      );
      expect(outcomes.filter((o) => o.status === 'rejected').length).toBe(1);
      expect((outcomes[17] as PromiseRejectedResult).reason).toMatchObject({ code: '22P05' });
      expect(await store.readStream('refused-17')).toEqual([]);
      const stored = await fixture.db.query<{ count: string }>(`SELECT count(*) FROM events WHERE stream_id LIKE 'refused-%'`);
      expect(Number(stored[0].count)).toBe(39);
    });
  });

  it('refuses an expected version the stream has not reached, writing nothing', async () => {
    await store.append('behind', [new ThingHappened({ n: 1 })], 0);
    await expect(store.append('behind', [new ThingHappened({ n: 2 })], 5)).rejects.toMatchObject({
      currentVersion: 1,
      expectedVersion: 5,
    });
    expect(await store.readStream('behind')).toHaveLength(1);
  });

  it('writes all events of an append or none of them', async () => {
    await store.append('all-or-nothing', [new ThingHappened({ n: 1 }), new ThingHappened({ n: 2 })], 0);
    // Versions 2 and 3 from expected version 1: version 2 exists, so version 3 must not land either.
    await expect(store.append('all-or-nothing', [new ThingHappened({ n: 3 }), new ThingHappened({ n: 4 })], 1)).rejects.toBeInstanceOf(
      ConcurrencyError,
    );
    expect((await store.readStream('all-or-nothing')).map((e) => e.version)).toEqual([1, 2]);
  });

  it('leaves nothing behind when the surrounding transaction rolls back', async () => {
    const client = await fixture.db.pool.connect();
    try {
      await client.query('BEGIN');
      await store.append('rolled-back', [new ThingHappened({ n: 1 })], 0, { executor: client });
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    expect(await store.readStream('rolled-back')).toEqual([]);
    expect(await store.currentVersion('rolled-back')).toBe(0);
    const all = await readEverything();
    expect(all.filter((e) => e.streamId === 'rolled-back')).toEqual([]);
  });

  it('never lets readAll pass an append whose transaction began first and commits last', async () => {
    const start = await readEverything();
    const from: LogCheckpoint = start.length
      ? { transactionId: start[start.length - 1].transactionId, position: start[start.length - 1].position }
      : LOG_START;

    const slow = await fixture.db.pool.connect();
    const older = await fixture.db.pool.connect();
    try {
      // `older` takes its transaction id first but appends last, after `slow` has taken a lower position.
      await older.query('BEGIN');
      await older.query('SELECT pg_current_xact_id()');
      await slow.query('BEGIN');
      await slow.query('SELECT pg_current_xact_id()');
      const slowAppend = await store.append('slow-writer', [new ThingHappened({ n: 1 })], 0, { executor: slow });
      const olderAppend = await store.append('older-writer', [new ThingHappened({ n: 2 })], 0, { executor: older });
      expect(olderAppend.lastPosition).toBeGreaterThan(slowAppend.lastPosition);

      const fast = await store.append('fast-writer', [new ThingHappened({ n: 3 })], 0);
      expect(fast.lastPosition).toBeGreaterThan(olderAppend.lastPosition);
      expect(await readEverything(from)).toEqual([]);

      await older.query('COMMIT');
      // The oldest open transaction is counted server-wide: another test file's
      // transaction may hold the reader back a moment longer, never let it skip.
      let firstPass: RecordedEvent[] = [];
      await waitUntil(async () => (firstPass = await readEverything(from)).length > 0, { what: 'the older writer is readable' });
      expect(firstPass.map((e) => e.streamId)).toEqual(['older-writer']);
      const checkpoint = firstPass[firstPass.length - 1];

      await slow.query('COMMIT');
      const after = { transactionId: checkpoint.transactionId, position: checkpoint.position };
      let secondPass: RecordedEvent[] = [];
      await waitUntil(async () => (secondPass = await readEverything(after)).length >= 2, { what: 'both later writers are readable' });
      expect(secondPass.map((e) => e.streamId)).toEqual(['slow-writer', 'fast-writer']);
    } finally {
      await slow.query('ROLLBACK').catch(() => undefined);
      await older.query('ROLLBACK').catch(() => undefined);
      slow.release();
      older.release();
    }
  });

  it('reads the log as the stream reads it: the same events, fields and instants, whatever the session time zone', async () => {
    const first = await store.append('log-read', [new ThingHappened({ n: 1 })], 0, {
      metadata: { correlationId: 'corr-log', actor: { kind: 'customer' } },
      occurredAt: new Date('2026-03-29T01:30:00.070Z'),
    });
    await store.append('log-read', [new ThingRenamed({ name: 'tab\there "quoted" ñ 🍕', colour: 'blue' })], 1);
    // Written by SQL rather than by the app: a time in microseconds, given in another zone.
    await fixture.db.query(`UPDATE events SET occurred_at = '2026-10-25 02:59:59.999999+02' WHERE stream_id = 'log-read' AND version = 2`);
    const before = { transactionId: '0', position: first.lastPosition - 1 };
    const client = await fixture.db.pool.connect();
    try {
      await client.query(`SET TIME ZONE 'Asia/Kolkata'`);
      const page = (await store.readAll(before, 1000, client)).filter((e) => e.streamId === 'log-read');
      await client.query('RESET TIME ZONE');
      const stream = await store.readStream('log-read');
      expect(page).toEqual(stream);
      expect(page.map((e) => e.occurredAt)).toEqual(['2026-03-29T01:30:00.070Z', '2026-10-25T00:59:59.999Z']);
      expect(page[0].event).toBeInstanceOf(ThingHappened);
      expect(page[1].event).toBeInstanceOf(ThingRenamed);
      expect(page[1].event).toMatchObject({ data: { name: 'tab\there "quoted" ñ 🍕', colour: 'blue' } });
      expect(page[0]).toMatchObject({ position: first.lastPosition, metadata: { correlationId: 'corr-log', actor: { kind: 'customer' } } });
    } finally {
      client.release();
    }
  });

  it('reads a stream up to an instant, and from a version', async () => {
    await store.append('timed', [new ThingHappened({ n: 1 })], 0, { occurredAt: new Date('2026-01-01T10:00:00Z') });
    await store.append('timed', [new ThingHappened({ n: 2 })], 1, { occurredAt: new Date('2026-01-01T11:00:00Z') });
    await store.append('timed', [new ThingHappened({ n: 3 })], 2, { occurredAt: new Date('2026-01-01T12:00:00Z') });
    const asOf = await store.readStream('timed', { toTime: new Date('2026-01-01T11:30:00Z') });
    expect(asOf.map((e) => e.version)).toEqual([1, 2]);
    const tail = await store.readStream('timed', { fromVersion: 3 });
    expect(tail.map((e) => e.version)).toEqual([3]);
  });

  it('upcasts events stored under older schema versions through the whole chain', async () => {
    await fixture.db.query(
      `INSERT INTO events (event_id, stream_id, version, type, schema_version, data, occurred_at)
       VALUES (gen_random_uuid(), 'legacy', 1, 'ThingRenamed', 1, '{"label":"old"}', now()),
              (gen_random_uuid(), 'legacy', 2, 'ThingRenamed', 2, '{"name":"newer"}', now())`,
    );
    const [first, second] = await store.readStream('legacy');
    expect(first.event).toBeInstanceOf(ThingRenamed);
    expect((first.event as ThingRenamed).data).toEqual({ name: 'old', colour: 'red' });
    expect(first.storedSchemaVersion).toBe(1);
    expect((second.event as ThingRenamed).data).toEqual({ name: 'newer', colour: 'red' });
    await store.append('legacy', [new ThingRenamed({ name: 'now', colour: 'blue' })], 2);
    const [, , third] = await store.readStream('legacy');
    expect(third.storedSchemaVersion).toBe(3);
  });

  it('keeps only the newest snapshot of a stream', async () => {
    const snapshots = new SnapshotStore(fixture.db, registry);
    const newest = async () => (await snapshots.readFromSnapshot('snap', 1)).snapshot;
    await snapshots.writeSnapshot({ streamId: 'snap', version: 10, type: 'Thing', schemaVersion: 1, state: { n: 10 } });
    await snapshots.writeSnapshot({ streamId: 'snap', version: 5, type: 'Thing', schemaVersion: 1, state: { n: 5 } });
    expect(await newest()).toMatchObject({ version: 10, state: { n: 10 } });
    await snapshots.writeSnapshot({ streamId: 'snap', version: 20, type: 'Thing', schemaVersion: 1, state: { n: 20 } });
    expect(await newest()).toMatchObject({ version: 20, state: { n: 20 } });
  });
});
