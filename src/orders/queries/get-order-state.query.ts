import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { AppError } from '../../common/errors/app-error.js';
import { EventStore } from '../../event-store/event-store.js';
import { ReadRouter } from '../../projections/read-router.js';
import { evolveOrderDetails, type OrderDetailsRow } from '../read-models/order-details.projection.js';
import { isOrderId, orderStreamId } from '../order-stream.js';
import { toOrderView } from './order-view.js';
import type { OrderView } from './dto/order-responses.dto.js';
import { orderNotFound } from '../domain/order-errors.js';

export class GetOrderStateQuery extends Query<OrderView> {
  constructor(
    readonly orderId: string,
    readonly asOf: Date,
  ) {
    super();
  }
}

/**
 * The order as it stood at an instant, folded from its stream up to then with
 * the same rules the order-details read model uses: a temporal query reads the
 * history on purpose.
 */
@QueryHandler(GetOrderStateQuery)
export class GetOrderStateHandler implements IQueryHandler<GetOrderStateQuery> {
  constructor(
    private readonly store: EventStore,
    private readonly reads: ReadRouter,
  ) {}

  async execute({ orderId, asOf }: GetOrderStateQuery): Promise<OrderView> {
    if (!isOrderId(orderId)) throw orderNotFound(orderId);
    const events = await this.reads.eventLog((source) => this.store.readStream(orderStreamId(orderId), { toTime: asOf }, source));
    if (events.length === 0) {
      throw new AppError('ORDER_NOT_FOUND', `Order ${orderId} did not exist at ${asOf.toISOString()}`);
    }
    const row = events.reduce<OrderDetailsRow | undefined>((state, recorded) => evolveOrderDetails(state, recorded), undefined);
    if (!row) throw orderNotFound(orderId);
    return toOrderView(row);
  }
}
