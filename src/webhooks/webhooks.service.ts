import { isUuid } from '../common/uuid.js';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppError } from '../common/errors/app-error.js';
import { AppConfig } from '../config/app-config.js';
import { AdvisoryLocks } from '../database/advisory-locks.js';
import { Database } from '../database/database.js';
import { EventFeed } from '../event-store/event-feed.js';
import { EventRegistry } from '../event-store/event-registry.js';
import { EventStore } from '../event-store/event-store.js';
import { LOG_START, type LogCheckpoint } from '../event-store/event-types.js';
import type { Subscription } from '../event-store/subscription/subscription.js';
import type { CreateWebhookDto } from './dto/create-webhook.dto.js';
import { UnreadableSecrets } from './secrets/unreadable-secrets.js';
import { newWebhookSecret, webhookNotFound, WebhookSecretStore, type RotatedSecret } from './secrets/webhook-secret-store.js';
import { registerWebhookMetrics } from './webhook-metrics.js';
import { webhookSubscription, type WebhookDefinition, type WebhookOptions } from './webhook-subscription.js';
import { selectWebhooks, webhookInfoOf, type CreatedWebhook, type WebhookInfo, type WebhookRow } from './webhook-info.js';
import { WebhookUrlPolicy } from './webhook-url-policy.js';

const FAILING_AFTER = 5;
const BATCH = 200;

/** One webhook's deliveries here: its subscription, and what to close once it has stopped. */
interface Worker {
  readonly subscription: Subscription<LogCheckpoint>;
  readonly close: () => void;
}

/**
 * Registers and removes webhooks, and keeps one delivery subscription per live
 * webhook in this instance (each runs where its lock is held). On every tick it
 * re-reads the table, so webhooks created or deleted through another instance
 * are picked up or dropped here.
 */
