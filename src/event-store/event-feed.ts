import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { checkpointOf, type FeedEnvelope } from './event-envelope.js';
import { EventStore } from './event-store.js';
import { LOG_START, type LogCheckpoint } from './event-types.js';
import { EVENTS_APPENDED, LogNotifier } from './log-notifier.js';

const BATCH = 500;
const POLL_MS = 1_000;
const HELD_BACK_MIN_MS = 2;
const HELD_BACK_MAX_MS = 50;

/** Hears every envelope the feed delivers, in log order; it must not throw, nor wait. */
export type FeedSubscriber = (envelope: FeedEnvelope) => void;

/**
 * Follows the event log in commit order for this instance: whatever instance
 * wrote an event, it is delivered here once it is safely committed, straight to
 * each subscriber (the projections, the webhooks, the live streams: each a
 * Subscription, see subscription/). Woken by LISTEN/NOTIFY
 * (and at once by appends in this process), with a slow poll as the fallback.
 * A subscription checks the `previous` link of each envelope and reads the log
 * itself across any gap, so one reader here serves them all without a query each.
 */
@Injectable()
export class EventFeed implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(EventFeed.name);
  private heldBackTimer: NodeJS.Timeout | undefined;
  private heldBackDelayMs = HELD_BACK_MIN_MS;
  private checkpoint: LogCheckpoint = LOG_START;
  private reading: Promise<void> | undefined;
  private again = false;
  private running = false;
  private poll: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly subscribers = new Set<FeedSubscriber>();

  constructor(
    private readonly store: EventStore,
    private readonly notifier: LogNotifier,
  ) {}

  /** Delivers every event committed from now on; returns the way to stop. */
  subscribe(subscriber: FeedSubscriber): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.notifier.start();
    await this.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
    await this.notifier.stop();
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.checkpoint = await this.store.headCheckpoint();
    this.running = true;
    this.unsubscribe = this.notifier.on(EVENTS_APPENDED, () => this.wake());
    this.poll = setInterval(() => this.wake(), POLL_MS);
    this.poll.unref();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.poll);
    clearTimeout(this.heldBackTimer);
    this.unsubscribe?.();
    await this.reading;
  }

  /** Where the feed stands: events up to here have been published. */
  get position(): LogCheckpoint {
    return this.checkpoint;
  }

  wake(): void {
    if (!this.running) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = this.readAvailable().finally(() => {
      this.reading = undefined;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  /**
   * Committed events are held back behind an older transaction still open (a
   * projection's batch, say); it will send no notification when it ends, so look
   * again shortly, backing off while it lasts.
   */
  private retrySoon(): void {
    if (!this.running || this.heldBackTimer) return;
    this.heldBackTimer = setTimeout(() => {
      this.heldBackTimer = undefined;
      this.wake();
    }, this.heldBackDelayMs);
    this.heldBackDelayMs = Math.min(this.heldBackDelayMs * 2, HELD_BACK_MAX_MS);
  }

  private async readAvailable(): Promise<void> {
    try {
      for (;;) {
        const { events: page, heldBack } = await this.store.readAllPage(this.checkpoint, BATCH);
        for (const recorded of page) {
          const envelope: FeedEnvelope = { ...recorded, previous: this.checkpoint };
          this.checkpoint = checkpointOf(recorded);
          for (const subscriber of this.subscribers) subscriber(envelope);
        }
        if (heldBack) {
          this.retrySoon();
          return;
        }
        this.heldBackDelayMs = HELD_BACK_MIN_MS;
        if (page.length < BATCH || !this.running) return;
      }
    } catch (error) {
      // The next wake-up or poll reads again from the same checkpoint.
      this.logger.warn(`Reading the event log failed: ${(error as Error).message}`);
    }
  }
}
