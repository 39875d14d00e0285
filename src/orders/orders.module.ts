import { Module, type OnModuleInit } from '@nestjs/common';
import { EventRegistry } from '../event-store/event-registry.js';
import { ProjectionsModule } from '../projections/projections.module.js';
import { ProjectionsService } from '../projections/projections.service.js';
import { ChangeOrderHandler } from './commands/change-order.command.js';
import { OrderCommandRunner } from './commands/order-command-runner.js';
import { WrittenOrderHeaders } from './commands/written-order-headers.js';
import { IdempotencyModule } from '../common/idempotency/idempotency.module.js';
import { OrderCommandsController } from './commands/order-commands.controller.js';
import { PlaceOrderHandler } from './commands/place-order.command.js';
import { OrderRepository } from './order.repository.js';
import { registerOrderEvents, registerOrderPersonalData } from './order-stream.js';
import { PersonalData } from '../personal-data/personal-data.js';
import { analyticsProjection } from './read-models/analytics.projection.js';
import { kitchenQueueProjection } from './read-models/kitchen-queue.projection.js';
import { orderDetailsProjection } from './read-models/order-details.projection.js';
import { GetAnalyticsSummaryHandler } from './queries/get-analytics-summary.query.js';
import { GetKitchenQueueHandler } from './queries/get-kitchen-queue.query.js';
import { GetOrderStateHandler } from './queries/get-order-state.query.js';
import { GetOrderTimelineHandler } from './queries/get-order-timeline.query.js';
import { GetOrderHandler } from './queries/get-order.query.js';
import { ListOrdersHandler } from './queries/list-orders.query.js';
import { OrderQueriesController } from './queries/order-queries.controller.js';

const COMMAND_HANDLERS = [PlaceOrderHandler, ChangeOrderHandler];
// The order read models are plain objects, registered with the projections engine here; order details
// searches by the blind index of phone numbers, which PersonalData keys.
const readModels = (personalData: PersonalData) => [orderDetailsProjection(personalData), kitchenQueueProjection, analyticsProjection];
const QUERY_HANDLERS = [
  GetOrderHandler,
  ListOrdersHandler,
  GetOrderTimelineHandler,
  GetOrderStateHandler,
  GetKitchenQueueHandler,
  GetAnalyticsSummaryHandler,
];

@Module({
  imports: [ProjectionsModule, IdempotencyModule],
  controllers: [OrderCommandsController, OrderQueriesController],
  providers: [OrderRepository, OrderCommandRunner, WrittenOrderHeaders, ...COMMAND_HANDLERS, ...QUERY_HANDLERS],
  exports: [OrderRepository],
})
export class OrdersModule implements OnModuleInit {
  constructor(
    private readonly registry: EventRegistry,
    private readonly projections: ProjectionsService,
    private readonly personalData: PersonalData,
  ) {}

  onModuleInit(): void {
    registerOrderEvents(this.registry);
    registerOrderPersonalData(this.personalData);
    for (const projection of readModels(this.personalData)) this.projections.register(projection);
  }
}
