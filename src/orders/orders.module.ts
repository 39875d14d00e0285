import { Module, type OnModuleInit } from '@nestjs/common';
import { EventRegistry } from '../event-store/event-registry.js';
import { ProjectionsService } from '../projections/projections.service.js';
import { ApplyDiscountHandler } from './commands/apply-discount.command.js';
import { CancelOrderHandler } from './commands/cancel-order.command.js';
import { ConfirmOrderHandler } from './commands/confirm-order.command.js';
import { DeliverOrderHandler } from './commands/deliver-order.command.js';
import { DispatchOrderHandler } from './commands/dispatch-order.command.js';
import { MarkReadyHandler } from './commands/mark-ready.command.js';
import { OrderCommandRunner } from './commands/order-command-runner.js';
import { OrderCommandsController } from './commands/order-commands.controller.js';
import { PayOrderHandler } from './commands/pay-order.command.js';
import { PlaceOrderHandler } from './commands/place-order.command.js';
import { StartCookingHandler } from './commands/start-cooking.command.js';
import { OrderRepository } from './order.repository.js';
import { registerOrderEvents } from './order-stream.js';
import { AnalyticsProjection } from './projections/analytics.projection.js';
import { KitchenQueueProjection } from './projections/kitchen-queue.projection.js';
import { OrderDetailsProjection } from './projections/order-details.projection.js';
import { GetAnalyticsSummaryHandler } from './queries/get-analytics-summary.query.js';
import { GetKitchenQueueHandler } from './queries/get-kitchen-queue.query.js';
import { GetOrderStateHandler } from './queries/get-order-state.query.js';
import { GetOrderTimelineHandler } from './queries/get-order-timeline.query.js';
import { GetOrderHandler } from './queries/get-order.query.js';
import { ListOrdersHandler } from './queries/list-orders.query.js';
import { OrderQueriesController } from './queries/order-queries.controller.js';

const COMMAND_HANDLERS = [
  PlaceOrderHandler,
  ConfirmOrderHandler,
  PayOrderHandler,
  ApplyDiscountHandler,
  StartCookingHandler,
  MarkReadyHandler,
  DispatchOrderHandler,
  DeliverOrderHandler,
  CancelOrderHandler,
];
const PROJECTIONS = [OrderDetailsProjection, KitchenQueueProjection, AnalyticsProjection];
const QUERY_HANDLERS = [
  GetOrderHandler,
  ListOrdersHandler,
  GetOrderTimelineHandler,
  GetOrderStateHandler,
  GetKitchenQueueHandler,
  GetAnalyticsSummaryHandler,
];

@Module({
  controllers: [OrderCommandsController, OrderQueriesController],
  providers: [
    OrderRepository,
    OrderCommandRunner,
    ...COMMAND_HANDLERS,
    ...PROJECTIONS,
    ...QUERY_HANDLERS,
  ],
  exports: [OrderRepository],
})
export class OrdersModule implements OnModuleInit {
  constructor(
    private readonly registry: EventRegistry,
    private readonly projections: ProjectionsService,
    private readonly orderDetails: OrderDetailsProjection,
    private readonly kitchenQueue: KitchenQueueProjection,
    private readonly analytics: AnalyticsProjection,
  ) {}

  onModuleInit(): void {
    registerOrderEvents(this.registry);
    for (const projection of [this.orderDetails, this.kitchenQueue, this.analytics]) this.projections.register(projection);
  }
}
