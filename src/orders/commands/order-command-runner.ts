import { Injectable, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../../common/clock.js';
import type { Actor } from '../../common/auth/actor.js';
import type { IdempotencyTicket } from '../../common/idempotency/idempotency-ticket.js';
import { IdempotentWrite } from '../../common/idempotency/idempotent-write.js';
import { AppConfig } from '../../config/app-config.js';
import { EventFeed } from '../../event-store/event-feed.js';
import { ConcurrencyError } from '../../event-store/event-store.errors.js';
import type { AppendResult } from '../../event-store/event-types.js';
import { Metrics } from '../../ops/metrics/metrics.js';
import { concurrentUpdate, orderNotFound, versionMismatch } from '../domain/order-errors.js';
import type { PizzaOrder } from '../domain/pizza-order.js';
import { OrderRepository } from '../order.repository.js';
import { isOrderId } from '../order-stream.js';
import type { Decide } from './order-changes.js';
import { versionHolds, type ExpectedVersion } from '../../common/if-match.js';

export interface CommandContext {
  readonly correlationId: string;
  /** Who asks: what the events' metadata records (a member of staff by account id, name and role). */
  readonly actor: Actor;
  /** The version the client last saw (If-Match): the write happens only on it, and a lost race is not retried. */
  readonly expectedVersion?: ExpectedVersion;
  readonly idempotency?: IdempotencyTicket;
}

export interface WriteResult {
  readonly orderId: string;
  readonly version: number;
  readonly position: number;
}

/**
 * The one loop every order command goes through: load, decide, append with the
 * expected version. Without an expected version from the client, a lost race is
 * run again against the fresh state, so the client sees success or a state 409.
 * The stored events then reach projections and live streams through the feed.
 */
@Injectable()
export class OrderCommandRunner {
  constructor(
    private readonly repository: OrderRepository,
    private readonly feed: EventFeed,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly idempotent: IdempotentWrite,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  create(order: PizzaOrder, context: CommandContext, now: Date): Promise<WriteResult> {
    return this.commit(order, context, now);
  }

  async update(orderId: string, context: CommandContext, decide: Decide): Promise<WriteResult> {
    if (!isOrderId(orderId)) throw orderNotFound(orderId);
    const expected = context.expectedVersion;
    for (let attempt = 0; ; attempt++) {
      const order = await this.repository.load(orderId);
      if (!order) throw orderNotFound(orderId);
      if (expected !== undefined && !versionHolds(expected, order.version)) throw versionMismatch(expected, order.version);
      const now = this.clock.now();
      decide(order, now);
      try {
        return await this.commit(order, context, now);
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
        if (expected !== undefined) {
          this.metrics?.concurrencyConflict('version_mismatch');
          throw versionMismatch(expected, error.currentVersion);
        }
        if (attempt >= this.config.commandRetries) {
          this.metrics?.concurrencyConflict('gave_up');
          throw concurrentUpdate();
        }
        this.metrics?.concurrencyConflict('retried');
      }
    }
  }

  private async commit(order: PizzaOrder, context: CommandContext, now: Date): Promise<WriteResult> {
    const metadata = { correlationId: context.correlationId, causationId: randomUUID(), actor: context.actor };
    const written = (appended: AppendResult): WriteResult => ({
      orderId: order.id,
      version: appended.nextExpectedVersion,
      position: appended.lastPosition,
    });
    let appended: AppendResult;
    if (context.idempotency) {
      const expectedVersion = order.expectedVersion;
      appended = await this.idempotent.run(
        context.idempotency,
        (tx) => this.repository.save(order, { occurredAt: now, metadata, executor: tx }),
        written,
      );
      await this.repository.committed(order, expectedVersion, appended.nextExpectedVersion);
    } else {
      appended = await this.repository.save(order, { occurredAt: now, metadata });
    }
    // The feed delivers the stored events in commit order; waking it
    // now saves waiting for PostgreSQL's notification to come back.
    this.feed.wake();
    return written(appended);
  }
}
