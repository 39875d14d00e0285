import { Logger } from '@nestjs/common';
import type { PoolClient, QueryConfig } from 'pg';
import { Database, type Queryable } from '../database/database.js';
import { checkpointOf, type FeedEnvelope } from '../event-store/event-envelope.js';
import { EventStore } from '../event-store/event-store.js';
import { compareCheckpoints, type LogCheckpoint, type RecordedEvent } from '../event-store/event-types.js';
import { liveTables, type Projection } from './projection.js';
import { oneMessage, type Statement } from './table-rows.js';

export type RunnerStatus = 'starting' | 'standby' | 'catching-up' | 'live' | 'failed' | 'stopped';

export interface RunnerOptions {
  batchSize: number;
  lockRetryMs: number;
  maxBackoffMs: number;
  onProgress: (name: string, checkpoint: LogCheckpoint) => void;
}

/**
 * Runs one projection in at most one app instance at a time: the holder of a
 * PostgreSQL advisory lock, on a connection of its own that also carries every
 * write, so the lock goes the moment that instance dies and another takes over.
 *
 * Events come from the EventFeed; one that does not follow straight on from the
 * checkpoint (a gap after a restart, a failure, another instance's writes) makes
 * the runner read the log itself from its checkpoint. A failing batch holds the
 * checkpoint where it is and is retried with backoff; the other projections go on.
 */
export class ProjectionRunner {
  private readonly logger: Logger;
  private client: PoolClient | undefined;
  private checkpointValue: LogCheckpoint = { transactionId: '0', position: 0 };
  private statusValue: RunnerStatus = 'starting';
  private lastErrorValue: string | undefined;
  private failures = 0;
  private queue: FeedEnvelope[] = [];
  private catchUpWanted = true;
  private working: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private paused = 0;
  private stopped = false;

  constructor(
    readonly projection: Projection,
    private readonly db: Database,
    private readonly store: EventStore,
    private readonly options: RunnerOptions,
  ) {
    this.logger = new Logger(`Projection ${projection.name}`);
  }

  get name(): string {
    return this.projection.name;
  }

  get status(): RunnerStatus {
    return this.statusValue;
  }

  get checkpoint(): LogCheckpoint {
    return this.checkpointValue;
  }

  get lastError(): string | undefined {
    return this.lastErrorValue;
  }

  get isLeader(): boolean {
    return this.client !== undefined;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.db.query('INSERT INTO projection_checkpoints (name) VALUES ($1) ON CONFLICT (name) DO NOTHING', [this.name]);
    await this.tryToLead();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.working;
    this.statusValue = 'stopped';
    await this.resign();
  }

  /** From the EventFeed: applied at once when it follows the checkpoint, else the log is read. */
  deliver(envelope: FeedEnvelope): void {
    // A failed runner re-reads the log when its backoff ends; queueing meanwhile would only grow memory.
    if (!this.isLeader || this.stopped || this.statusValue === 'failed') return;
    this.queue.push(envelope);
    this.kick();
  }

  /** Reads the log from the checkpoint, whatever the bus has delivered. */
  nudge(): void {
    if (!this.isLeader) return;
    this.catchUpWanted = true;
    this.kick();
  }

  /** Holds the runner still while `work` runs: rebuilds use it to swap tables under it. */
  async whilePaused<T>(work: () => Promise<T>): Promise<T> {
    this.paused++;
    try {
      await this.working;
      return await work();
    } finally {
      this.paused--;
      await this.reloadCheckpoint().catch(() => undefined);
      this.nudge();
    }
  }

  private kick(): void {
    if (this.working || this.paused > 0 || this.stopped || !this.client || this.statusValue === 'failed') return;
    this.working = this.work().finally(() => {
      this.working = undefined;
      if ((this.queue.length > 0 || this.catchUpWanted) && this.statusValue !== 'failed') this.kick();
    });
  }

  private async work(): Promise<void> {
    try {
      while (this.client && !this.stopped && this.paused === 0) {
        if (this.catchUpWanted) {
          this.catchUpWanted = false;
          this.queue = [];
          await this.catchUp();
          continue;
        }
        const next = this.queue.shift();
        if (!next) break;
        if (compareCheckpoints(checkpointOf(next), this.checkpointValue) <= 0) continue;
        if (compareCheckpoints(next.previous, this.checkpointValue) !== 0) {
          this.catchUpWanted = true;
          continue;
        }
        // Whatever else is queued and follows on goes into the same transaction.
        const batch: RecordedEvent[] = [next];
        let last = checkpointOf(next);
        while (this.queue.length > 0 && batch.length < this.options.batchSize && compareCheckpoints(this.queue[0].previous, last) === 0) {
          const following = this.queue.shift()!;
          batch.push(following);
          last = checkpointOf(following);
        }
        await this.applyBatch(batch);
      }
      if (this.statusValue !== 'failed' && this.client) this.statusValue = 'live';
    } catch (error) {
      await this.failed(error);
    }
  }

