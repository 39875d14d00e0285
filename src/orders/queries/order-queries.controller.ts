import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { StaffOnly } from '../../common/auth/staff.guard.js';
import { Clock } from '../../common/clock.js';
import { AnalyticsSummaryDto, ListOrdersDto, OrderStateDto, ReadYourWritesDto } from './dto/query-params.dto.js';
import { GetAnalyticsSummaryQuery } from './get-analytics-summary.query.js';
import { GetKitchenQueueQuery } from './get-kitchen-queue.query.js';
import { GetOrderStateQuery } from './get-order-state.query.js';
import { GetOrderTimelineQuery } from './get-order-timeline.query.js';
import { GetOrderQuery } from './get-order.query.js';
import { ListOrdersQuery } from './list-orders.query.js';

/** The read side over HTTP: GET only, answered from read models (timeline and asOf from the stream). */
@Controller()
export class OrderQueriesController {
  constructor(
    private readonly queries: QueryBus,
    private readonly clock: Clock,
  ) {}

  @Get('orders')
  @StaffOnly()
  list(@Query() query: ListOrdersDto) {
    return this.queries.execute(
      new ListOrdersQuery({
        statuses: query.status?.split(','),
        phone: query.phone,
        limit: query.limit ?? 20,
        cursor: query.cursor,
        minPosition: query.minPosition,
      }),
    );
  }

  @Get('orders/:id')
  get(@Param('id') id: string, @Query() query: ReadYourWritesDto) {
    return this.queries.execute(new GetOrderQuery(id, query.minPosition));
  }

  /** The stream is always current, so minPosition is accepted and already satisfied. */
  @Get('orders/:id/timeline')
  timeline(@Param('id') id: string, @Query() _query: ReadYourWritesDto) {
    return this.queries.execute(new GetOrderTimelineQuery(id));
  }

  @Get('orders/:id/state')
  @StaffOnly()
  state(@Param('id') id: string, @Query() query: OrderStateDto) {
    return this.queries.execute(new GetOrderStateQuery(id, new Date(query.asOf)));
  }

  @Get('kitchen/queue')
  @StaffOnly()
  kitchenQueue(@Query() query: ReadYourWritesDto) {
    return this.queries.execute(new GetKitchenQueueQuery(query.minPosition));
  }

  @Get('analytics/summary')
  @StaffOnly()
  analytics(@Query() query: AnalyticsSummaryDto) {
    return this.queries.execute(
      new GetAnalyticsSummaryQuery({ from: query.from, to: query.to, minPosition: query.minPosition }, this.clock.now()),
    );
  }
}
