import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EventStore } from '../../event-store/event-store.js';
import { ReadRouter } from '../../projections/read-router.js';
import type { OrderEvent } from '../domain/order-events.js';
import { evolveOrderDetails, type OrderDetailsRow } from '../read-models/order-details.projection.js';
import { isOrderId, orderStreamId } from '../order-stream.js';
import { describe } from './order-timeline.js';
import { orderNotFound } from '../domain/order-errors.js';

export interface TimelineEntry {
  position: number;
  version: number;
  type: string;
  occurredAt: string;
  description: string;
  details: Record<string, unknown>;
  actor: string | null;
  /** The member of staff who caused it, by account; null for a customer or the bootstrap token. */
  staff: { id: string; name: string; role: string } | null;
  correlationId: string | null;
}

export class GetOrderTimelineQuery extends Query<TimelineEntry[]> {
  constructor(readonly orderId: string) {
    super();
  }
}

/**
 * Reads the order's stream itself, on purpose: a timeline is the history, not a
 * read model. Current, from a replica as from the primary (see ReadRouter.eventLog).
 */
@QueryHandler(GetOrderTimelineQuery)
export class GetOrderTimelineHandler implements IQueryHandler<GetOrderTimelineQuery> {
  constructor(
    private readonly store: EventStore,
    private readonly reads: ReadRouter,
  ) {}

  async execute({ orderId }: GetOrderTimelineQuery): Promise<TimelineEntry[]> {
    if (!isOrderId(orderId)) throw orderNotFound(orderId);
    const events = await this.reads.eventLog((source) => this.store.readStream(orderStreamId(orderId), {}, source));
    if (events.length === 0) throw orderNotFound(orderId);
    let order: OrderDetailsRow | undefined;
    return events.map((recorded) => {
      const statusBefore = order?.status;
      order = evolveOrderDetails(order, recorded);
      const { orderId: _id, ...details } = (recorded.event as OrderEvent).data as unknown as { orderId: string } & Record<string, unknown>;
      return {
        position: recorded.position,
        version: recorded.version,
        type: recorded.type,
        occurredAt: recorded.occurredAt,
        description: describe(recorded, statusBefore),
        details,
        actor: recorded.metadata.actor?.kind ?? null,
        staff: staffOf(recorded),
        correlationId: recorded.metadata.correlationId ?? null,
      };
    });
  }
}

function staffOf({
  metadata: { actor },
}: {
  metadata: { actor?: { kind: string; id?: string; name?: string | null; role?: string } };
}): TimelineEntry['staff'] {
  if (actor?.kind !== 'staff' || !actor.id || !actor.name || !actor.role) return null;
  return { id: actor.id, name: actor.name, role: actor.role };
}
