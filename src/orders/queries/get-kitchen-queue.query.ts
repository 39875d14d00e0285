import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { Database } from '../../database/database.js';
import { ProjectionsService } from '../../projections/projections.service.js';
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
    private readonly projections: ProjectionsService,
  ) {}

  async execute({ minPosition }: GetKitchenQueueQuery): Promise<KitchenTicket[]> {
    await this.projections.waitFor(KITCHEN_QUEUE, minPosition);
    const rows = await this.db.query<KitchenQueueRow>(
      `SELECT * FROM kitchen_queue WHERE status IN ('CONFIRMED', 'COOKING') ORDER BY confirmed_at, order_id`,
    );
    return rows.map(toKitchenTicket);
  }
}
