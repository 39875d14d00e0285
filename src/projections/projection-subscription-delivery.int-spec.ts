import { checkpointOf } from '../event-store/event-envelope.js';
import type { EventStore } from '../event-store/event-store.js';
import { compareCheckpoints } from '../event-store/event-types.js';
import type { Database } from '../database/database.js';
import { envelopesOf, last, rowsOf, useProjectionSubscriptions } from '../../test/support/projection-subscription-harness.js';

describe('A projection subscription on PostgreSQL', () => {
  const harness = useProjectionSubscriptions();
  const { scenario, startLive, readCommitted, reached, storedCheckpoint, testFeed, letItRead } = harness;
  let db: Database;
  let store: EventStore;

  beforeAll(() => {
    ({ db, store } = harness);
  });

  it('applies each event exactly once when every envelope arrives twice and a whole batch again', async () => {
    const s = await scenario();
    const runner = s.runner();
    await startLive(runner);
    const from = runner.position!;
    expect(from).toEqual(await store.headCheckpoint());

    await s.append('a', 3);
    await s.append('b', 1);
    await s.append('a', 2);
    await s.append('c', 4);
    const events = await readCommitted(from, 10);
    expect(events).toHaveLength(10);
    const envelopes = envelopesOf(events, from);
    for (const envelope of envelopes) {
      runner.offer(envelope);
      runner.offer(envelope);
    }
    await reached(runner, last(events));

    for (const envelope of envelopes) runner.offer(envelope);
    // Queued behind the redelivered batch: once it is applied, the batch before it has been dealt with.
    await s.append('d', 1);
    const [closing] = await readCommitted(checkpointOf(last(events)), 1);
    runner.offer({ ...closing, previous: checkpointOf(last(events)) });
    await reached(runner, closing);

    expect(await s.seen()).toEqual(rowsOf([...events, closing]));
    expect(s.projection.errors).toEqual([]);
    expect(runner.lastError).toBeUndefined();
    expect(runner.status).toBe('live');
    expect(await storedCheckpoint(s.projection.name)).toEqual(checkpointOf(closing));
    for (let i = 1; i < s.progress.length; i++) {
      expect(compareCheckpoints(s.progress[i], s.progress[i - 1])).toBeGreaterThan(0);
    }
  });

  it('reads the log itself when an envelope does not follow on from its checkpoint', async () => {
    const s = await scenario();
    const runner = s.runner();
    await startLive(runner);
    const from = runner.position!;
    for (let i = 0; i < 5; i++) await s.append(`gap-${i}`, 1);
    const first = await readCommitted(from, 5);
    expect(first).toHaveLength(5);

    // Only the fourth arrives: its `previous` is the third, which the runner has not seen.
    runner.offer(envelopesOf(first, from)[3]);
    await reached(runner, last(first));
    expect(await s.seen()).toEqual(rowsOf(first));

    // The first of the next run follows on; the third skips the second.
    await s.append('gap-0', 1);
    await s.append('gap-1', 2);
    const second = await readCommitted(checkpointOf(last(first)), 3);
    expect(second).toHaveLength(3);
    const envelopes = envelopesOf(second, checkpointOf(last(first)));
    runner.offer(envelopes[0]);
    runner.offer(envelopes[2]);
    await reached(runner, last(second));

    await s.expectProjected([...first, ...second]);
  });

  it('never passes an event whose transaction began first and commits last', async () => {
    const s = await scenario();
    const runner = s.runner();
    await startLive(runner);
    const from = runner.position!;
    const feed = testFeed(from);

    const slow = await db.pool.connect();
    const late = await db.pool.connect();
    try {
      // Both take their transaction ids before the fast writers; `slow` appends first, `late` after them.
      await slow.query('BEGIN');
      await slow.query('SELECT pg_current_xact_id()');
      await late.query('BEGIN');
      await late.query('SELECT pg_current_xact_id()');
      const [slowEvent] = await s.append('slow', 1, { executor: slow });
      const fast = [...(await s.append('fast-1', 1)), ...(await s.append('fast-2', 2))];
      const [lateEvent] = await s.append('late', 1, { executor: late });
      expect(slowEvent.position).toBeLessThan(fast[0].position);
      expect(lateEvent.position).toBeGreaterThan(last(fast).position);

      expect(await feed.publish([runner])).toEqual([]);
      await letItRead(runner);
      expect(runner.position!).toEqual(from);
      expect(await s.seen()).toEqual([]);

      await late.query('COMMIT');
      expect(await feed.publish([runner])).toEqual([]);
      await letItRead(runner);
      expect(runner.position!).toEqual(from);
      expect(await s.seen()).toEqual([]);

      await slow.query('COMMIT');
      const published = await feed.publishUntil([runner], 5);
      expect(published.map((e) => e.position)).toEqual([slowEvent, lateEvent, ...fast].map((e) => e.position));
      await reached(runner, last(published));

      expect(await s.seen()).toEqual(rowsOf(published));
      expect(s.projection.errors).toEqual([]);
    } finally {
      await slow.query('ROLLBACK').catch(() => undefined);
      await late.query('ROLLBACK').catch(() => undefined);
      slow.release();
      late.release();
    }
  });
});
