import { Logger } from '@nestjs/common';
import type { AdvisoryLocks } from '../database/advisory-locks.js';
import type { Database } from '../database/database.js';
import { checkpointOf } from '../event-store/event-envelope.js';
import type { EventRegistry } from '../event-store/event-registry.js';
import type { EventStore } from '../event-store/event-store.js';
import type { LogCheckpoint, RecordedEvent } from '../event-store/event-types.js';
import { LogCursor } from '../event-store/subscription/subscription-cursor.js';
import { Subscription, type HandleContext, type SubscriptionHandler } from '../event-store/subscription/subscription.js';
import { SecretUnreadable, type SecretCipher } from './secrets/secret-cipher.js';
import { cannotSignBecause } from './secrets/unreadable-secrets.js';
import { deliveryBody, deliveryHeaders } from './webhook-delivery.js';
import { WebhookProgress } from './webhook-progress.js';
import { WebhookSender } from './webhook-sender.js';
import type { WebhookUrlPolicy } from './webhook-url-policy.js';

export interface WebhookDefinition {
  readonly id: string;
  readonly url: string;
  readonly eventTypes: readonly string[];
}

export interface WebhookOptions {
  /** Cap of the retry backoff, in ms. */
  readonly retryMaxMs: number;
  readonly timeoutMs: number;
  /** Consecutive failed attempts after which the webhook shows as failing. */
  readonly failingAfter: number;
  readonly batchSize: number;
  readonly lockRetryMs: number;
}

export interface WebhookDependencies {
  readonly db: Database;
  readonly store: EventStore;
  readonly registry: EventRegistry;
  readonly locks: AdvisoryLocks;
  readonly policy: WebhookUrlPolicy;
  readonly cipher: SecretCipher;
  /** A stored secret of the webhook no key opens: told once per webhook and reason, however often it is met. */
  readonly unreadableSecret: (webhookId: string, reason: string) => void;
}

const RETRY_BASE_MS = 500;

/** Full jitter: anywhere between 0 and base * 2^(attempt - 1), capped. */
export function retryDelayMs(attempt: number, capMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, RETRY_BASE_MS * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  return Math.floor(random() * ceiling);
}

/**
 * One webhook's deliveries as a subscription: in the one instance holding the
 * webhook's advisory lock, from the checkpoint in its row, at least once and in
 * log order. A failure to read the log or save progress is retried with the
 * same backoff as a failing receiver; nothing is skipped. Nothing here holds a
 * pooled connection while waiting on the receiver.
 */
export function webhookSubscription(
  webhook: WebhookDefinition,
  deps: WebhookDependencies,
  options: WebhookOptions,
): { subscription: Subscription<LogCheckpoint>; close: () => void } {
  const logger = new Logger(`Webhook ${webhook.id}`);
  const progress = new WebhookProgress(deps.db, webhook.id);
  const deliveries = new WebhookDeliveries(webhook, deps, options, progress, logger);
  const subscription = new Subscription<LogCheckpoint>({
    name: `webhook ${webhook.id}`,
    logger,
    handler: deliveries,
    open: async () => new LogCursor(deps.store, await progress.checkpoint(), { pageSize: options.batchSize }),
    batchSize: options.batchSize,
    // A receiver that is down for hours must not have the feed's events pile up here.
    inbox: { max: options.batchSize * 5, whenFull: 'replay' },
    leadership: { locks: deps.locks, lock: `webhook:${webhook.id}`, retryMs: options.lockRetryMs },
    retryDelayMs: (failures) => retryDelayMs(failures, options.retryMaxMs),
    onFailure: (error) => {
      void progress.note(`Reading the event log or saving progress failed: ${error.message}`).catch(() => undefined);
    },
  });
  return { subscription, close: () => deliveries.close() };
}

/**
 * Posts each wanted event until the receiver answers 2xx (retrying with capped
 * exponential backoff and full jitter for as long as it takes), and moves the
 * webhook's checkpoint only then; past events it does not want, once per batch.
 */
