import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { StaffOnly } from '../../common/auth/staff.guard.js';
import { Clock } from '../../common/clock.js';
import { ApiReadErrors } from '../../common/errors/api-error-responses.js';
import { ApiOrderIdParam } from '../order-id.param.js';
import { AnalyticsSummaryView, KitchenTicketView, OrderPageView, OrderView, TimelineEntryView } from './dto/order-responses.dto.js';
import { AnalyticsSummaryDto, ListOrdersDto, OrderStateDto, ReadYourWritesDto } from './dto/query-params.dto.js';
import { GetAnalyticsSummaryQuery } from './get-analytics-summary.query.js';
import { GetKitchenQueueQuery } from './get-kitchen-queue.query.js';
import { GetOrderStateQuery } from './get-order-state.query.js';
import { GetOrderTimelineQuery } from './get-order-timeline.query.js';
import { GetOrderQuery } from './get-order.query.js';
import { ListOrdersQuery } from './list-orders.query.js';

/** The read side over HTTP: GET only, answered from read models (timeline and asOf from the stream). */
@ApiTags('orders: queries')
@Controller()
export class OrderQueriesController {
  constructor(
    private readonly queries: QueryBus,
    private readonly clock: Clock,
  ) {}

  @Get('orders')
  @StaffOnly()
  @ApiOperation({ summary: 'List orders, newest first, by status and phone (staff)' })
  @ApiOkResponse({ type: OrderPageView })
  @ApiReadErrors('VALIDATION_FAILED', 'PROJECTION_BEHIND')
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
  @ApiOperation({
    summary: 'An order (anyone with its id)',
    description: 'From the order-details read model; pass minPosition to see your own write.',
  })
  @ApiOrderIdParam()
  @ApiOkResponse({ type: OrderView })
  @ApiReadErrors('VALIDATION_FAILED', 'ORDER_NOT_FOUND', 'PROJECTION_BEHIND')
  get(@Param('id') id: string, @Query() query: ReadYourWritesDto) {
    return this.queries.execute(new GetOrderQuery(id, query.minPosition));
  }

  /** The stream is always current, so minPosition is accepted and already satisfied. */
  @Get('orders/:id/timeline')
  @ApiOperation({
    summary: "An order's history, in stream order (anyone with its id)",
    description: 'Read from the event stream itself, so it is always current.',
  })
  @ApiOrderIdParam()
  @ApiOkResponse({ type: [TimelineEntryView] })
  @ApiReadErrors('VALIDATION_FAILED', 'ORDER_NOT_FOUND')
  timeline(@Param('id') id: string, @Query() _query: ReadYourWritesDto) {
    return this.queries.execute(new GetOrderTimelineQuery(id));
  }

  @Get('orders/:id/state')
  @StaffOnly()
  @ApiOperation({
    summary: 'An order as it stood at an instant (staff)',
    description: 'Folded from its events up to asOf; 404 if it did not exist yet.',
  })
  @ApiOrderIdParam()
  @ApiOkResponse({ type: OrderView })
  @ApiReadErrors('VALIDATION_FAILED', 'ORDER_NOT_FOUND')
  state(@Param('id') id: string, @Query() query: OrderStateDto) {
    return this.queries.execute(new GetOrderStateQuery(id, new Date(query.asOf)));
  }

  @Get('kitchen/queue')
  @StaffOnly()
  @ApiOperation({ summary: 'Orders CONFIRMED or COOKING, oldest confirmation first (staff)' })
  @ApiOkResponse({ type: [KitchenTicketView] })
  @ApiReadErrors('VALIDATION_FAILED', 'PROJECTION_BEHIND')
  kitchenQueue(@Query() query: ReadYourWritesDto) {
    return this.queries.execute(new GetKitchenQueueQuery(query.minPosition));
  }

  @Get('analytics/summary')
  @StaffOnly('manager')
  @ApiOperation({ summary: 'Orders, confirmation rate, revenue and popular pizzas over a range of UTC days (staff)' })
  @ApiOkResponse({ type: AnalyticsSummaryView })
  @ApiReadErrors('VALIDATION_FAILED', 'PROJECTION_BEHIND')
  analytics(@Query() query: AnalyticsSummaryDto) {
    return this.queries.execute(
      new GetAnalyticsSummaryQuery({ from: query.from, to: query.to, minPosition: query.minPosition }, this.clock.now()),
    );
  }
}
