import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CancelOrderDto } from './dto/order-command.dtos.js';
import { OrderCommandRunner, type CommandContext, type WriteResult } from './order-command-runner.js';

export class CancelOrderCommand extends Command<WriteResult> {
  constructor(
    readonly orderId: string,
    readonly input: CancelOrderDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(CancelOrderCommand)
export class CancelOrderHandler implements ICommandHandler<CancelOrderCommand> {
  constructor(private readonly runner: OrderCommandRunner) {}

  execute({ orderId, input, context }: CancelOrderCommand): Promise<WriteResult> {
    return this.runner.update(orderId, context, (order, now) => order.cancel({ reason: input.reason, by: context.actor, now }));
  }
}
