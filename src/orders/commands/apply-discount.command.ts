import { HttpStatus } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiError } from '../../common/errors/api-error.js';
import { findDiscount } from '../../menu/discount-codes.js';
import type { ApplyDiscountDto } from './dto/order-command.dtos.js';
import { OrderCommandRunner, type CommandContext, type WriteResult } from './order-command-runner.js';

export class ApplyDiscountCommand extends Command<WriteResult> {
  constructor(
    readonly orderId: string,
    readonly input: ApplyDiscountDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(ApplyDiscountCommand)
export class ApplyDiscountHandler implements ICommandHandler<ApplyDiscountCommand> {
  constructor(private readonly runner: OrderCommandRunner) {}

  execute({ orderId, input, context }: ApplyDiscountCommand): Promise<WriteResult> {
    const discount = findDiscount(input.code);
    if (!discount) {
      throw new ApiError(HttpStatus.BAD_REQUEST, 'DISCOUNT_CODE_UNKNOWN', `There is no discount code ${input.code}`);
    }
    return this.runner.update(orderId, context, (order, now) => order.applyDiscount({ discount, now }));
  }
}
