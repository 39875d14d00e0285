import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { Clock } from '../../common/clock.js';
import { ApiError } from '../../common/errors/api-error.js';
import { AppConfig } from '../../config/app-config.js';
import { normalisePhoneNumber } from '../domain/phone-number.js';
import { priceItems } from '../../menu/pricing.js';
import { PizzaOrder } from '../domain/pizza-order.js';
import type { PlaceOrderDto } from './dto/place-order.dto.js';
import { OrderCommandRunner, type CommandContext, type WriteResult } from './order-command-runner.js';

export class PlaceOrderCommand extends Command<WriteResult> {
  constructor(
    readonly input: PlaceOrderDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** Prices the order from the server's own menu; a client never sends a price. */
@CommandHandler(PlaceOrderCommand)
export class PlaceOrderHandler implements ICommandHandler<PlaceOrderCommand> {
  constructor(
    private readonly runner: OrderCommandRunner,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  execute({ input, context }: PlaceOrderCommand): Promise<WriteResult> {
    const now = this.clock.now();
    const phone = normalisePhoneNumber(input.customer.phone, this.config.phoneDefaultRegion);
    if (phone === undefined) {
      throw ApiError.validation([`customer.phone must be a phone number (without a +country code it is read as a ${this.config.phoneDefaultRegion} number)`]);
    }
    const order = PizzaOrder.place({
      orderId: randomUUID(),
      customer: { name: input.customer.name, phone, address: input.customer.address ?? null },
      items: priceItems(input.items),
      fulfilment: input.fulfilment,
      notes: input.notes ?? null,
      now,
    });
    return this.runner.create(order, context, now);
  }
}
