import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { AdvisoryLocks } from '../database/advisory-locks.js';
import { Database } from '../database/database.js';
import { CustomerErasure, type ErasureProgress, type ErasureResult } from './customer-erasure.js';

const LOCK = 'personal-data:retention';
/** Customers erased per run at most: a backlog is worked off over several runs, none holding the lock for long. */
const MAX_PER_RUN = 1_000;

/**
 * The customers whose every order ended (delivered, picked up or cancelled)
 * more than `days` ago, by the order_details read model: a key whose order the
 * read model does not show yet, or that is still open, keeps the customer.
 */
const DUE = `SELECT k.customer_index
   FROM personal_data_keys k
   JOIN events e ON e.event_id = k.key_id
   LEFT JOIN order_details d ON e.stream_id = 'order-' || d.order_id::text
  GROUP BY k.customer_index
 HAVING bool_and(coalesce(d.status IN ('DELIVERED', 'PICKED_UP', 'CANCELLED') AND d.updated_at < now() - make_interval(days => $1::int), false))
  LIMIT $2`;

/**
 * PII_RETENTION_DAYS: every PII_RETENTION_CHECK_SECONDS, the instance that
 * holds the retention lock (one at a time, as projections and webhooks lead)
 * erases the customers due, each as POST /admin/customers/erase would, with
 * reason "retention". Off when PII_RETENTION_DAYS is 0.
 */
@Injectable()
export class RetentionTask implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RetentionTask.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly db: Database,
    private readonly locks: AdvisoryLocks,
    private readonly erasure: CustomerErasure,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.piiRetentionDays <= 0) return;
    this.timer = setInterval(() => this.tick(), this.config.piiRetentionCheckSeconds * 1000);
    this.timer.unref();
    this.tick();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.runIfLeader()
      .catch((error: Error) => this.logger.warn(`Retention run failed, retrying at the next: ${error.message}`))
      .finally(() => (this.running = undefined));
  }

  private async runIfLeader(): Promise<void> {
    if (!(await this.locks.tryLock(LOCK))) return;
    try {
      const result = await this.run(this.config.piiRetentionDays);
      if (result.erasedOrders > 0) this.logger.log(`Retention erased the personal data of ${result.erasedOrders} order(s)`);
    } finally {
      await this.locks.unlock(LOCK);
    }
  }

  /** One pass: erases the customers due after `days` (also what the CLI runs). */
  async run(days: number, progress?: ErasureProgress): Promise<ErasureResult> {
    const due = await this.db.query<{ customer_index: Buffer }>(DUE, [days, MAX_PER_RUN]);
    return this.erasure.eraseMany(
      due.map((row) => row.customer_index),
      'retention',
      progress,
    );
  }
}
