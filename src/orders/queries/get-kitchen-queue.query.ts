import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { Database } from '../../database/database.js';
import { ReadRouter } from '../../projections/read-router.js';
import { KITCHEN_QUEUE, type KitchenQueueRow } from '../read-models/kitchen-queue.projection.js';
import { toKitchenTicket } from './order-view.js';

export type KitchenTicket = ReturnType<typeof toKitchenTicket>;

export class GetKitchenQueueQuery extends Query<KitchenTicket[]> {
  constructor(readonly minPosition?: number) {
    super();
  }
}

@QueryHandler(GetKitchenQueueQuery)
export class GetKitchenQueueHandler implements IQueryHandler<GetKitchenQueueQuery> {
  constructor(
    private readonly db: Database,
    private readonly reads: ReadRouter,
  ) {}

  async execute({ minPosition }: GetKitchenQueueQuery): Promise<KitchenTicket[]> {
    const rows = await this.reads.readModel(KITCHEN_QUEUE, minPosition, (source) =>
      this.db.query<KitchenQueueRow>(
        `SELECT * FROM kitchen_queue WHERE status IN ('CONFIRMED', 'COOKING') ORDER BY confirmed_at, order_id`,
        [],
        source,
      ),
    );
    return rows.map(toKitchenTicket);
  }
}
