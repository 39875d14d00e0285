import type { Queryable } from '../../database/database.js';
import { checkpointOf, type FeedEnvelope } from '../event-envelope.js';
import type { EventLog } from '../event-log.js';
import type { EventStore } from '../event-store.js';
import { compareCheckpoints, type LogCheckpoint, type RecordedEvent } from '../event-types.js';

const PAGE = 500;

/**
 * Where one subscriber stands in what it follows, and how to read from the
 * store what it has not handled yet. The subscription never compares anything
 * itself: it asks the cursor, so "the whole log" and "one order's stream" share
 * the same hand-over from catching up to live.
 */
export interface SubscriptionCursor<P = unknown> {
  /** Where the subscriber stands: a log checkpoint, or a stream version. */
  readonly position: P;
  /** False for events this subscriber never sees (another order's). */
  wants(event: RecordedEvent): boolean;
  /** Handled already, or from before where the subscriber started. */
  hasSeen(event: RecordedEvent): boolean;
  /** Comes straight after the last event handled: nothing can be missing in between. */
  follows(event: FeedEnvelope): boolean;
  /** `next` comes straight after `previous`, which has not been handled yet (a batch's next event). */
  chains(previous: RecordedEvent, next: FeedEnvelope): boolean;
  advance(event: RecordedEvent): void;
  /** The next events after the last one passed, from the store; empty once caught up. */
  readMissed(): Promise<RecordedEvent[]>;
}

/**
 * The whole log, in the store's commit-safe (transaction id, position) order.
 * The feed delivers the same order, so a live event follows on exactly when its
 * `previous` checkpoint is the last one this subscriber passed.
 */
export class LogCursor implements SubscriptionCursor<LogCheckpoint> {
  constructor(
    /** The store, or anything that reads the log the same way (a live stream reads through ReadRouter, replica first). */
    private readonly store: Pick<EventLog, 'readAll'>,
    private last: LogCheckpoint,
    private readonly options: { pageSize?: number; connection?: Queryable } = {},
  ) {}

  get position(): LogCheckpoint {
    return this.last;
  }

  wants(): boolean {
    return true;
  }

  hasSeen(event: RecordedEvent): boolean {
    return compareCheckpoints(checkpointOf(event), this.last) <= 0;
  }

  follows(event: FeedEnvelope): boolean {
    return compareCheckpoints(event.previous, this.last) === 0;
  }

  chains(previous: RecordedEvent, next: FeedEnvelope): boolean {
    return compareCheckpoints(next.previous, checkpointOf(previous)) === 0;
  }

  advance(event: RecordedEvent): void {
    this.last = checkpointOf(event);
  }

  readMissed(): Promise<RecordedEvent[]> {
    return this.store.readAll(this.last, this.options.pageSize ?? PAGE, this.options.connection);
  }
}

/**
 * One order's stream. Its versions have no holes and each is committed only
 * after the one before it, so the version alone says what was handled, and the
 * order's own stream (a handful of events) is what a gap is read back from,
 * instead of the whole log.
 */
export class StreamCursor implements SubscriptionCursor<number> {
  constructor(
    private readonly store: EventStore,
    private readonly streamId: string,
    private version: number,
  ) {}

  get position(): number {
    return this.version;
  }

  wants(event: RecordedEvent): boolean {
    return event.streamId === this.streamId;
  }

  hasSeen(event: RecordedEvent): boolean {
    return event.version <= this.version;
  }

  follows(event: FeedEnvelope): boolean {
    return event.version === this.version + 1;
  }

  chains(previous: RecordedEvent, next: FeedEnvelope): boolean {
    return next.streamId === previous.streamId && next.version === previous.version + 1;
  }

  advance(event: RecordedEvent): void {
    this.version = event.version;
  }

  readMissed(): Promise<RecordedEvent[]> {
    return this.store.readStream(this.streamId, { fromVersion: this.version + 1 });
  }
}
