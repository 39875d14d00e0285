import type { NewDataKey } from './event-data-codec.js';

/** One single-event append waiting for its turn. */
export interface BatchedAppend {
  readonly streamId: string;
  readonly eventId: string;
  /** The event's version: the expected version + 1. */
  readonly version: number;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: string;
  readonly metadata: string;
  readonly occurredAt: Date;
  /** The event's data key, when it holds personal data: stored by the same statement. */
  readonly key?: NewDataKey;
}

/** What PostgreSQL chose for a row it stored. */
export interface StoredRow {
  readonly position: string;
  readonly transaction_id: string;
}

interface Waiting {
  readonly append: BatchedAppend;
  resolve(row: StoredRow | undefined): void;
  reject(error: unknown): void;
}

export interface AppendBatcherOptions {
  /** Writes a batch in one statement; answers, per append in order, its row or undefined when it lost a race. */
  readonly write: (batch: readonly BatchedAppend[]) => Promise<ReadonlyArray<StoredRow | undefined>>;
  /** Batches written at once. The first `concurrency` appends never wait for anyone. */
  readonly concurrency: number;
  /** The most appends one statement carries. */
  readonly maxBatch: number;
  /** Called once per written batch, after it committed. */
  readonly onWritten?: (batch: readonly BatchedAppend[]) => void;
}

/**
 * Group commit for single-event appends. While fewer than `concurrency` batches
 * are being written, an append goes out at once, alone, so an idle store adds
 * no latency. Under load the appends that arrive meanwhile queue up and leave
 * together as the next batch: one statement, one round trip and one commit
 * (one WAL flush) for all of them, each still checked against its own
 * expected version, so a lost race fails only its own append.
 *
 * Two appends to one stream never share a batch (the later one would be checked
 * against a version the same statement is still writing, and fail): the later
 * one goes in a later batch. Like any two concurrent appends to one stream, it
 * may still meet the earlier one uncommitted and lose the race: optimistic
 * concurrency, as without batching. Serialising them per stream instead would
 * turn a contended stream's racing writers into a queue of round trips.
 */
export class AppendBatcher {
  private readonly queue: Waiting[] = [];
  private writing = 0;

  constructor(private readonly options: AppendBatcherOptions) {
    if (options.concurrency < 1 || options.maxBatch < 1) throw new Error('AppendBatcher needs concurrency and maxBatch ≥ 1');
  }

  /** Resolves with the stored row once it has committed, or undefined when the stream was not at the expected version. */
  submit(append: BatchedAppend): Promise<StoredRow | undefined> {
    return new Promise((resolve, reject) => {
      this.queue.push({ append, resolve, reject });
      this.pump();
    });
  }

  /** Appends waiting for a batch, and batches being written: for metrics and tests. */
  get pending(): { queued: number; writing: number } {
    return { queued: this.queue.length, writing: this.writing };
  }

  private pump(): void {
    while (this.writing < this.options.concurrency && this.queue.length > 0) {
      const batch = this.takeBatch();
      this.writing++;
      void this.write(batch).finally(() => {
        this.writing--;
        this.pump();
      });
    }
  }

  /** The oldest waiting appends, at most one per stream and maxBatch in all; the rest keep their order. */
  private takeBatch(): Waiting[] {
    const batch: Waiting[] = [];
    const streams = new Set<string>();
    const rest: Waiting[] = [];
    for (const waiting of this.queue) {
      const stream = waiting.append.streamId;
      if (batch.length < this.options.maxBatch && !streams.has(stream)) {
        streams.add(stream);
        batch.push(waiting);
      } else {
        rest.push(waiting);
      }
    }
    this.queue.length = 0;
    this.queue.push(...rest);
    return batch;
  }

  private async write(batch: Waiting[]): Promise<void> {
    let rows: ReadonlyArray<StoredRow | undefined>;
    try {
      rows = await this.options.write(batch.map((w) => w.append));
    } catch (error) {
      // A statement PostgreSQL refused wrote nothing: one append's problem must not
      // become its neighbours', so each goes again on its own and meets its own fate.
      if (batch.length > 1 && isServerError(error)) {
        await Promise.all(batch.map((w) => this.write([w])));
        return;
      }
      for (const w of batch) w.reject(error);
      return;
    }
    this.options.onWritten?.(batch.map((w) => w.append));
    batch.forEach((w, i) => w.resolve(rows[i]));
  }
}

/**
 * An error PostgreSQL answered (it has a SQLSTATE): the statement ran and was
 * rolled back. Anything else (a lost connection) may have committed, so it is
 * not retried here.
 */
function isServerError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('08') && !code.startsWith('57');
}
