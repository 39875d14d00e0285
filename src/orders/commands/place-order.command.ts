import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { Clock } from '../../common/clock.js';
import { AppError } from '../../common/errors/app-error.js';
import { AppConfig } from '../../config/app-config.js';
import { priceItems, type ItemRequest } from '../../menu/pricing.js';
import { normalisePhoneNumber } from '../domain/phone-number.js';
import { PizzaOrder } from '../domain/pizza-order.js';
import { OrderCommandRunner, type CommandContext, type WriteResult } from './order-command-runner.js';

/** A new order as plain values: the HTTP body (PlaceOrderDto) and the seed both map to this. */
export interface PlaceOrderInput {
  readonly customer: { readonly name: string; readonly phone: string; readonly address: string | null };
  readonly items: readonly ItemRequest[];
  readonly fulfilment?: 'delivery' | 'pickup';
  readonly notes: string | null;
}

export class PlaceOrderCommand extends Command<WriteResult> {
  constructor(
    readonly input: PlaceOrderInput,
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
      throw AppError.validation([
        `customer.phone must be a phone number (without a +country code it is read as a ${this.config.phoneDefaultRegion} number)`,
      ]);
    }
    const order = PizzaOrder.place({
      orderId: randomUUID(),
      customer: { ...input.customer, phone },
      items: priceItems([...input.items]),
      fulfilment: input.fulfilment,
      notes: input.notes,
      now,
    });
    return this.runner.create(order, context, now);
  }
}
