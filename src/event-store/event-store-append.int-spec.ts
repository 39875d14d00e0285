import type { DatabaseFixture } from '../../test/support/database-fixture.js';
import { ThingHappened, useEventStore } from '../../test/support/event-store-fixture.js';
import { ConcurrencyError } from './event-store.errors.js';
import type { EventStore } from './event-store.js';

describe('EventStore on PostgreSQL', () => {
  const eventStore = useEventStore();
  const { readEverything } = eventStore;
  let fixture: DatabaseFixture;
  let store: EventStore;

  beforeAll(() => {
    ({ fixture, store } = eventStore);
  });

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
});
