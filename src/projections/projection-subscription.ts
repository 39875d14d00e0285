import { Logger } from '@nestjs/common';
import type { PoolClient, QueryConfig } from 'pg';
import type { AdvisoryLocks } from '../database/advisory-locks.js';
import type { Database, Queryable } from '../database/database.js';
import { checkpointOf } from '../event-store/event-envelope.js';
import type { EventStore } from '../event-store/event-store.js';
import type { LogCheckpoint, RecordedEvent } from '../event-store/event-types.js';
import { LogCursor } from '../event-store/subscription/subscription-cursor.js';
import { CheckpointMoved } from '../event-store/subscription/subscription-errors.js';
import { Subscription, type SubscriptionHandler } from '../event-store/subscription/subscription.js';
import { liveTables, type Projection } from './projection.js';
import { oneMessage, oneStatement, type Statement } from './one-message.js';
import { prepared } from '../database/database.js';
import { TableWriter } from './table-writer.js';

export interface ProjectionSubscriptionOptions {
  readonly batchSize: number;
  readonly locks: AdvisoryLocks;
  readonly lockRetryMs: number;
  readonly maxBackoffMs: number;
  readonly onProgress: (name: string, checkpoint: LogCheckpoint) => void;
}

/** Raised by advance_projection_checkpoint when the checkpoint is not where the runner left it. */
const CHECKPOINT_MOVED = 'PZ001';

/**
 * A projection as a subscription: in one instance at a time (its advisory
 * lock), on a connection of its own that carries its reads and writes, from
 * the checkpoint stored in projection_checkpoints. A failing batch holds the
 * checkpoint where it is and is retried with backoff; the other projections go on.
 */
export function projectionSubscription(
  projection: Projection,
  db: Database,
  store: EventStore,
  options: ProjectionSubscriptionOptions,
): Subscription<LogCheckpoint> {
  return new Subscription<LogCheckpoint>({
    name: projection.name,
    logger: new Logger(`Projection ${projection.name}`),
    handler: new ProjectionBatches(projection, options.onProgress),
    open: async (connection) => {
      await db.query('INSERT INTO projection_checkpoints (name) VALUES ($1) ON CONFLICT (name) DO NOTHING', [projection.name]);
      return new LogCursor(store, await storedCheckpoint(db, projection.name, connection), {
        pageSize: options.batchSize,
        connection,
      });
    },
    batchSize: options.batchSize,
    // A projection that cannot keep up reads the log itself instead of holding what the feed delivered.
    inbox: { max: options.batchSize * 20, whenFull: 'replay' },
    leadership: { locks: options.locks, lock: `projection:${projection.name}`, retryMs: options.lockRetryMs },
    ownConnection: db,
    retryDelayMs: (failures) => {
      const backoff = Math.min(options.maxBackoffMs, 100 * 2 ** Math.min(failures - 1, 16));
      return Math.round(backoff / 2 + Math.random() * (backoff / 2));
    },
  });
}

async function storedCheckpoint(db: Database, name: string, connection?: Queryable): Promise<LogCheckpoint> {
  const [row] = await db.query<{ transaction_id: string; position: string }>(
    'SELECT transaction_id::text AS transaction_id, position FROM projection_checkpoints WHERE name = $1',
    [name],
    connection,
  );
  return { transactionId: row.transaction_id, position: Number(row.position) };
}

/**
 * A batch costs two round trips, however many statements it takes: the
 * projection's reads run at once, outside any transaction (this subscription is
 * the only writer of its tables), and its writes are kept and sent in one
 * message behind the checkpoint's move, which PostgreSQL runs as one
 * transaction. The move is conditional on the checkpoint being where this
 * subscription left it: a rebuild that swapped the tables meanwhile makes it
 * fail, and the batch is dropped and re-read from the new checkpoint. The commit
 * is asynchronous: a crash can lose only the last batches, together with their
 * checkpoint, and they are applied again from the log.
 */
class ProjectionBatches implements SubscriptionHandler<LogCheckpoint> {
  constructor(
    private readonly projection: Projection,
    private readonly onProgress: (name: string, checkpoint: LogCheckpoint) => void,
  ) {}

  async handle(events: readonly RecordedEvent[], from: LogCheckpoint, { connection }: { connection?: PoolClient }): Promise<void> {
    if (!connection) throw new Error('A projection runs on a connection of its own');
    const to = checkpointOf(events[events.length - 1]);
    const writes: Statement[] = [];
    await this.projection.apply(new TableWriter(readsNowWritesLater(connection, writes)), events, liveTables(this.projection));
    const move: Statement = {
      text: `SELECT set_config('synchronous_commit', 'off', true), advance_projection_checkpoint($1, $2, $3, $4, $5)`,
      values: [this.projection.name, from.transactionId, from.position, to.transactionId, to.position],
    };
    const single = oneStatement(move, writes);
    try {
      if (single) await connection.query(prepared(single.text, [...single.values]));
      else await connection.query(oneMessage([move, ...writes]));
    } catch (error) {
      if ((error as { code?: string }).code === CHECKPOINT_MOVED) throw new CheckpointMoved();
      throw error;
    }
    this.onProgress(this.projection.name, to);
  }
}

/**
 * What a projection's apply() queries through in a live batch: a SELECT runs at
 * once; any other statement is kept in `writes`, answers no rows, and goes to
 * the database with the checkpoint's move. So a projection reads only what was
 * there before the batch, and never depends on what a write returns.
 */
function readsNowWritesLater(client: PoolClient, writes: Statement[]): Queryable {
  const query = async (textOrConfig: string | QueryConfig, values?: unknown[]) => {
    const statement =
      typeof textOrConfig === 'string'
        ? { text: textOrConfig, values: values ?? [] }
        : { text: textOrConfig.text, values: textOrConfig.values ?? [] };
    if (/^\s*SELECT\b/i.test(statement.text)) return client.query(textOrConfig, values);
    writes.push(statement);
    return { rows: [], rowCount: 0, command: '', oid: 0, fields: [] };
  };
  return { query } as unknown as Queryable;
}
