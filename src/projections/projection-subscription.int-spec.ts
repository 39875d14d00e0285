import { Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { openDatabaseFixture, type DatabaseFixture } from '../../test/support/database-fixture.js';
import { recordMeasurement, waitUntil } from '../../test/support/projection-helpers.js';
import { Database } from '../database/database.js';
import { checkpointOf, type FeedEnvelope } from '../event-store/event-envelope.js';
import { EventRegistry } from '../event-store/event-registry.js';
import { EventStore, type AppendOptions } from '../event-store/event-store.js';
import { compareCheckpoints, type LogCheckpoint, type RecordedEvent } from '../event-store/event-types.js';
import { AdvisoryLocks } from '../database/advisory-locks.js';
import type { Subscription } from '../event-store/subscription/subscription.js';
import type { Projection, TableMap } from './projection.js';
import type { TableWriter } from './table-writer.js';
import { projectionSubscription } from './projection-subscription.js';

type ProjectionRunner = Subscription<LogCheckpoint>;

class Counted {
  static readonly type = 'Counted';
  static readonly schemaVersion = 1;
  constructor(readonly data: { n: number }) {}
}

/**
 * One row per event of its own streams, keyed by position: applying an event
 * twice violates the primary key. Refuses the event numbered `failOn`, after
 * having written the ones before it in the same batch.
 */
class SeenProjection implements Projection {
  readonly tables: string[];
  failOn: number | undefined;
  readonly errors: string[] = [];

  constructor(
    readonly name: string,
    private readonly table: string,
    private readonly prefix: string,
  ) {
    this.tables = [table];
  }

  async apply(tx: TableWriter, events: readonly RecordedEvent[], tables: TableMap): Promise<void> {
    try {
      for (const recorded of events) {
        if (!recorded.streamId.startsWith(this.prefix)) continue;
        const { n } = (recorded.event as Counted).data;
        if (n === this.failOn) throw new Error(`refusing event ${n}`);
        await tx.query(`INSERT INTO ${tables[this.table]} (position, stream_id, n) VALUES ($1, $2, $3)`, [
          recorded.position,
          recorded.streamId,
          n,
        ]);
      }
    } catch (error) {
      this.errors.push((error as Error).message);
      throw error;
    }
  }
}

interface SeenRow {
  position: number;
  stream_id: string;
  n: number;
}

const last = <T>(items: readonly T[]): T => items[items.length - 1];

function rowsOf(events: readonly RecordedEvent[]): SeenRow[] {
  return events.map((e) => ({ position: e.position, stream_id: e.streamId, n: (e.event as Counted).data.n }));
}

/** What the EventFeed publishes: each event with the checkpoint of the one before it. */
function envelopesOf(events: readonly RecordedEvent[], previous: LogCheckpoint): FeedEnvelope[] {
  return events.map((recorded, i) => ({ ...recorded, previous: i === 0 ? previous : checkpointOf(events[i - 1]) }));
}

describe('A projection subscription on PostgreSQL', () => {
  let fixture: DatabaseFixture;
  let db: Database;
  let store: EventStore;
  let scenarios = 0;
  const started: ProjectionRunner[] = [];
  // One per runner: each plays an app instance of its own (a session's advisory locks are re-entrant).
  const locks: AdvisoryLocks[] = [];

  beforeAll(async () => {
    // The runners log their failures and takeovers; here those are the point of the tests, not news.
    Logger.overrideLogger(false);
    fixture = await openDatabaseFixture();
    db = fixture.db;
    const registry = new EventRegistry();
    registry.register(Counted);
    store = new EventStore(db, registry);
  });

  afterEach(async () => {
    await Promise.all(started.splice(0).map((runner) => runner.stop()));
    await Promise.all(locks.splice(0).map((instanceLocks) => instanceLocks.close()));
  });

  afterAll(() => fixture.close());

  async function readEverything(after: LogCheckpoint): Promise<RecordedEvent[]> {
    const all: RecordedEvent[] = [];
    for (let from = after; ;) {
      const page = await store.readAll(from, 100);
      if (page.length === 0) return all;
      all.push(...page);
      from = checkpointOf(last(page));
    }
  }

  /**
   * Waits until `count` events after a checkpoint are readable. Any transaction
   * still open anywhere in the cluster (a projection's own, another test file's)
   * holds the readable end of the log back for a moment.
   */
  async function readCommitted(after: LogCheckpoint, count: number): Promise<RecordedEvent[]> {
    let events: RecordedEvent[] = [];
    await waitUntil(async () => (events = await readEverything(after)).length >= count, {
      what: `${count} events after position ${after.position} are readable`,
    });
    return events;
  }

  async function storedCheckpoint(name: string): Promise<LogCheckpoint> {
    const [row] = await db.query<{ transaction_id: string; position: string }>(
      'SELECT transaction_id::text AS transaction_id, position FROM projection_checkpoints WHERE name = $1',
      [name],
    );
    return { transactionId: row.transaction_id, position: Number(row.position) };
  }

  /** A projection of its own, its own table and streams, and a way to make runners for it. */
  async function scenario(options: { batchSize?: number; database?: Database } = {}) {
    const id = ++scenarios;
    const table = `seen_${id}`;
    const prefix = `s${id}-`;
    await db.query(`CREATE TABLE ${table} (seq bigserial, position bigint PRIMARY KEY, stream_id text NOT NULL, n int NOT NULL)`);
    const projection = new SeenProjection(`seen-${id}`, table, prefix);
    const progress: LogCheckpoint[] = [];
    const versions = new Map<string, number>();
    let n = 0;
    return {
      projection,
      progress,
      runner(database: Database = options.database ?? db): ProjectionRunner {
        const instanceLocks = new AdvisoryLocks(database.pool.options, 50);
        locks.push(instanceLocks);
        const runner = projectionSubscription(projection, database, store, {
          batchSize: options.batchSize ?? 100,
          locks: instanceLocks,
          lockRetryMs: 50,
          maxBackoffMs: 200,
          onProgress: (_name, checkpoint) => progress.push(checkpoint),
        });
        started.push(runner);
        return runner;
      },
      /** Appends `count` events, numbered on from the last, to one stream in one transaction. */
      async append(stream: string, count: number, appendOptions: AppendOptions = {}): Promise<RecordedEvent[]> {
        const streamId = `${prefix}${stream}`;
        const version = versions.get(streamId) ?? 0;
        versions.set(streamId, version + count);
        const events = Array.from({ length: count }, () => new Counted({ n: ++n }));
        return (await store.append(streamId, events, version, appendOptions)).events;
      },
      /** The table in the order the rows were written. */
      async seen(): Promise<SeenRow[]> {
        return db.query<SeenRow>(`SELECT position::int AS position, stream_id, n FROM ${table} ORDER BY seq`);
      },
    };
  }

  async function startLive(runner: ProjectionRunner): Promise<void> {
    await runner.start();
    await caughtUp(runner);
  }

  /** Until the runner stands on the newest event in the table, however long open transactions hold it back. */
  async function caughtUp(runner: ProjectionRunner): Promise<void> {
    const [newest] = await db.query<LogCheckpoint>(
      `SELECT transaction_id::text AS "transactionId", position::int AS position
         FROM events ORDER BY transaction_id DESC, position DESC LIMIT 1`,
    );
    await waitUntil(
      () => {
        if (runner.status !== 'live') return false;
        if (newest === undefined || compareCheckpoints(runner.position!, newest) >= 0) return true;
        runner.nudge();
        return false;
      },
      { what: `${runner.name} has caught up with the log` },
    );
  }

  /** Lets the runner read the log from its checkpoint and waits until it has read all it may. */
  async function letItRead(runner: ProjectionRunner): Promise<void> {
    runner.nudge();
    expect(runner.status).toBe('catching-up');
    await waitUntil(() => runner.status === 'live', { what: `${runner.name} has caught up` });
  }

  async function reached(runner: ProjectionRunner, target: { transactionId: string; position: number }): Promise<void> {
    await waitUntil(() => compareCheckpoints(runner.position!, checkpointOf(target)) >= 0, {
      what: `${runner.name} reaches position ${target.position}`,
    });
  }

  /** Publishes what has been committed, as the EventFeed does, to every runner given. */
  function testFeed(from: LogCheckpoint) {
    let checkpoint = from;
    const publish = async (runners: readonly ProjectionRunner[]): Promise<RecordedEvent[]> => {
      const events = await readEverything(checkpoint);
      for (const envelope of envelopesOf(events, checkpoint)) for (const runner of runners) runner.offer(envelope);
      if (events.length > 0) checkpoint = checkpointOf(last(events));
      return events;
    };
    /** Publishes until `count` events have gone out, however many reads that takes. */
    const publishUntil = async (runners: readonly ProjectionRunner[], count: number): Promise<RecordedEvent[]> => {
      const events: RecordedEvent[] = [];
      await waitUntil(async () => events.push(...(await publish(runners))) >= count, { what: `${count} events are published` });
      return events;
    };
    return { publish, publishUntil };
  }

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

    expect(await s.seen()).toEqual(rowsOf([...first, ...second]));
    expect(s.projection.errors).toEqual([]);
    expect(await storedCheckpoint(s.projection.name)).toEqual(checkpointOf(last(second)));
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

    expect(await s.seen()).toEqual(rowsOf([...published, ...afterwards]));
    expect(s.projection.errors).toEqual([]);
    expect(await storedCheckpoint(s.projection.name)).toEqual(checkpointOf(last(afterwards)));
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

    expect(await s.seen()).toEqual(rowsOf(published));
    expect(await storedCheckpoint(s.projection.name)).toEqual(checkpointOf(last(published)));
    expect(s.projection.errors).toEqual([]);
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
