import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { DispatchOrderDto } from './dto/order-command.dtos.js';
import { OrderCommandRunner, type CommandContext, type WriteResult } from './order-command-runner.js';

export class DispatchOrderCommand extends Command<WriteResult> {
  constructor(
    readonly orderId: string,
    readonly input: DispatchOrderDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(DispatchOrderCommand)
export class DispatchOrderHandler implements ICommandHandler<DispatchOrderCommand> {
  constructor(private readonly runner: OrderCommandRunner) {}

  execute({ orderId, input, context }: DispatchOrderCommand): Promise<WriteResult> {
    return this.runner.update(orderId, context, (order, now) => order.dispatch({ courier: input.courier ?? null, now }));
  }
}
