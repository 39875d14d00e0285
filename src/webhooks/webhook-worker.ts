import { Logger } from '@nestjs/common';
import type { Database } from '../database/database.js';
import { checkpointOf } from '../event-store/event-envelope.js';
import type { EventRegistry } from '../event-store/event-registry.js';
import type { EventStore } from '../event-store/event-store.js';
import { LOG_START, type LogCheckpoint, type RecordedEvent } from '../event-store/event-types.js';
import { deliveryBody, deliveryHeaders } from './webhook-delivery.js';
import { CheckpointMoved, WebhookGone, WebhookProgress } from './webhook-progress.js';
import type { WebhookLocks } from './webhook-locks.js';
import { WebhookSender } from './webhook-sender.js';
import type { WebhookUrlPolicy } from './webhook-url-policy.js';

export interface WebhookDefinition {
  readonly id: string;
  readonly url: string;
  readonly eventTypes: readonly string[];
  readonly secret: string;
}

export interface WorkerOptions {
  /** Cap of the retry backoff, in ms. */
  readonly retryMaxMs: number;
  readonly timeoutMs: number;
  /** Consecutive failed attempts after which the webhook shows as failing. */
  readonly failingAfter: number;
  /** The slow poll behind LISTEN/NOTIFY, for events a notification did not announce. */
  readonly pollMs: number;
  readonly batchSize: number;
}

export interface WorkerDependencies {
  readonly db: Database;
  readonly store: EventStore;
  readonly registry: EventRegistry;
  readonly locks: WebhookLocks;
  readonly policy: WebhookUrlPolicy;
}

const RETRY_BASE_MS = 500;

/** Full jitter: anywhere between 0 and base * 2^(attempt - 1), capped. */
export function retryDelayMs(attempt: number, capMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, RETRY_BASE_MS * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  return Math.floor(random() * ceiling);
}

/**
 * Delivers one webhook's events, in log order, one at a time, at least once.
 * It runs in the one instance holding the webhook's advisory lock; elsewhere
 * it waits for the service to try the lock again. It reads the log itself
 * from its checkpoint, woken by the service on every append notification and
 * by a slow poll, and moves the checkpoint only once the receiver has answered
 * 2xx (or, for events the webhook does not want, past a whole page at once).
 * A failing receiver is retried with capped exponential backoff and full
 * jitter for as long as it takes; nothing is skipped. Nothing here holds a
 * pooled connection while waiting on the receiver.
 */
export class WebhookWorker {
  private readonly logger: Logger;
  private readonly sender: WebhookSender;
  private readonly progress: WebhookProgress;
  private readonly wanted: ReadonlySet<string> | 'all';
  private checkpoint: LogCheckpoint = LOG_START;
  private leading = false;
  private acquiring = false;
  private stopped = false;
  private term: AbortController | undefined;
  private running: Promise<void> | undefined;
  private wakePending = false;
  private wakeUp: (() => void) | undefined;
  private failing = false;

  constructor(
    readonly webhook: WebhookDefinition,
    private readonly deps: WorkerDependencies,
    private readonly options: WorkerOptions,
  ) {
    this.logger = new Logger(`Webhook ${webhook.id}`);
    this.sender = new WebhookSender(deps.policy, options.timeoutMs);
    this.progress = new WebhookProgress(deps.db, webhook.id);
    this.wanted = webhook.eventTypes.includes('*') ? 'all' : new Set(webhook.eventTypes);
  }

