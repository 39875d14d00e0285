import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ORDER_CHANGES, type OrderChange, type OrderChangeInputs } from './order-changes.js';
import { OrderCommandRunner, type CommandContext, type WriteResult } from './order-command-runner.js';

/** Any change to an existing order (see ORDER_CHANGES): which one, to which order, with what. */
export class ChangeOrderCommand<K extends OrderChange = OrderChange> extends Command<WriteResult> {
  constructor(
    readonly change: K,
    readonly orderId: string,
    readonly input: OrderChangeInputs[K],
    readonly context: CommandContext,
  ) {
    super();
  }

  /** What metrics and logs call it: the change's own name, not this class's. */
  get commandName(): string {
    return ORDER_CHANGES[this.change].name;
  }
}

@CommandHandler(ChangeOrderCommand)
export class ChangeOrderHandler implements ICommandHandler<ChangeOrderCommand> {
  constructor(private readonly runner: OrderCommandRunner) {}

  execute<K extends OrderChange>({ change, orderId, input, context }: ChangeOrderCommand<K>): Promise<WriteResult> {
    const rule = ORDER_CHANGES[change];
    return this.runner.update(orderId, context, rule.decide(input, context.actor.kind));
  }
}
