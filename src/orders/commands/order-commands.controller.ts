import { Body, Controller, HttpCode, HttpStatus, Param, Post, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { StaffOnly, StaffOptional } from '../../common/auth/staff.guard.js';
import { IdempotencyInterceptor } from '../../common/idempotency/idempotency.interceptor.js';
import { ChangeOrderCommand } from './change-order.command.js';
import { CommandCtx } from './command-context.js';
import {
  ApplyDiscountDto,
  CancelOrderDto,
  ConfirmOrderDto,
  DispatchOrderDto,
  EmptyDto,
  PayOrderDto,
} from './dto/order-command.dtos.js';
import { PlaceOrderDto } from './dto/place-order.dto.js';
import { ApiCommandHeaders, ApiOrderCommand } from './order-commands.docs.js';
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
    const input = { customer: { name: customer.name, phone: customer.phone, address: customer.address ?? null }, items: body.items, fulfilment: body.fulfilment, notes: body.notes ?? null };
    return this.commands.execute(new PlaceOrderCommand(input, context));
  }

  @Post(':id/confirm')
  @HttpCode(HttpStatus.OK)
  @StaffOnly()
  @ApiOrderCommand({
    summary: 'Confirm a pending order (staff)',
    errors: ['ORDER_NOT_FOUND', 'ORDER_NOT_PENDING', 'ORDER_CANCELLED', 'CONCURRENT_UPDATE', 'VERSION_MISMATCH'],
  })
  confirm(@Param('id') id: string, @Body() body: ConfirmOrderDto, @CommandCtx() context: CommandContext): Promise<WriteResult> {
    return this.change('confirm', id, { estimatedReadyAt: body.estimatedReadyAt ? new Date(body.estimatedReadyAt).toISOString() : null, kitchenNotes: body.kitchenNotes ?? null }, context);
  }

  @Post(':id/pay')
  @HttpCode(HttpStatus.OK)
  @StaffOnly()
  @ApiOrderCommand({
    summary: 'Take payment (staff)',
    description: 'Paying a CONFIRMED order also starts cooking it: one PaymentReceived event, one version.',
    errors: ['ORDER_NOT_FOUND', 'ORDER_ALREADY_PAID', 'ORDER_CANCELLED', 'CONCURRENT_UPDATE', 'VERSION_MISMATCH'],
  })
  pay(@Param('id') id: string, @Body() body: PayOrderDto, @CommandCtx() context: CommandContext): Promise<WriteResult> {
    return this.change('pay', id, { method: body.method, transactionId: body.transactionId ?? null }, context);
  }

  @Post(':id/discount')
  @HttpCode(HttpStatus.OK)
  @StaffOnly()
  @ApiOrderCommand({
    summary: 'Apply a discount code to an unpaid order, once (staff)',
    errors: ['DISCOUNT_CODE_UNKNOWN', 'ORDER_NOT_FOUND', 'ORDER_ALREADY_PAID', 'DISCOUNT_ALREADY_APPLIED', 'ORDER_CANCELLED', 'CONCURRENT_UPDATE', 'VERSION_MISMATCH'],
  })
  discount(@Param('id') id: string, @Body() body: ApplyDiscountDto, @CommandCtx() context: CommandContext): Promise<WriteResult> {
    return this.change('discount', id, { code: body.code }, context);
  }

  @Post(':id/start-cooking')
  @HttpCode(HttpStatus.OK)
  @StaffOnly()
  @ApiOrderCommand({
    summary: 'Start cooking a confirmed, unpaid order (staff)',
    description: 'For cash on delivery: payment can be taken later with /pay.',
    errors: ['ORDER_NOT_FOUND', 'ORDER_NOT_CONFIRMED', 'ORDER_CANCELLED', 'CONCURRENT_UPDATE', 'VERSION_MISMATCH'],
  })
  startCooking(@Param('id') id: string, @Body() _body: EmptyDto, @CommandCtx() context: CommandContext): Promise<WriteResult> {
    return this.change('startCooking', id, {}, context);
  }

  @Post(':id/ready')
  @HttpCode(HttpStatus.OK)
  @StaffOnly()
  @ApiOrderCommand({
    summary: 'Mark an order being cooked as ready (staff)',
    errors: ['ORDER_NOT_FOUND', 'ORDER_NOT_COOKING', 'ORDER_CANCELLED', 'CONCURRENT_UPDATE', 'VERSION_MISMATCH'],
  })
  ready(@Param('id') id: string, @Body() _body: EmptyDto, @CommandCtx() context: CommandContext): Promise<WriteResult> {
    return this.change('ready', id, {}, context);
  }

  @Post(':id/dispatch')
  @HttpCode(HttpStatus.OK)
  @StaffOnly()
  @ApiOrderCommand({
    summary: 'Send a ready delivery order out (staff)',
    errors: ['ORDER_NOT_FOUND', 'ORDER_NOT_READY', 'PICKUP_ORDER_NOT_DISPATCHABLE', 'ORDER_CANCELLED', 'CONCURRENT_UPDATE', 'VERSION_MISMATCH'],
  })
  dispatch(@Param('id') id: string, @Body() body: DispatchOrderDto, @CommandCtx() context: CommandContext): Promise<WriteResult> {
    return this.change('dispatch', id, { courier: body.courier ?? null }, context);
  }

  @Post(':id/deliver')
  @HttpCode(HttpStatus.OK)
  @StaffOnly()
  @ApiOrderCommand({
    summary: 'Deliver an order, or hand a ready pickup order over (staff)',
    description: 'A delivery order goes OUT_FOR_DELIVERY → DELIVERED; a pickup order READY → PICKED_UP.',
    errors: ['ORDER_NOT_FOUND', 'ORDER_NOT_OUT_FOR_DELIVERY', 'ORDER_NOT_READY', 'ORDER_CANCELLED', 'CONCURRENT_UPDATE', 'VERSION_MISMATCH'],
  })
  deliver(@Param('id') id: string, @Body() _body: EmptyDto, @CommandCtx() context: CommandContext): Promise<WriteResult> {
    return this.change('deliver', id, {}, context);
  }

  /** Open to anyone: the order itself allows customers to cancel only while it is PENDING. */
  @Post(':id/cancel')
  @HttpCode(HttpStatus.OK)
  @StaffOptional()
  @ApiOrderCommand({
    summary: 'Cancel an order (staff; the customer too while it is PENDING)',
    description: 'Without a staff token only a PENDING order can be cancelled. A paid order is refunded in the same write (PaymentRefunded).',
    errors: ['ORDER_NOT_FOUND', 'ORDER_NOT_CANCELLABLE', 'CANCELLATION_REQUIRES_STAFF', 'ORDER_CANCELLED', 'CONCURRENT_UPDATE', 'VERSION_MISMATCH'],
  })
  cancel(@Param('id') id: string, @Body() body: CancelOrderDto, @CommandCtx() context: CommandContext): Promise<WriteResult> {
    return this.change('cancel', id, { reason: body.reason }, context);
  }

  private change<K extends OrderChange>(change: K, orderId: string, input: OrderChangeInputs[K], context: CommandContext): Promise<WriteResult> {
    return this.commands.execute(new ChangeOrderCommand(change, orderId, input, context));
  }
}
