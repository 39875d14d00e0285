import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { EventStore } from '../event-store/event-store.js';
import { SnapshotStore } from '../event-store/snapshot-store.js';
import type { AppendResult, EventMetadata } from '../event-store/event-types.js';
import type { Queryable } from '../database/database.js';
import type { OrderEvent } from './domain/order-events.js';
import { PizzaOrder } from './domain/pizza-order.js';
import type { PizzaOrderState } from './domain/pizza-order-state.js';
import { orderStreamId } from './order-stream.js';

/** Bump when PizzaOrderState changes shape: older snapshots are then ignored and rewritten. */
const SNAPSHOT_SCHEMA_VERSION = 1;
const SNAPSHOT_TYPE = 'PizzaOrder';

/**
 * Loads PizzaOrder aggregates from their latest snapshot plus the events after
 * it, and appends what they decided. A snapshot is taken every N events.
 */
@Injectable()
export class OrderRepository {
  private readonly logger = new Logger(OrderRepository.name);

  constructor(
    private readonly store: EventStore,
    private readonly snapshots: SnapshotStore,
    private readonly config: AppConfig,
  ) {}

  async load(orderId: string, options: { useSnapshot?: boolean } = {}): Promise<PizzaOrder | undefined> {
    const streamId = orderStreamId(orderId);
    const { snapshot, events } =
      options.useSnapshot === false
        ? { snapshot: undefined, events: await this.store.readStream(streamId) }
        : await this.snapshots.readFromSnapshot<PizzaOrderState>(streamId, SNAPSHOT_SCHEMA_VERSION);
    if (!snapshot && events.length === 0) return undefined;
    return PizzaOrder.fromHistory(
      events.map((recorded) => recorded.event as OrderEvent),
      snapshot ? { version: snapshot.version, state: snapshot.state } : undefined,
    );
  }

  async save(
    order: PizzaOrder,
    options: { metadata: EventMetadata; occurredAt: Date; executor?: Queryable },
  ): Promise<AppendResult<OrderEvent>> {
    const expectedVersion = order.expectedVersion;
    const events = order.pullNewEvents();
    const result = await this.store.append(orderStreamId(order.id), events, expectedVersion, options);
    if (!options.executor) await this.snapshotIfDue(order, expectedVersion, result.nextExpectedVersion);
    return result;
  }

  /** After the caller's own transaction has committed what save() appended with its executor. */
  async committed(order: PizzaOrder, from: number, to: number): Promise<void> {
    this.store.announceAppended();
    await this.snapshotIfDue(order, from, to);
  }

  /** Called once the append is committed: a snapshot must never run ahead of the stream. */
  async snapshotIfDue(order: PizzaOrder, from: number, to: number): Promise<void> {
    const every = this.config.snapshotEvery;
    if (every <= 0 || Math.floor(from / every) === Math.floor(to / every)) return;
    try {
      await this.snapshots.writeSnapshot({
        streamId: orderStreamId(order.id),
        version: to,
        type: SNAPSHOT_TYPE,
        schemaVersion: SNAPSHOT_SCHEMA_VERSION,
        state: order.toSnapshot(),
      });
    } catch (error) {
      // A snapshot is only a shortcut: the events are already safely stored.
      this.logger.warn(`Snapshot of order ${order.id} at v${to} not written: ${(error as Error).message}`);
    }
  }
}
