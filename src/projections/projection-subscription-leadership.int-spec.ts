import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { recordMeasurement, waitUntil } from '../../test/support/projection-helpers.js';
import { last, rowsOf, useProjectionSubscriptions } from '../../test/support/projection-subscription-harness.js';
import type { DatabaseFixture } from '../../test/support/database-fixture.js';
import { Database } from '../database/database.js';
import type { RecordedEvent } from '../event-store/event-types.js';

describe('A projection subscription on PostgreSQL', () => {
  const harness = useProjectionSubscriptions();
  const { scenario, startLive, caughtUp, reached, readEverything, testFeed, started, locks } = harness;
  let fixture: DatabaseFixture;
  let db: Database;

  beforeAll(() => {
    ({ fixture, db } = harness);
  });

  it('runs in exactly one of two runners, under 200 concurrent appends, and moves to the other when the leader stops', async () => {
    const s = await scenario({ batchSize: 25 });
    const first = s.runner();
    const second = s.runner();
    await first.start();
    await second.start();
    const [leader, standby] = first.isLeader ? [first, second] : [second, first];
    expect([first.isLeader, second.isLeader].filter(Boolean)).toHaveLength(1);
    expect(standby.status).toBe('standby');
    await caughtUp(leader);
    const from = leader.position!;
    const feed = testFeed(from);

    let writing = true;
    const writers = Promise.all(
      Array.from({ length: 20 }, async (_, w) => {
        for (let i = 0; i < 10; i++) await s.append(`writer-${w}`, 1);
      }),
    ).finally(() => {
      writing = false;
    });
    const published: RecordedEvent[] = [];
    while (writing) {
      published.push(...(await feed.publish([first, second])));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await writers;
    published.push(...(await feed.publishUntil([first, second], 200 - published.length)));
    expect(published).toHaveLength(200);
    await reached(leader, last(published));

    expect(await s.seen()).toEqual(rowsOf(await readEverything(from)));
    expect(new Set((await s.seen()).map((row) => row.position)).size).toBe(200);
    expect(s.projection.errors).toEqual([]);
    expect(leader.isLeader).toBe(true);
    expect(standby.isLeader).toBe(false);
    expect(standby.status).toBe('standby');

    const stopping = performance.now();
    await leader.stop();
    await waitUntil(() => standby.isLeader, { what: 'the standby takes over' });
    recordMeasurement('projection-runner takeover after stop()', performance.now() - stopping);
    expect(leader.isLeader).toBe(false);
    expect(leader.status).toBe('stopped');

    for (let i = 0; i < 5; i++) await s.append(`after-${i}`, 1);
    const afterwards = await feed.publishUntil([first, second], 5);
    expect(afterwards).toHaveLength(5);
    await reached(standby, last(afterwards));

    await s.expectProjected([...published, ...afterwards]);
  });

  it('steps down when its connection is killed, and the standby takes over', async () => {
    const s = await scenario();
    const leader = s.runner();
    const standby = s.runner();
    await startLive(leader);
    await standby.start();
    expect(standby.isLeader).toBe(false);
    const from = leader.position!;
    const feed = testFeed(from);

    const holders = await db.query<{ pid: number }>(
      `SELECT pid FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    expect(holders).toHaveLength(1);
    await db.query('SELECT pg_terminate_backend($1)', [holders[0].pid]);
    await waitUntil(() => standby.isLeader, { what: 'the standby takes the free lock' });

    await s.append('a', 3);
    const published = await feed.publishUntil([leader, standby], 3);
    await reached(standby, last(published));
    await waitUntil(() => !leader.isLeader, { what: 'the old leader notices and steps down' });

    await s.expectProjected(published);
  });

  it('does not take the lead once stopped, even when stop() lands while it is trying to', async () => {
    const s = await scenario();
    // A pool of one connection lets the test hold the standby's next attempt at the door.
    const narrow = new DataSource({ type: 'postgres', url: fixture.testDatabase.url, poolSize: 1, logging: false });
    await narrow.initialize();
    try {
      const narrowDb = new Database(narrow);
      const leader = s.runner();
      const standby = s.runner(narrowDb);
      await startLive(leader);
      await standby.start();
      expect(standby.status).toBe('standby');

      // The lock comes free while the standby's pool is taken: its next attempt wins the lock, then waits for a connection.
      const door = await narrowDb.pool.connect();
      await leader.stop();
      await waitUntil(() => narrowDb.pool.waitingCount === 1, { what: 'the standby waits for a connection to try again' });
      await standby.stop();
      door.release();
      await waitUntil(() => narrowDb.pool.idleCount === 1 || standby.isLeader, { what: 'the standby gets its connection' });

      expect(standby.isLeader).toBe(false);
      const successor = s.runner();
      await successor.start();
      expect(successor.isLeader).toBe(true);
    } finally {
      // Stopped (again) before its pool ends: a pool waits for every connection still checked out.
      await Promise.all(started.splice(0).map((runner) => runner.stop()));
      await Promise.all(locks.splice(0).map((instanceLocks) => instanceLocks.close()));
      await narrow.destroy();
    }
  });
});