  private async catchUp(): Promise<void> {
    this.statusValue = 'catching-up';
    for (;;) {
      // On the runner's own connection: no wait behind the requests queued for the pool.
      const page = await this.store.readAll(this.checkpointValue, this.options.batchSize, this.client);
      if (page.length > 0) await this.applyBatch(page);
      if (page.length < this.options.batchSize || this.stopped || this.paused > 0) return;
    }
  }

  /**
   * A batch costs two round trips, however many statements it takes: the
   * projection's reads run at once, outside any transaction (this runner is the
   * only writer of its tables), and its writes are kept and sent in one message
   * behind the checkpoint's move, which PostgreSQL runs as one transaction. The
   * move is conditional on the checkpoint being where this runner left it: a
   * rebuild that swapped the tables meanwhile makes it fail, and the batch is
   * dropped and re-read from the new checkpoint. The commit is asynchronous: a
   * crash can lose only the last batches, together with their checkpoint, and they
   * are applied again from the log.
   */
  private async applyBatch(events: readonly RecordedEvent[]): Promise<void> {
    const client = this.client;
    if (!client) return;
    const from = this.checkpointValue;
    const to = checkpointOf(events[events.length - 1]);
    const writes: Statement[] = [];
    await this.projection.apply(readsNowWritesLater(client, writes), events, liveTables(this.projection));
    try {
      await client.query(
        oneMessage([
          { text: `SELECT set_config('synchronous_commit', 'off', true)`, values: [] },
          {
            text: 'SELECT advance_projection_checkpoint($1, $2, $3, $4, $5)',
            values: [this.name, from.transactionId, from.position, to.transactionId, to.position],
          },
          ...writes,
        ]),
      );
    } catch (error) {
      if ((error as { code?: string }).code !== CHECKPOINT_MOVED) throw error;
      await this.reloadCheckpoint();
      this.catchUpWanted = true;
      return;
    }
    this.checkpointValue = to;
    this.failures = 0;
    this.lastErrorValue = undefined;
    this.options.onProgress(this.name, to);
  }

  private async failed(error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    this.failures++;
    this.lastErrorValue = message;
    this.queue = [];
    this.catchUpWanted = true;
    if (this.client && !(await this.connectionAlive())) {
      this.logger.warn(`Lost its database connection: ${message}`);
      await this.resign();
      this.scheduleLeadAttempt();
      return;
    }
    this.statusValue = 'failed';
    const backoff = Math.min(this.options.maxBackoffMs, 100 * 2 ** Math.min(this.failures - 1, 16));
    const delay = Math.round(backoff / 2 + Math.random() * (backoff / 2));
    this.logger.error(`Stopped at position ${this.checkpointValue.position}: ${message}; retrying in ${delay} ms`);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (this.stopped) return;
      this.statusValue = 'catching-up';
      this.kick();
    }, delay);
  }

  private async connectionAlive(): Promise<boolean> {
    try {
      await this.client?.query('SELECT 1');
      return this.client !== undefined;
    } catch {
      return false;
    }
  }

  private async tryToLead(): Promise<void> {
    if (this.stopped) return;
    let client: PoolClient | undefined;
    try {
      // A lost connection is noticed by the next statement on it (see failed()).
      client = await this.db.checkout(ignoreError);
      const [{ locked }] = (
        await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [`projection:${this.name}`])
      ).rows;
      if (!locked) {
        client.release();
        this.statusValue = 'standby';
        this.scheduleLeadAttempt();
        return;
      }
      if (this.stopped) {
        // stop() landed while the lock was being taken: give it straight back.
        await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`projection:${this.name}`]);
        client.release();
        return;
      }
      this.client = client;
      await this.reloadCheckpoint();
      this.logger.log(`Running here from position ${this.checkpointValue.position}`);
      this.statusValue = 'catching-up';
      this.catchUpWanted = true;
      this.kick();
    } catch (error) {
      client?.release(true);
      this.client = undefined;
      this.lastErrorValue = (error as Error).message;
      this.statusValue = 'standby';
      this.scheduleLeadAttempt();
    }
  }

  private scheduleLeadAttempt(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tryToLead(), this.options.lockRetryMs);
    this.timer.unref();
  }

  private async reloadCheckpoint(): Promise<void> {
    const [row] = await this.db.query<{ transaction_id: string; position: string }>(
      'SELECT transaction_id::text AS transaction_id, position FROM projection_checkpoints WHERE name = $1',
      [this.name],
    );
    if (row) this.checkpointValue = { transactionId: row.transaction_id, position: Number(row.position) };
  }

  private async resign(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    try {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`projection:${this.name}`]);
      client.removeListener('error', ignoreError);
      client.release();
    } catch {
      client.release(true);
    }
  }
}

const ignoreError = (): void => undefined;

/** Raised by advance_projection_checkpoint when the checkpoint is not where the runner left it. */
const CHECKPOINT_MOVED = 'PZ001';

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
