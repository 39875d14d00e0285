import { Module, type OnModuleInit } from '@nestjs/common';
import { EventRegistry } from '../event-store/event-registry.js';
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

@Module({
  controllers: [OrderCommandsController],
  providers: [OrderRepository, OrderCommandRunner, ...COMMAND_HANDLERS],
  exports: [OrderRepository],
})
export class OrdersModule implements OnModuleInit {
  constructor(private readonly registry: EventRegistry) {}

  onModuleInit(): void {
    registerOrderEvents(this.registry);
  }
}