@Injectable()
export class WebhooksService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WebhooksService.name);
  private readonly workers = new Map<string, Worker>();
  private readonly policy: WebhookUrlPolicy;
  private readonly workerOptions: WebhookOptions;
  private ticker: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private unsubscribe: Array<() => void> = [];
  private started = false;
  private readonly unreadable: UnreadableSecrets;

  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
    private readonly registry: EventRegistry,
    private readonly feed: EventFeed,
    private readonly locks: AdvisoryLocks,
    private readonly config: AppConfig,
    private readonly secrets: WebhookSecretStore,
  ) {
    this.policy = new WebhookUrlPolicy(config.webhookAllowedHosts);
    this.unreadable = new UnreadableSecrets(db, secrets.cipher, this.logger, FAILING_AFTER);
    this.workerOptions = {
      retryMaxMs: config.webhookRetryMaxMs,
      timeoutMs: config.webhookTimeoutMs,
      failingAfter: FAILING_AFTER,
      batchSize: BATCH,
      lockRetryMs: config.projectionLockRetryMs,
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    const sealed = await this.secrets.sealPlaintext();
    if (sealed > 0) this.logger.log(`Encrypted ${sealed} webhook secret(s) stored in plaintext by an older version`);
    await this.unreadable.checkAll();
    this.unsubscribe.push(
      this.feed.subscribe((envelope) => {
        for (const worker of this.workers.values()) worker.subscription.offer(envelope);
      }),
      registerWebhookMetrics(() => this.list()),
    );
    this.started = true;
    await this.tick();
    this.ticker = setInterval(() => void this.tick(), this.config.projectionLockRetryMs);
    this.ticker.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    clearInterval(this.ticker);
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    await this.ticking;
    await Promise.all([...this.workers.values()].map((worker) => stopWorker(worker)));
    this.workers.clear();
  }

  async create(input: CreateWebhookDto): Promise<CreatedWebhook> {
    const url = this.policy.check(input.url);
    const eventTypes = this.checkEventTypes(input.eventTypes);
    await this.policy.checkResolves(url);
    const checkpoint =
      input.fromPosition === undefined ? await this.store.headCheckpoint() : await this.checkpointBefore(input.fromPosition);
    const id = randomUUID();
    const secret = newWebhookSecret();
    const [row] = await this.db.query<{ created_at: Date }>(
      `INSERT INTO webhooks (id, url, event_types, secret, transaction_id, position)
       VALUES ($1, $2, $3, $4, $5::xid8, $6) RETURNING created_at`,
      [id, url.href, eventTypes, this.secrets.seal(secret), checkpoint.transactionId, checkpoint.position],
    );
    if (this.started) await this.startWorker({ id, url: url.href, eventTypes });
    this.logger.log(`Registered webhook ${id} to ${url.origin} for ${eventTypes.join(', ')}`);
    return {
      id,
      url: url.href,
      eventTypes,
      secret,
      position: checkpoint.position,
      status: 'active',
      createdAt: row.created_at.toISOString(),
    };
  }

  async list(): Promise<WebhookInfo[]> {
    return (await selectWebhooks(this.db)).map((row) => this.info(row));
  }

  async get(id: string): Promise<WebhookInfo> {
    const [row] = isUuid(id) ? await selectWebhooks(this.db, id) : [];
    if (!row) throw webhookNotFound(id);
    return this.info(row);
  }

  /** A new signing secret, shown once; the old one keeps signing beside it for the configured overlap. */
  async rotateSecret(id: string): Promise<RotatedSecret> {
    if (!isUuid(id)) throw webhookNotFound(id);
    const rotated = await this.secrets.rotate(id, this.config.webhookSecretRotationOverlapSeconds);
    this.logger.log(`Rotated the signing secret of webhook ${id}; the old one signs too until ${rotated.previousSecretExpiresAt}`);
    return rotated;
  }

  /** Stops deliveries at once here; an instance delivering it elsewhere stops on its next tick or write. */
  async remove(id: string): Promise<void> {
    const deleted = isUuid(id)
      ? await this.db.query('UPDATE webhooks SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL RETURNING id', [id])
      : [];
    if (deleted.length === 0) throw webhookNotFound(id);
    const worker = this.workers.get(id);
    this.workers.delete(id);
    if (worker) await stopWorker(worker);
    this.logger.log(`Deleted webhook ${id}`);
  }

  private tick(): Promise<void> {
    this.ticking ??= this.sync()
      .catch((error: Error) => this.logger.warn(`Syncing webhooks failed: ${error.message}`))
      .finally(() => {
        this.ticking = undefined;
      });
    return this.ticking;
  }

  private async sync(): Promise<void> {
    if (!this.started) return;
    const rows = await this.db.query<{ id: string; url: string; event_types: string[] }>(
      'SELECT id, url, event_types FROM webhooks WHERE deleted_at IS NULL ORDER BY created_at',
    );
    const live = new Set(rows.map((row) => row.id));
    for (const [id, worker] of this.workers) {
      if (live.has(id) && worker.subscription.status !== 'stopped') continue;
      this.workers.delete(id);
      await stopWorker(worker);
    }
    for (const row of rows) {
      if (!this.started) return;
      if (!this.workers.has(row.id)) await this.startWorker({ id: row.id, url: row.url, eventTypes: row.event_types });
    }
  }

  private async startWorker(definition: WebhookDefinition): Promise<void> {
    if (this.workers.has(definition.id)) return;
    const worker = webhookSubscription(
      definition,
      {
        db: this.db,
        store: this.store,
        registry: this.registry,
        locks: this.locks,
        policy: this.policy,
        cipher: this.secrets.cipher,
        unreadableSecret: (webhookId, reason) => this.unreadable.tell(webhookId, reason),
      },
      this.workerOptions,
    );
    this.workers.set(definition.id, worker);
    await worker.subscription.start();
  }

  private checkEventTypes(requested: readonly string[]): string[] {
    const unique = [...new Set(requested)];
    if (unique.includes('*')) {
      if (unique.length > 1) throw AppError.validation(['eventTypes: "*" already means every event type; send it alone']);
      return ['*'];
    }
    const known = this.registry.registeredTypes().map(({ type }) => type);
    const problems = unique
      .filter((type) => !known.includes(type))
      .map((type) => `eventTypes "${type}" is not an event type; known types: ${known.join(', ')}, or "*" for all`);
    if (problems.length > 0) throw AppError.validation(problems);
    return unique;
  }

  /** The checkpoint just before the event at `position` in log order, so deliveries start with that event. */
  private async checkpointBefore(position: number): Promise<LogCheckpoint> {
    if (position === 0) return LOG_START;
    const target = await this.store.checkpointAt(position);
    if (!target) throw AppError.validation([`fromPosition ${position} is not the position of a stored event`]);
    const [row] = await this.db.query<{ transaction_id: string; position: string }>(
      `SELECT transaction_id::text AS transaction_id, position FROM events
        WHERE (transaction_id, position) < ($1::xid8, $2::bigint)
        ORDER BY transaction_id DESC, position DESC LIMIT 1`,
      [target.transactionId, target.position],
    );
    return row ? { transactionId: row.transaction_id, position: Number(row.position) } : LOG_START;
  }

  private info(row: WebhookRow): WebhookInfo {
    return webhookInfoOf(row, this.workers.get(row.id)?.subscription.isLeader ?? false);
  }
}

/** Aborts a delivery in flight (whoever runs the webhook next delivers it again) and gives the lock back. */
async function stopWorker(worker: Worker): Promise<void> {
  await worker.subscription.stop();
  worker.close();
}
