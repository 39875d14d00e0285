import { Logger } from '@nestjs/common';
import { Database } from '../../src/database/database.js';
import { AdvisoryLocks } from '../../src/database/advisory-locks.js';
import { checkpointOf, type FeedEnvelope } from '../../src/event-store/event-envelope.js';
import { EventRegistry } from '../../src/event-store/event-registry.js';
import { EventStore, type AppendOptions } from '../../src/event-store/event-store.js';
import { compareCheckpoints, type LogCheckpoint, type RecordedEvent } from '../../src/event-store/event-types.js';
import type { Subscription } from '../../src/event-store/subscription/subscription.js';
import type { Projection, TableMap } from '../../src/projections/projection.js';
import { projectionSubscription } from '../../src/projections/projection-subscription.js';
import type { TableWriter } from '../../src/projections/table-writer.js';
import { openDatabaseFixture, type DatabaseFixture } from './database-fixture.js';
import { waitUntil } from './projection-helpers.js';

/**
 * The projection-subscription specs' world: a database of their own, an event
 * store with one event type, and scenarios, each a projection with a table and
 * streams of its own, whose runners play app instances.
 */

export type ProjectionRunner = Subscription<LogCheckpoint>;

export class Counted {
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

export const last = <T>(items: readonly T[]): T => items[items.length - 1];

export function rowsOf(events: readonly RecordedEvent[]): SeenRow[] {
  return events.map((e) => ({ position: e.position, stream_id: e.streamId, n: (e.event as Counted).data.n }));
}

/** What the EventFeed publishes: each event with the checkpoint of the one before it. */
export function envelopesOf(events: readonly RecordedEvent[], previous: LogCheckpoint): FeedEnvelope[] {
  return events.map((recorded, i) => ({ ...recorded, previous: i === 0 ? previous : checkpointOf(events[i - 1]) }));
}

/**
 * Opens the database and the store before the enclosing describe's tests, stops
 * every runner a test started after it, and returns the helpers the tests share.
 * `fixture`, `db` and `store` are there once the describe's beforeAll has run.
 */
export function useProjectionSubscriptions() {
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
      /** The table holds exactly these events, each once and in order, with no error, and the checkpoint stands on the last. */
      async expectProjected(events: readonly RecordedEvent[]): Promise<void> {
        expect(await this.seen()).toEqual(rowsOf(events));
        expect(projection.errors).toEqual([]);
        expect(await storedCheckpoint(projection.name)).toEqual(checkpointOf(last(events)));
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

  return {
    get fixture(): DatabaseFixture {
      return fixture;
    },
    get db(): Database {
      return db;
    },
    get store(): EventStore {
      return store;
    },
    started,
    locks,
    scenario,
    startLive,
    caughtUp,
    letItRead,
    reached,
    readEverything,
    readCommitted,
    storedCheckpoint,
    testFeed,
  };
}
