import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { PayOrderDto } from './dto/order-command.dtos.js';
import { OrderCommandRunner, type CommandContext, type WriteResult } from './order-command-runner.js';

export class PayOrderCommand extends Command<WriteResult> {
  constructor(
    readonly orderId: string,
    readonly input: PayOrderDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(PayOrderCommand)
export class PayOrderHandler implements ICommandHandler<PayOrderCommand> {
  constructor(private readonly runner: OrderCommandRunner) {}

  execute({ orderId, input, context }: PayOrderCommand): Promise<WriteResult> {
    return this.runner.update(orderId, context, (order, now) => order.pay({ method: input.method, transactionId: input.transactionId ?? null, now }));
  }
}
