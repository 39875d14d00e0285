import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { Database } from '../../database/database.js';
import { ReadRouter } from '../../projections/read-router.js';
import { ORDER_DETAILS, type OrderDetailsRow } from '../read-models/order-details.projection.js';
import { isOrderId } from '../order-stream.js';
import { toOrderView } from './order-view.js';
import type { OrderView } from './dto/order-responses.dto.js';
import { orderNotFound } from '../domain/order-errors.js';

export class GetOrderQuery extends Query<OrderView> {
  constructor(
    readonly orderId: string,
    readonly minPosition?: number,
  ) {
    super();
  }
}

@QueryHandler(GetOrderQuery)
export class GetOrderHandler implements IQueryHandler<GetOrderQuery> {
  constructor(
    private readonly db: Database,
    private readonly reads: ReadRouter,
  ) {}

  async execute({ orderId, minPosition }: GetOrderQuery): Promise<OrderView> {
    if (!isOrderId(orderId)) throw orderNotFound(orderId);
    // Named (prepared once per connection): the hottest read skips parse and plan.
    const [row] = await this.reads.readModel(ORDER_DETAILS, minPosition, (source) =>
      this.db.prepared<OrderDetailsRow>('SELECT * FROM order_details WHERE order_id = $1', [orderId], source),
    );
    if (!row) throw orderNotFound(orderId);
    return toOrderView(row);
  }
}