  get isLeader(): boolean {
    return this.leading;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Takes the webhook's lock if no instance holds it, and starts delivering. The service calls it on every tick. */
  async tryToLead(): Promise<void> {
    if (this.leading || this.acquiring || this.stopped) return;
    this.acquiring = true;
    try {
      // A term that ended with a lost lock may still be finishing a write: never run two at once.
      await this.running;
      if (!(await this.deps.locks.tryLock(this.webhook.id))) return;
      if (this.stopped) {
        await this.deps.locks.unlock(this.webhook.id);
        return;
      }
      this.leading = true;
      const term = new AbortController();
      this.term = term;
      this.running = this.run(term.signal);
    } catch (error) {
      this.logger.warn(`Could not try the lock: ${(error as Error).message}`);
    } finally {
      this.acquiring = false;
    }
  }

  /** The lock connection is gone, and the lock with it: another instance may be delivering now. */
  lostLock(): void {
    if (!this.leading) return;
    this.leading = false;
    this.term?.abort();
  }

  wake(): void {
    this.wakePending = true;
    this.wakeUp?.();
  }

  /** Aborts a delivery in flight (it is redelivered by whoever runs the webhook next) and gives the lock back. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.term?.abort();
    await this.running;
    if (this.leading) {
      this.leading = false;
      await this.deps.locks.unlock(this.webhook.id);
    }
    this.sender.close();
  }

  private async run(signal: AbortSignal): Promise<void> {
    let troubles = 0;
    while (!signal.aborted) {
      try {
        this.checkpoint = await this.progress.checkpoint();
        this.logger.log(`Delivering here from position ${this.checkpoint.position}`);
        let settling = 0;
        for (;;) {
          this.wakePending = false;
          const caughtUp = await this.deliverPage(signal);
          troubles = 0;
          if (signal.aborted) return;
          if (!caughtUp) continue;
          // Committed events behind a transaction that is still running are not readable yet, and
          // nothing will announce them once it ends: look again soon rather than at the next poll.
          settling = (await this.progress.committedAfter(this.checkpoint)) ? settling + 1 : 0;
          await this.idle(signal, settling > 0 ? Math.min(this.options.pollMs, 5 * 2 ** settling) : this.options.pollMs);
        }
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof WebhookGone) {
          this.logger.log('Deleted: deliveries stop');
          this.stopped = true;
          this.leading = false;
          await this.deps.locks.unlock(this.webhook.id);
          return;
        }
        if (error instanceof CheckpointMoved) continue;
        troubles++;
        const message = (error as Error).message;
        this.logger.warn(`Reading the log or saving progress failed: ${message}`);
        await this.progress.note(`Reading the event log or saving progress failed: ${message}`).catch(() => undefined);
        await sleep(retryDelayMs(troubles, this.options.retryMaxMs), signal);
      }
    }
  }

  /** Delivers one page of the log from the checkpoint; true when it reached the end of what is readable now. */
  private async deliverPage(signal: AbortSignal): Promise<boolean> {
    const page = await this.deps.store.readAll(this.checkpoint, this.options.batchSize);
    let skippedTo: LogCheckpoint | undefined;
    for (const recorded of page) {
      if (this.wanted !== 'all' && !this.wanted.has(recorded.type)) {
        skippedTo = checkpointOf(recorded);
        continue;
      }
      if (!(await this.deliver(recorded, signal))) return false;
      await this.delivered(checkpointOf(recorded));
      skippedTo = undefined;
    }
    if (skippedTo && !signal.aborted) {
      await this.progress.passed(this.checkpoint, skippedTo);
      this.checkpoint = skippedTo;
    }
    return page.length < this.options.batchSize;
  }

  /** Retries until the receiver answers 2xx; false only when the worker was stopped or lost its lock meanwhile. */
  private async deliver(recorded: RecordedEvent, signal: AbortSignal): Promise<boolean> {
    const body = deliveryBody(recorded, this.deps.registry.typeOf(recorded.event).schemaVersion);
    const raw = JSON.stringify(body);
    for (let attempt = 1; ; attempt++) {
      const headers = deliveryHeaders(this.webhook.id, body, raw, this.webhook.secret, attempt);
      const outcome = await this.sender.post(this.webhook.url, raw, headers, signal);
      if (signal.aborted) return false;
      if (outcome.ok) return true;
      await this.failed(`position ${recorded.position} (${recorded.type}): ${outcome.error}`, attempt);
      await sleep(retryDelayMs(attempt, this.options.retryMaxMs), signal);
      if (signal.aborted) return false;
    }
  }

  private async delivered(to: LogCheckpoint): Promise<void> {
    await this.progress.delivered(this.checkpoint, to);
    this.checkpoint = to;
    if (this.failing) {
      this.failing = false;
      this.logger.log(`The receiver is back: delivering again from position ${to.position}`);
    }
  }

  private async failed(error: string, attempt: number): Promise<void> {
    const { status, consecutiveFailures } = await this.progress.failed(error, this.options.failingAfter);
    if (attempt === 1) this.logger.warn(`Delivery failed, retrying: ${error}`);
    if (status === 'failing' && !this.failing) {
      this.failing = true;
      this.logger.warn(`Failing after ${consecutiveFailures} attempts in a row; still retrying: ${error}`);
    }
  }

  /** Until an append is announced, `ms` have passed, or the worker is stopped. */
  private idle(signal: AbortSignal, ms: number): Promise<void> {
    if (this.wakePending || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      signal.addEventListener('abort', done, { once: true });
      this.wakeUp = done;
    });
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    timer.unref();
    signal.addEventListener('abort', done, { once: true });
  });
}
