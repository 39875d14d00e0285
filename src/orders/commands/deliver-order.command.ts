import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EmptyDto } from './dto/order-command.dtos.js';
import { OrderCommandRunner, type CommandContext, type WriteResult } from './order-command-runner.js';

export class DeliverOrderCommand extends Command<WriteResult> {
  constructor(
    readonly orderId: string,
    readonly input: EmptyDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(DeliverOrderCommand)
export class DeliverOrderHandler implements ICommandHandler<DeliverOrderCommand> {
  constructor(private readonly runner: OrderCommandRunner) {}

  execute({ orderId, input, context }: DeliverOrderCommand): Promise<WriteResult> {
    return this.runner.update(orderId, context, (order, now) => order.deliver({ now }));
  }
}
