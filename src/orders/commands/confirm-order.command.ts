import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ConfirmOrderDto } from './dto/order-command.dtos.js';
import { OrderCommandRunner, type CommandContext, type WriteResult } from './order-command-runner.js';

export class ConfirmOrderCommand extends Command<WriteResult> {
  constructor(
    readonly orderId: string,
    readonly input: ConfirmOrderDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(ConfirmOrderCommand)
export class ConfirmOrderHandler implements ICommandHandler<ConfirmOrderCommand> {
  constructor(private readonly runner: OrderCommandRunner) {}

  execute({ orderId, input, context }: ConfirmOrderCommand): Promise<WriteResult> {
    return this.runner.update(orderId, context, (order, now) => order.confirm({ estimatedReadyAt: input.estimatedReadyAt ? new Date(input.estimatedReadyAt).toISOString() : null, kitchenNotes: input.kitchenNotes ?? null, now }));
  }
}
