import { Logger } from '@nestjs/common';
import type { PoolClient } from 'pg';
import type { FeedEnvelope } from '../event-envelope.js';
import type { RecordedEvent } from '../event-types.js';
import type { SubscriptionCursor } from './subscription-cursor.js';
import { Inbox } from './inbox.js';
import { Leadership } from './leadership.js';
import { answers, describePosition, giveBack, takeConnection } from './own-connection.js';
import { CheckpointMoved, SubscriberGone } from './subscription-errors.js';
import type { SubscriptionOptions, SubscriptionStatus } from './subscription-options.js';

export type { HandleContext, SubscriptionHandler, SubscriptionOptions, SubscriptionStatus } from './subscription-options.js';

/**
 * The one way anything here follows the event log: a named subscriber at a
 * cursor takes what the EventFeed delivers (offer) while it follows on, and reads
 * the store itself across any gap (a restart, a failure, a full inbox). Options:
 * one instance at a time (Leadership), a connection of its own, retries with
 * backoff. Projections, webhooks and every live client differ only in these.
 */
export class Subscription<P> {
  readonly name: string;
  private readonly logger: Logger;
  private readonly inbox: Inbox;
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
    this.name = options.name;
    this.logger = options.logger ?? new Logger(`Subscription ${options.name}`);
    this.inbox = new Inbox(options.inbox.max);
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
          if (begun) this.logger.log(`Running here from ${describePosition(this.position)}`);
          return begun;
        },
        // The lead is gone: the work in hand ends, then the connection goes back.
        end: async () => {
          this.term?.abort();
          await this.working;
          await this.resign();
        },
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
    await this.finish();
  }

  /** An event the feed delivers: kept (from before start() too, as a live client needs), handled later. */
  offer(envelope: FeedEnvelope): void {
    // Standing by or backing off: the store is read anyway when it runs again.
    if (this.stopped || !(this.leading || this.statusValue === 'starting') || this.statusValue === 'failed') return;
    if (this.cursor && !this.cursor.wants(envelope)) return;
    if (!this.inbox.put(envelope)) {
      const { whenFull } = this.options.inbox;
      if (whenFull !== 'replay') {
        this.options.onFailure?.(new Error(whenFull.fail), ++this.failures);
        void this.endHere();
        return;
      }
      this.replayWanted = true;
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
    const connection = this.options.ownConnection ? await takeConnection(this.options.ownConnection) : undefined;
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
      if ((this.inbox.size > 0 || this.replayWanted || this.reopenWanted) && this.statusValue !== 'failed') this.kick();
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
        const next = this.inbox.next(cursor, this.options.batchSize);
        if (!next) break;
        if ('batch' in next) {
          await this.handle(cursor, next.batch);
          continue;
        }
        await this.replay(cursor);
        if (this.running() && !cursor.hasSeen(next.gap)) {
          throw new Error(`event at position ${next.gap.position} was published but is not in the store`);
        }
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
    this.inbox.clear();
    this.options.onFailure?.(error, this.failures);
    if (this.connection && !(await answers(this.connection))) {
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
    this.logger.error(`Stopped at ${describePosition(this.cursor?.position)}: ${error.message}; retrying in ${delay} ms`);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (this.stopped || !this.leading) return;
      this.statusValue = 'catching-up';
      this.reopenWanted = true;
      this.kick();
    }, delay);
  }

  private end(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.term?.abort();
  }

  /** stop() from inside the work itself, which must not wait for itself to finish. */
  private async endHere(): Promise<void> {
    this.end();
    await this.finish();
  }

  private async finish(): Promise<void> {
    await this.resign();
    await this.leadership?.stop();
    this.statusValue = 'stopped';
  }

  /** Gives up running here; never while the work still uses the connection (the callers see to that). */
  private async resign(): Promise<void> {
    this.leading = false;
    this.inbox.clear();
    this.term?.abort();
    const connection = this.connection;
    this.connection = undefined;
    if (connection) await giveBack(connection);
  }
}
