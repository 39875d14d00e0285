import { waitUntil } from '../../test/support/projection-helpers.js';
import { envelopesOf, last, rowsOf, useProjectionSubscriptions, type Counted } from '../../test/support/projection-subscription-harness.js';
import { checkpointOf } from '../event-store/event-envelope.js';
import { compareCheckpoints } from '../event-store/event-types.js';

describe('A projection subscription on PostgreSQL', () => {
  const { scenario, startLive, readCommitted, reached, storedCheckpoint, testFeed } = useProjectionSubscriptions();

  it('holds its checkpoint before an event it cannot apply, retries with backoff and recovers by itself', async () => {
    const s = await scenario();
    const runner = s.runner();
    await startLive(runner);
    const from = runner.position!;
    s.projection.failOn = 3;

    // Events 1 and 2 share the failing batch with 3: they are written, then rolled back with it.
    await s.append('a', 2);
    await s.append('b', 2);
    await readCommitted(from, 4);
    runner.nudge();
    await waitUntil(() => runner.status === 'failed', { what: 'the runner fails' });
    expect(runner.lastError).toBe('refusing event 3');
    expect(runner.position!).toEqual(from);
    expect(await storedCheckpoint(s.projection.name)).toEqual(from);
    expect(await s.seen()).toEqual([]);

    await s.append('c', 1);
    await s.append('a', 1);
    const all = await readCommitted(from, 6);
    expect(all.map((e) => (e.event as Counted).data.n)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const envelope of envelopesOf(all, from)) runner.offer(envelope);
    runner.nudge();
    const refusals = s.projection.errors.length;
    await waitUntil(() => s.projection.errors.length >= refusals + 2, { what: 'two more attempts fail' });
    await waitUntil(() => runner.status === 'failed', { what: 'the runner is failed again' });
    expect(runner.position!).toEqual(from);
    expect(await storedCheckpoint(s.projection.name)).toEqual(from);
    expect(await s.seen()).toEqual([]);

    s.projection.failOn = undefined;
    await reached(runner, last(all));
    await waitUntil(() => runner.status === 'live', { what: 'the runner is live again' });

    expect(await s.seen()).toEqual(rowsOf(all));
    expect(runner.lastError).toBeUndefined();
    expect(await storedCheckpoint(s.projection.name)).toEqual(checkpointOf(last(all)));
    expect(new Set(s.projection.errors)).toEqual(new Set(['refusing event 3']));
  });

  it('catches up from its stored checkpoint after a restart that lost events appended but never published', async () => {
    const s = await scenario({ batchSize: 4 });
    const before = s.runner();
    await startLive(before);
    const from = before.position!;
    const feed = testFeed(from);
    await s.append('a', 2);
    const applied = await feed.publishUntil([before], 2);
    await reached(before, last(applied));
    await before.stop();

    // Appended, then the process "died" before the feed published anything.
    await s.append('a', 3);
    await s.append('b', 4);
    const unpublished = await readCommitted(checkpointOf(last(applied)), 7);
    expect(unpublished).toHaveLength(7);
    expect(await s.seen()).toEqual(rowsOf(applied));

    const progressBefore = s.progress.length;
    const after = s.runner();
    await after.start();
    await reached(after, last(unpublished));

    expect(await s.seen()).toEqual(rowsOf([...applied, ...unpublished]));
    expect(s.projection.errors).toEqual([]);
    expect(compareCheckpoints(s.progress[progressBefore], checkpointOf(last(applied)))).toBeGreaterThan(0);
    expect(await storedCheckpoint(s.projection.name)).toEqual(checkpointOf(last(unpublished)));
  });
});
