import { Logger } from '@nestjs/common';
import type { PoolClient } from 'pg';
import type { FeedEnvelope } from '../event-envelope.js';
import type { RecordedEvent } from '../event-types.js';
import type { SubscriptionCursor } from './subscription-cursor.js';
import { Leadership } from './leadership.js';
import { CheckpointMoved, SubscriberGone } from './subscription-errors.js';
import type { SubscriptionOptions, SubscriptionStatus } from './subscription-options.js';

export type { HandleContext, SubscriptionHandler, SubscriptionOptions, SubscriptionStatus } from './subscription-options.js';

/**
 * The one way anything here follows the event log: a named subscriber that
 * stands at a cursor, takes the events the EventFeed delivers (offer) while they
 * follow on from it, and reads the store itself across any gap (a restart, a
 * failure, a batch it could not take in time). Optionally it runs in one
 * instance at a time (an advisory lock) on a connection of its own, and retries
 * failures with backoff. Projections, webhook deliveries and every live client
 * are subscriptions; they differ only in their handler and options.
 */
export class Subscription<P> {
  private readonly logger: Logger;
  private readonly inbox: FeedEnvelope[] = [];
  private cursor: SubscriptionCursor<P> | undefined;
  private statusValue: SubscriptionStatus = 'starting';
  private lastErrorValue: string | undefined;
  private failures = 0;
  private leading = false;
  private connection: PoolClient | undefined;
  private term: AbortController | undefined;
  private replayWanted = true;
  private reopenWanted = false;
  private working: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private leadership: Leadership | undefined;
  private paused = 0;
  private stopped = false;

  constructor(private readonly options: SubscriptionOptions<P>) {
    this.logger = options.logger ?? new Logger(`Subscription ${options.name}`);
  }

  get name(): string {
    return this.options.name;
  }

  get status(): SubscriptionStatus {
    return this.statusValue;
  }

  /** Where the subscriber stands, as far as this instance knows. */
  get position(): P | undefined {
    return this.cursor?.position;
  }

  get lastError(): string | undefined {
    return this.lastErrorValue;
  }

  /** Runs here: holds its lock (or needs none) and has started. */
  get isLeader(): boolean {
    return this.leading;
  }

  /** Starts at `cursor`, or where options.open says; with leadership, once the lock is taken. */
  async start(cursor?: SubscriptionCursor<P>): Promise<void> {
    this.stopped = false;
    this.cursor = cursor;
    const { leadership } = this.options;
    if (!leadership) {
      await this.begin();
      return;
    }
    this.leadership = new Leadership(
      leadership,
      {
        begin: async () => {
          this.cursor = undefined;
          const begun = await this.begin();
          if (begun) this.logger.log(`Running here from ${where(this.position)}`);
          return begun;
        },
        end: () => this.standDown(),
        standBy: () => {
          if (!this.stopped) this.statusValue = 'standby';
        },
      },
      this.logger,
    );
    await this.leadership.start();
  }

  async stop(): Promise<void> {
    this.end();
    await this.working;
    await this.resign();
    await this.leadership?.stop();
    this.statusValue = 'stopped';
  }

  /**
   * An event the feed delivers; cheap and synchronous, the work happens later.
   * Kept from before start() too: a live client subscribes before its resume
   * point is looked up, so nothing delivered meanwhile is lost.
   */
  offer(envelope: FeedEnvelope): void {
    // Standing by or backing off: the store is read anyway when it runs again.
    if (this.stopped || !(this.leading || this.statusValue === 'starting') || this.statusValue === 'failed') return;
    if (this.cursor && !this.cursor.wants(envelope)) return;
    if (this.inbox.length >= this.options.inbox.max) {
      this.inbox.length = 0;
      const { whenFull } = this.options.inbox;
      if (whenFull !== 'replay') {
        this.options.onFailure?.(new Error(whenFull.fail), ++this.failures);
        void this.endHere();
        return;
      }
      this.replayWanted = true;
    } else {
      this.inbox.push(envelope);
    }
    this.kick();
  }

  /** Reads the store from the cursor, whatever the feed has delivered. */
  nudge(): void {
    if (!this.leading) return;
    this.replayWanted = true;
    this.kick();
  }

  /** Resolves once everything offered or readable so far has been handled. */
  async settled(): Promise<void> {
    while (this.working) await this.working;
  }

  /** Holds the subscription still while `work` runs (a rebuild swaps tables under it), then reads where it stands again. */
  async whilePaused<T>(work: () => Promise<T>): Promise<T> {
    this.paused++;
    try {
      await this.working;
      return await work();
    } finally {
      this.paused--;
      this.reopenWanted = true;
      this.kick();
    }
  }

  /** Starts running here; false when stop() landed meanwhile. */
  private async begin(): Promise<boolean> {
    // A term that ended with a lost lock may still be finishing a write: never run two at once.
    // (No await when there is nothing to wait for: a live client's first replay starts in the same tick.)
    if (this.working) await this.working;
    // A lost connection is noticed by the next statement on it (see failed()).
    const connection = this.options.ownConnection ? await this.options.ownConnection.checkout(ignoreError) : undefined;
    if (this.stopped) {
      connection?.release();
      return false;
    }
    this.connection = connection;
    this.leading = true;
    this.term = new AbortController();
    if (!this.cursor) this.cursor = await this.open();
    this.statusValue = 'catching-up';
    this.replayWanted = true;
    this.kick();
    return true;
  }

