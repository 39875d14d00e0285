import { ThingHappened, ThingRenamed, useEventStore } from '../../test/support/event-store-fixture.js';
import { waitUntil } from '../../test/support/projection-helpers.js';
import { LOG_START, type LogCheckpoint, type RecordedEvent } from './event-types.js';

describe('EventStore on PostgreSQL', () => {
  // Read through `ctx`: its store and database exist once the describe's beforeAll has run.
  const ctx = useEventStore();

  it('never lets readAll pass an append whose transaction began first and commits last', async () => {
    const start = await ctx.readEverything();
    const from: LogCheckpoint = start.length
      ? { transactionId: start[start.length - 1].transactionId, position: start[start.length - 1].position }
      : LOG_START;

    const slow = await ctx.fixture.db.pool.connect();
    const older = await ctx.fixture.db.pool.connect();
    try {
      // `older` takes its transaction id first but appends last, after `slow` has taken a lower position.
      await older.query('BEGIN');
      await older.query('SELECT pg_current_xact_id()');
      await slow.query('BEGIN');
      await slow.query('SELECT pg_current_xact_id()');
      const slowAppend = await ctx.store.append('slow-writer', [new ThingHappened({ n: 1 })], 0, { executor: slow });
      const olderAppend = await ctx.store.append('older-writer', [new ThingHappened({ n: 2 })], 0, { executor: older });
      expect(olderAppend.lastPosition).toBeGreaterThan(slowAppend.lastPosition);

      const fast = await ctx.store.append('fast-writer', [new ThingHappened({ n: 3 })], 0);
      expect(fast.lastPosition).toBeGreaterThan(olderAppend.lastPosition);
      expect(await ctx.readEverything(from)).toEqual([]);

      await older.query('COMMIT');
      // The oldest open transaction is counted server-wide: another test file's
      // transaction may hold the reader back a moment longer, never let it skip.
      let firstPass: RecordedEvent[] = [];
      await waitUntil(async () => (firstPass = await ctx.readEverything(from)).length > 0, { what: 'the older writer is readable' });
      expect(firstPass.map((e) => e.streamId)).toEqual(['older-writer']);
      const checkpoint = firstPass[firstPass.length - 1];

      await slow.query('COMMIT');
      const after = { transactionId: checkpoint.transactionId, position: checkpoint.position };
      let secondPass: RecordedEvent[] = [];
      await waitUntil(async () => (secondPass = await ctx.readEverything(after)).length >= 2, { what: 'both later writers are readable' });
      expect(secondPass.map((e) => e.streamId)).toEqual(['slow-writer', 'fast-writer']);
    } finally {
      await slow.query('ROLLBACK').catch(() => undefined);
      await older.query('ROLLBACK').catch(() => undefined);
      slow.release();
      older.release();
    }
  });

  it('reads the log as the stream reads it: the same events, fields and instants, whatever the session time zone', async () => {
    const first = await ctx.store.append('log-read', [new ThingHappened({ n: 1 })], 0, {
      metadata: { correlationId: 'corr-log', actor: { kind: 'customer' } },
      occurredAt: new Date('2026-03-29T01:30:00.070Z'),
    });
    await ctx.store.append('log-read', [new ThingRenamed({ name: 'tab\there "quoted" ñ 🍕', colour: 'blue' })], 1);
    // Written by SQL rather than by the app: a time in microseconds, given in another zone. The log is
    // append-only (a trigger refuses updates), so the test steps around the guard for this one row.
    await ctx.fixture.db.query(
      `ALTER TABLE events DISABLE TRIGGER events_append_only;
       UPDATE events SET occurred_at = '2026-10-25 02:59:59.999999+02' WHERE stream_id = 'log-read' AND version = 2;
       ALTER TABLE events ENABLE TRIGGER events_append_only`,
    );
    const before = { transactionId: '0', position: first.lastPosition - 1 };
    const client = await ctx.fixture.db.pool.connect();
    try {
      await client.query(`SET TIME ZONE 'Asia/Kolkata'`);
      const page = (await ctx.store.readAll(before, 1000, client)).filter((e) => e.streamId === 'log-read');
      await client.query('RESET TIME ZONE');
      const stream = await ctx.store.readStream('log-read');
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
    await ctx.store.append('timed', [new ThingHappened({ n: 1 })], 0, { occurredAt: new Date('2026-01-01T10:00:00Z') });
    await ctx.store.append('timed', [new ThingHappened({ n: 2 })], 1, { occurredAt: new Date('2026-01-01T11:00:00Z') });
    await ctx.store.append('timed', [new ThingHappened({ n: 3 })], 2, { occurredAt: new Date('2026-01-01T12:00:00Z') });
    const asOf = await ctx.store.readStream('timed', { toTime: new Date('2026-01-01T11:30:00Z') });
    expect(asOf.map((e) => e.version)).toEqual([1, 2]);
    const tail = await ctx.store.readStream('timed', { fromVersion: 3 });
    expect(tail.map((e) => e.version)).toEqual([3]);
  });

  it('upcasts events stored under older schema versions through the whole chain', async () => {
    await ctx.fixture.db.query(
      `INSERT INTO events (event_id, stream_id, version, type, schema_version, data, occurred_at)
       VALUES (gen_random_uuid(), 'legacy', 1, 'ThingRenamed', 1, '{"label":"old"}', now()),
              (gen_random_uuid(), 'legacy', 2, 'ThingRenamed', 2, '{"name":"newer"}', now())`,
    );
    const [first, second] = await ctx.store.readStream('legacy');
    expect(first.event).toBeInstanceOf(ThingRenamed);
    expect((first.event as ThingRenamed).data).toEqual({ name: 'old', colour: 'red' });
    expect(first.storedSchemaVersion).toBe(1);
    expect((second.event as ThingRenamed).data).toEqual({ name: 'newer', colour: 'red' });
    await ctx.store.append('legacy', [new ThingRenamed({ name: 'now', colour: 'blue' })], 2);
    const [, , third] = await ctx.store.readStream('legacy');
    expect(third.storedSchemaVersion).toBe(3);
  });
});