class WebhookDeliveries implements SubscriptionHandler<LogCheckpoint> {
  private readonly sender: WebhookSender;
  private readonly wanted: ReadonlySet<string> | 'all';
  private failing = false;

  constructor(
    private readonly webhook: WebhookDefinition,
    private readonly deps: WebhookDependencies,
    private readonly options: WebhookOptions,
    private readonly progress: WebhookProgress,
    private readonly logger: Logger,
  ) {
    this.sender = new WebhookSender(deps.policy, options.timeoutMs);
    this.wanted = webhook.eventTypes.includes('*') ? 'all' : new Set(webhook.eventTypes);
  }

  close(): void {
    this.sender.close();
  }

  async handle(events: readonly RecordedEvent[], from: LogCheckpoint, { signal }: HandleContext): Promise<void> {
    // The cursor stands where the row's checkpoint does: each batch ends with a move to its last event.
    let at = from;
    let skippedTo: LogCheckpoint | undefined;
    for (const recorded of events) {
      if (this.wanted !== 'all' && !this.wanted.has(recorded.type)) {
        skippedTo = checkpointOf(recorded);
        continue;
      }
      if (!(await this.deliver(recorded, signal))) return;
      const to = checkpointOf(recorded);
      await this.progress.delivered(at, to);
      at = to;
      skippedTo = undefined;
      if (this.failing) {
        this.failing = false;
        this.logger.log(`The receiver is back: delivering again from position ${to.position}`);
      }
    }
    if (skippedTo && !signal.aborted) {
      await this.progress.passed(at, skippedTo);
    }
  }

  /**
   * Retries until the receiver answers 2xx; false only when the subscription
   * stopped or lost its lock meanwhile. The secrets are read for each attempt,
   * so a rotation (through any instance) signs the very next one. While the
   * current secret can not be decrypted nothing is sent: the webhook shows as
   * failing with the reason and waits, retrying with the same backoff.
   */
  private async deliver(held: RecordedEvent, signal: AbortSignal): Promise<boolean> {
    let recorded = held;
    for (let attempt = 1; ; attempt++) {
      // Each attempt as the event reads now: one whose customer was erased meanwhile goes out erased.
      recorded = await this.deps.store.reread(recorded);
      const body = deliveryBody(recorded, this.deps.registry.typeOf(recorded.event).schemaVersion);
      const raw = JSON.stringify(body);
      const secrets = await this.signingSecrets();
      if (secrets) {
        const headers = deliveryHeaders(this.webhook.id, body, raw, secrets, attempt);
        const outcome = await this.sender.post(this.webhook.url, raw, headers, signal);
        if (signal.aborted) return false;
        if (outcome.ok) return true;
        await this.failed(`position ${recorded.position} (${recorded.type}): ${outcome.error}`, attempt);
      }
      await sleep(retryDelayMs(attempt, this.options.retryMaxMs), signal);
      if (signal.aborted) return false;
    }
  }

  /** The plaintext secrets to sign with, newest first; undefined (and reported) when the current one can not be opened. */
  private async signingSecrets(): Promise<string[] | undefined> {
    const stored = await this.progress.secrets();
    let current: string;
    try {
      current = this.deps.cipher.open(stored.current);
    } catch (error) {
      if (!(error instanceof SecretUnreadable)) throw error;
      const reason = cannotSignBecause(error);
      this.deps.unreadableSecret(this.webhook.id, reason);
      await this.progress.cannotSign(reason);
      return undefined;
    }
    if (!stored.previous) return [current];
    try {
      return [current, this.deps.cipher.open(stored.previous)];
    } catch (error) {
      if (!(error instanceof SecretUnreadable)) throw error;
      this.deps.unreadableSecret(
        this.webhook.id,
        `Its previous signing secret can not be decrypted (${error.reason}): only the current one signs`,
      );
      return [current];
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
