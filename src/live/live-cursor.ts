import { checkpointOf, type FeedEnvelope } from '../event-store/event-envelope.js';
import type { EventStore } from '../event-store/event-store.js';
import { compareCheckpoints, type LogCheckpoint, type RecordedEvent } from '../event-store/event-types.js';

const PAGE = 500;

/**
 * Where one live subscriber stands in what it watches, and how to read from the
 * store what it has not been sent yet. The subscription never compares anything
 * itself: it asks the cursor, so "every event" and "one order's events" share
 * the same hand-over from replay to live.
 */
export interface LiveCursor {
  /** False for events this subscriber never sees (another order's). */
  wants(event: RecordedEvent): boolean;
  /** Sent already, or from before where the subscriber started. */
  hasSeen(event: RecordedEvent): boolean;
  /** Comes straight after the last event sent: nothing can be missing in between. */
  follows(event: FeedEnvelope): boolean;
  advance(event: RecordedEvent): void;
  /** The next events after the last one passed, from the store; empty once caught up. */
  readMissed(): Promise<RecordedEvent[]>;
}

/**
 * The whole log, in the store's commit-safe (transaction id, position) order.
 * The feed publishes the same order, so a live event follows on exactly when
 * its `previous` checkpoint is the last one this subscriber passed.
 */
export class LogCursor implements LiveCursor {
  constructor(
    private readonly store: EventStore,
    private last: LogCheckpoint,
  ) {}

  wants(): boolean {
    return true;
  }

  hasSeen(event: RecordedEvent): boolean {
    return compareCheckpoints(checkpointOf(event), this.last) <= 0;
  }

  follows(event: FeedEnvelope): boolean {
    return compareCheckpoints(event.previous, this.last) === 0;
  }

  advance(event: RecordedEvent): void {
    this.last = checkpointOf(event);
  }

  readMissed(): Promise<RecordedEvent[]> {
    return this.store.readAll(this.last, PAGE);
  }
}

/**
 * One order's stream. Its versions have no holes and each is committed only
 * after the one before it, so the version alone says what was sent, and the
 * order's own stream (a handful of events) is what a gap is read back from,
 * instead of the whole log.
 */
export class StreamCursor implements LiveCursor {
  constructor(
    private readonly store: EventStore,
    private readonly streamId: string,
    private version: number,
  ) {}

  wants(event: RecordedEvent): boolean {
    return event.streamId === this.streamId;
  }

  hasSeen(event: RecordedEvent): boolean {
    return event.version <= this.version;
  }

  follows(event: FeedEnvelope): boolean {
    return event.version === this.version + 1;
  }

  advance(event: RecordedEvent): void {
    this.version = event.version;
  }

  readMissed(): Promise<RecordedEvent[]> {
    return this.store.readStream(this.streamId, { fromVersion: this.version + 1 });
  }
}
