import { Body, Controller, HttpCode, HttpStatus, Param, Post, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { IdempotencyInterceptor } from '../../common/idempotency/idempotency.interceptor.js';
import { ChangeOrderCommand } from './change-order.command.js';
import { CommandCtx } from './command-context.js';
import { ApplyDiscountDto, CancelOrderDto, ConfirmOrderDto, DispatchOrderDto, EmptyDto, PayOrderDto } from './dto/order-command.dtos.js';
import { PlaceOrderDto } from './dto/place-order.dto.js';
import { ApiCommandHeaders, ApiOrderCommand, ChangeRoute } from './order-commands.docs.js';
import type { OrderChange, OrderChangeInputs } from './order-changes.js';
import type { CommandContext, WriteResult } from './order-command-runner.js';
import { PlaceOrderCommand } from './place-order.command.js';
import { WrittenOrderHeaders } from './written-order-headers.js';

/**
 * The write side over HTTP: every route maps its body to a command's plain
 * input and sends it. The headers of the answer (ETag, Location) are set around
 * it, for fresh and replayed answers alike (WrittenOrderHeaders wraps the
 * Idempotency-Key handling).
 */
@ApiTags('orders: commands')
@ApiCommandHeaders()
@UseInterceptors(WrittenOrderHeaders, IdempotencyInterceptor)
@Controller('orders')
export class OrderCommandsController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @ApiOrderCommand({
    summary: 'Place an order (anyone)',
    description: 'The server prices every item from its own menu; a client never sends a price. The order starts PENDING and UNPAID.',
    errors: [],
    created: true,
  })
  place(@Body() body: PlaceOrderDto, @CommandCtx() context: CommandContext): Promise<WriteResult> {
    const { customer } = body;
    const input = {
      customer: { name: customer.name, phone: customer.phone, address: customer.address ?? null },
      items: body.items,
      fulfilment: body.fulfilment,
      notes: body.notes ?? null,
    };
    return this.commands.execute(new PlaceOrderCommand(input, context));
  }

  @ChangeRoute('confirm')
  confirm(@Param('id') id: string, @Body() body: ConfirmOrderDto, @CommandCtx() context: CommandContext): Promise<WriteResult> {
    return this.change(
      'confirm',
      id,
      {
        estimatedReadyAt: body.estimatedReadyAt ? new Date(body.estimatedReadyAt).toISOString() : null,
        kitchenNotes: body.kitchenNotes ?? null,
      },
      context,
    );
  }

  @ChangeRoute('pay')
  pay(@Param('id') id: string, @Body() body: PayOrderDto, @CommandCtx() context: CommandContext): Promise<WriteResult> {
    return this.change('pay', id, { method: body.method, transactionId: body.transactionId ?? null }, context);
  }

  @ChangeRoute('discount')
  discount(@Param('id') id: string, @Body() body: ApplyDiscountDto, @CommandCtx() context: CommandContext): Promise<WriteResult> {
    return this.change('discount', id, { code: body.code }, context);
  }

  @ChangeRoute('startCooking')
  startCooking(@Param('id') id: string, @Body() _body: EmptyDto, @CommandCtx() context: CommandContext): Promise<WriteResult> {
    return this.change('startCooking', id, {}, context);
  }

  @ChangeRoute('ready')
  ready(@Param('id') id: string, @Body() _body: EmptyDto, @CommandCtx() context: CommandContext): Promise<WriteResult> {
    return this.change('ready', id, {}, context);
  }

  @ChangeRoute('dispatch')
  dispatch(@Param('id') id: string, @Body() body: DispatchOrderDto, @CommandCtx() context: CommandContext): Promise<WriteResult> {
    return this.change('dispatch', id, { courier: body.courier ?? null }, context);
  }

  @ChangeRoute('deliver')
  deliver(@Param('id') id: string, @Body() _body: EmptyDto, @CommandCtx() context: CommandContext): Promise<WriteResult> {
    return this.change('deliver', id, {}, context);
  }

  /** Open to anyone: the order itself allows customers to cancel only while it is PENDING. */
  @ChangeRoute('cancel')
  cancel(@Param('id') id: string, @Body() body: CancelOrderDto, @CommandCtx() context: CommandContext): Promise<WriteResult> {
    return this.change('cancel', id, { reason: body.reason }, context);
  }

  private change<K extends OrderChange>(
    change: K,
    orderId: string,
    input: OrderChangeInputs[K],
    context: CommandContext,
  ): Promise<WriteResult> {
    return this.commands.execute(new ChangeOrderCommand(change, orderId, input, context));
  }
}
