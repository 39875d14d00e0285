import { HttpStatus, Injectable, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ApiError } from '../../common/errors/api-error.js';
import type { IdempotencyTicket } from '../../common/idempotency/idempotency.interceptor.js';
import { IdempotencyStore } from '../../common/idempotency/idempotency.store.js';
import { Database } from '../../database/database.js';
import type { AppendResult } from '../../event-store/event-types.js';
import type { ActorKind } from '../../common/http/request-context.js';
import { Clock } from '../../common/clock.js';
import { AppConfig } from '../../config/app-config.js';
import { EventFeed } from '../../event-store/event-feed.js';
import { ConcurrencyError } from '../../event-store/event-store.errors.js';
import { Metrics } from '../../ops/metrics/metrics.js';
import type { PizzaOrder } from '../domain/pizza-order.js';
import { OrderRepository } from '../order.repository.js';
import { isOrderId } from '../order-stream.js';
import { ifMatchHolds, type IfMatch } from './if-match.js';

export interface CommandContext {
  readonly correlationId: string;
  readonly actor: ActorKind;
  /** From If-Match: the version the client last saw; a lost race is then not retried. */
  readonly ifMatch?: IfMatch;
  readonly idempotency?: IdempotencyTicket;
}

export interface WriteResult {
  readonly orderId: string;
  readonly version: number;
  readonly position: number;
}

/**
 * The one loop every order command goes through: load, decide, append with the
 * expected version, the feed then delivers the stored events to projections and live streams. Without If-Match, a lost race is
 * run again against the fresh state, so the client sees success or a state 409.
 */
@Injectable()
export class OrderCommandRunner {
  constructor(
    private readonly repository: OrderRepository,
    private readonly feed: EventFeed,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly db: Database,
    private readonly idempotency: IdempotencyStore,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  async create(order: PizzaOrder, context: CommandContext, now: Date): Promise<WriteResult> {
    return this.commit(order, context, now);
  }

  async update(
    orderId: string,
    context: CommandContext,
    decide: (order: PizzaOrder, now: Date) => void,
  ): Promise<WriteResult> {
    if (!isOrderId(orderId)) throw ApiError.orderNotFound(orderId);
    for (let attempt = 0; ; attempt++) {
      const order = await this.repository.load(orderId);
      if (!order) throw ApiError.orderNotFound(orderId);
      if (context.ifMatch !== undefined && !ifMatchHolds(context.ifMatch, order.version)) {
        throw ApiError.versionMismatch(context.ifMatch, order.version);
      }
      const now = this.clock.now();
      decide(order, now);
      try {
        return await this.commit(order, context, now);
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
        if (context.ifMatch !== undefined) {
          this.metrics?.concurrencyConflict('version_mismatch');
          throw ApiError.versionMismatch(context.ifMatch, error.currentVersion);
        }
        if (attempt >= this.config.commandRetries) {
          this.metrics?.concurrencyConflict('gave_up');
          throw new ApiError(HttpStatus.CONFLICT, 'CONCURRENT_UPDATE', 'The order kept changing while we wrote to it: try again');
        }
        this.metrics?.concurrencyConflict('retried');
      }
    }
  }

  private async commit(order: PizzaOrder, context: CommandContext, now: Date): Promise<WriteResult> {
    const metadata = { correlationId: context.correlationId, causationId: randomUUID(), actor: { kind: context.actor } };
    const ticket = context.idempotency;
    let result: AppendResult;
    if (ticket) {
      // The Idempotency-Key's answer is stored in the same transaction as the events.
      const expectedVersion = order.persistedVersion;
      result = await this.db.transaction(async (tx) => {
        const appended = await this.repository.save(order, { occurredAt: now, metadata, executor: tx });
        const written = { orderId: order.id, version: appended.nextExpectedVersion, position: appended.lastPosition };
        const headers: Record<string, string> = { etag: `"${written.version}"` };
        if (ticket.status === HttpStatus.CREATED) headers.location = `/orders/${order.id}`;
        await this.idempotency.complete(ticket.key, { status: ticket.status, body: written, headers }, tx);
        return appended;
      });
      ticket.completed = true;
      await this.repository.committed(order, expectedVersion, result.nextExpectedVersion);
    } else {
      result = await this.repository.save(order, { occurredAt: now, metadata });
    }
    // The feed delivers the stored events in commit order; waking it
    // now saves waiting for PostgreSQL's notification to come back.
    this.feed.wake();
    return { orderId: order.id, version: result.nextExpectedVersion, position: result.lastPosition };
  }
}
