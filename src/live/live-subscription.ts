import type { FeedEnvelope } from '../event-store/event-envelope.js';
import type { RecordedEvent } from '../event-store/event-types.js';
import type { LiveCursor } from './live-cursor.js';

/** Live events held for one subscriber before it is cut off to catch up from the store on reconnect. */
const MAX_INBOX = 10_000;

export type Send = (event: RecordedEvent) => Promise<void>;

/**
 * One client's live stream. It is registered with the feed before anything is
 * read, so every event published from then on lands in its inbox. Then it
 * replays from the store what came after the client's resume point, and only
 * then drains the inbox: an event it has already sent (the replay and the feed
 * overlap) is dropped, and one that does not follow on from the last event sent
 * (the feed got ahead, or something was never published here) makes it read
 * the store again. So the client gets every event once, in log order.
 */
export class LiveSubscription {
  private readonly inbox: FeedEnvelope[] = [];
  private cursor: LiveCursor | undefined;
  private working: Promise<void> | undefined;
  private replayWanted = true;
  private stopped = false;

  constructor(
    /** Known before the cursor, so events can be buffered while the resume point is looked up. */
    readonly streamId: string | undefined,
    private readonly send: Send,
    private readonly fail: (error: Error) => void,
  ) {}

  /** Every event the feed publishes while subscribed; cheap and synchronous, the work happens later. */
  offer(event: FeedEnvelope): void {
    if (this.stopped || (this.streamId !== undefined && event.streamId !== this.streamId)) return;
    if (this.inbox.length >= MAX_INBOX) {
      this.stop();
      this.fail(new Error('the client fell too far behind'));
      return;
    }
    this.inbox.push(event);
    if (this.cursor) this.kick();
  }

  start(cursor: LiveCursor): void {
    this.cursor = cursor;
    this.kick();
  }

  stop(): void {
    this.stopped = true;
    this.inbox.length = 0;
  }

  /** Resolves once everything offered or replayable so far has been sent. */
  async settled(): Promise<void> {
    while (this.working) await this.working;
  }

  private kick(): void {
    if (this.working || this.stopped) return;
    this.working = this.work()
      .catch((error: Error) => {
        this.stop();
        this.fail(error);
      })
      .finally(() => {
        this.working = undefined;
        if (this.inbox.length > 0) this.kick();
      });
  }

  private async work(): Promise<void> {
    const cursor = this.cursor!;
    if (this.replayWanted) {
      this.replayWanted = false;
      await this.replay(cursor);
    }
    while (this.inbox.length > 0 && !this.stopped) {
      const event = this.inbox.shift()!;
      if (cursor.hasSeen(event)) continue;
      if (cursor.follows(event)) {
        cursor.advance(event);
        await this.send(event);
        continue;
      }
      await this.replay(cursor);
      if (!cursor.hasSeen(event)) {
        throw new Error(`event at position ${event.position} was published but is not in the store`);
      }
    }
  }

  private async replay(cursor: LiveCursor): Promise<void> {
    for (;;) {
      const missed = await cursor.readMissed();
      if (missed.length === 0 || this.stopped) return;
      for (const event of missed) {
        cursor.advance(event);
        if (cursor.wants(event)) await this.send(event);
        if (this.stopped) return;
      }
    }
  }
}