  private open(): Promise<SubscriptionCursor<P>> {
    if (!this.options.open) throw new Error(`Subscription ${this.name} has no cursor to start from`);
    return this.options.open(this.connection);
  }

  private kick(): void {
    if (this.working || this.paused > 0 || this.stopped || !this.leading || this.statusValue === 'failed') return;
    this.working = this.work().finally(() => {
      this.working = undefined;
      if ((this.inbox.length > 0 || this.replayWanted || this.reopenWanted) && this.statusValue !== 'failed') this.kick();
    });
  }

  private running(): boolean {
    return this.leading && !this.stopped && this.paused === 0;
  }

  private async work(): Promise<void> {
    try {
      while (this.running()) {
        if (this.reopenWanted) {
          this.reopenWanted = false;
          this.cursor = await this.open();
          this.replayWanted = true;
        }
        const cursor = this.cursor!;
        if (this.replayWanted) {
          this.replayWanted = false;
          this.statusValue = 'catching-up';
          await this.replay(cursor);
          continue;
        }
        const next = this.inbox.shift();
        if (!next) break;
        if (!cursor.wants(next) || cursor.hasSeen(next)) continue;
        if (!cursor.follows(next)) {
          await this.replay(cursor);
          if (this.running() && !cursor.hasSeen(next)) {
            throw new Error(`event at position ${next.position} was published but is not in the store`);
          }
          continue;
        }
        // Whatever else is waiting and follows on goes into the same call.
        const batch: RecordedEvent[] = [next];
        while (this.inbox.length > 0 && batch.length < this.options.batchSize && cursor.chains(batch[batch.length - 1], this.inbox[0])) {
          batch.push(this.inbox.shift()!);
        }
        await this.handle(cursor, batch);
      }
      if (this.running() && this.statusValue !== 'failed') this.statusValue = 'live';
    } catch (error) {
      await this.failed(error as Error);
    }
  }

  private async replay(cursor: SubscriptionCursor<P>): Promise<void> {
    for (;;) {
      const page = await cursor.readMissed();
      if (page.length === 0 || !this.running()) return;
      await this.handle(cursor, page);
    }
  }

  private async handle(cursor: SubscriptionCursor<P>, events: readonly RecordedEvent[]): Promise<void> {
    const wanted = events.filter((event) => cursor.wants(event));
    if (wanted.length > 0) {
      await this.options.handler.handle(wanted, cursor.position, { signal: this.term!.signal, connection: this.connection });
    }
    if (this.term?.signal.aborted) return;
    cursor.advance(events[events.length - 1]);
    this.failures = 0;
    this.lastErrorValue = undefined;
  }

  private async failed(error: Error): Promise<void> {
    if (this.stopped || !this.leading) return;
    if (error instanceof CheckpointMoved) {
      this.reopenWanted = true;
      return;
    }
    if (error instanceof SubscriberGone) {
      this.logger.log(`${error.message || 'The subscriber is gone'}: the subscription ends`);
      await this.endHere();
      return;
    }
    this.failures++;
    this.lastErrorValue = error.message;
    this.inbox.length = 0;
    this.options.onFailure?.(error, this.failures);
    if (this.connection && !(await this.connectionAlive())) {
      this.logger.warn(`Lost its database connection: ${error.message}`);
      await this.resign();
      this.statusValue = 'standby';
      await this.leadership?.stepDown();
      return;
    }
    const { retryDelayMs } = this.options;
    if (!retryDelayMs) {
      await this.endHere();
      return;
    }
    this.statusValue = 'failed';
    const delay = retryDelayMs(this.failures);
    this.logger.error(`Stopped at ${where(this.cursor?.position)}: ${error.message}; retrying in ${delay} ms`);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (this.stopped || !this.leading) return;
      this.statusValue = 'catching-up';
      this.reopenWanted = true;
      this.kick();
    }, delay);
  }

  private async connectionAlive(): Promise<boolean> {
    try {
      await this.connection?.query('SELECT 1');
      return this.connection !== undefined;
    } catch {
      return false;
    }
  }

  /** The lead is gone: the work in hand ends, then the connection goes back. */
  private async standDown(): Promise<void> {
    this.term?.abort();
    await this.working;
    await this.resign();
  }

  private end(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.inbox.length = 0;
    this.term?.abort();
  }

  /** stop() from inside the work itself, which must not wait for itself to finish. */
  private async endHere(): Promise<void> {
    this.end();
    await this.resign();
    await this.leadership?.stop();
    this.statusValue = 'stopped';
  }

  /** Gives up running here; never while the work still uses the connection (the callers see to that). */
  private async resign(): Promise<void> {
    this.leading = false;
    this.inbox.length = 0;
    this.term?.abort();
    const connection = this.connection;
    this.connection = undefined;
    connection?.release(!(await isClean(connection)));
  }
}

const ignoreError = (): void => undefined;

/** A connection goes back to the pool only if it still answers. */
async function isClean(connection: PoolClient): Promise<boolean> {
  try {
    await connection.query('SELECT 1');
    return true;
  } catch {
    return false;
  }
}

function where(position: unknown): string {
  if (position && typeof position === 'object' && 'position' in position) return `position ${(position as { position: number }).position}`;
  return position === undefined ? 'the start' : `version ${String(position)}`;
}
