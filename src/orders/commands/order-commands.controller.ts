import { Body, Controller, Headers, HttpCode, HttpStatus, Param, Post, Res } from '@nestjs/common';
import { Idempotent } from '../../common/idempotency/idempotency.interceptor.js';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { StaffOnly, StaffOptional } from '../../common/auth/staff.guard.js';
import { Ctx, type RequestContext } from '../../common/http/request-context.js';
import { ApplyDiscountCommand } from './apply-discount.command.js';
import { CancelOrderCommand } from './cancel-order.command.js';
import { ConfirmOrderCommand } from './confirm-order.command.js';
import { DeliverOrderCommand } from './deliver-order.command.js';
import { DispatchOrderCommand } from './dispatch-order.command.js';
import {
  ApplyDiscountDto,
  CancelOrderDto,
  ConfirmOrderDto,
  DispatchOrderDto,
  EmptyDto,
  PayOrderDto,
} from './dto/order-command.dtos.js';
import { PlaceOrderDto } from './dto/place-order.dto.js';
import { parseIfMatch } from './if-match.js';
import { MarkReadyCommand } from './mark-ready.command.js';
import { ApiCommandHeaders, ApiOrderCommand } from './order-commands.docs.js';
import type { CommandContext, WriteResult } from './order-command-runner.js';
import { PayOrderCommand } from './pay-order.command.js';
import { PlaceOrderCommand } from './place-order.command.js';
import { StartCookingCommand } from './start-cooking.command.js';

/** The write side over HTTP: every route turns a request into one command. */
@ApiTags('orders: commands')
@ApiCommandHeaders()
@Idempotent()
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
  async place(@Body() body: PlaceOrderDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: FastifyReply) {
    const result = await this.commands.execute(new PlaceOrderCommand(body, this.context(ctx)));
    res.header('Location', `/orders/${result.orderId}`);
    return this.written(result, res);
  }

  @Post(':id/confirm')
  @HttpCode(HttpStatus.OK)
  @StaffOnly()
  @ApiOrderCommand({
    summary: 'Confirm a pending order (staff)',
    errors: ['ORDER_NOT_FOUND', 'ORDER_NOT_PENDING', 'ORDER_CANCELLED', 'CONCURRENT_UPDATE', 'VERSION_MISMATCH'],
  })
  async confirm(@Param('id') id: string, @Body() body: ConfirmOrderDto, @Ctx() ctx: RequestContext, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) res: FastifyReply) {
    return this.written(await this.commands.execute(new ConfirmOrderCommand(id, body, this.context(ctx, ifMatch))), res);
  }

  @Post(':id/pay')
  @HttpCode(HttpStatus.OK)
  @StaffOnly()
  @ApiOrderCommand({
    summary: 'Take payment (staff)',
    description: 'Paying a CONFIRMED order also starts cooking it: one PaymentReceived event, one version.',
    errors: ['ORDER_NOT_FOUND', 'ORDER_ALREADY_PAID', 'ORDER_CANCELLED', 'CONCURRENT_UPDATE', 'VERSION_MISMATCH'],
  })
  async pay(@Param('id') id: string, @Body() body: PayOrderDto, @Ctx() ctx: RequestContext, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) res: FastifyReply) {
    return this.written(await this.commands.execute(new PayOrderCommand(id, body, this.context(ctx, ifMatch))), res);
  }

  @Post(':id/discount')
  @HttpCode(HttpStatus.OK)
  @StaffOnly()
  @ApiOrderCommand({
    summary: 'Apply a discount code to an unpaid order, once (staff)',
    errors: ['DISCOUNT_CODE_UNKNOWN', 'ORDER_NOT_FOUND', 'ORDER_ALREADY_PAID', 'DISCOUNT_ALREADY_APPLIED', 'ORDER_CANCELLED', 'CONCURRENT_UPDATE', 'VERSION_MISMATCH'],
  })
  async discount(@Param('id') id: string, @Body() body: ApplyDiscountDto, @Ctx() ctx: RequestContext, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) res: FastifyReply) {
    return this.written(await this.commands.execute(new ApplyDiscountCommand(id, body, this.context(ctx, ifMatch))), res);
  }

  @Post(':id/start-cooking')
  @HttpCode(HttpStatus.OK)
  @StaffOnly()
  @ApiOrderCommand({
    summary: 'Start cooking a confirmed, unpaid order (staff)',
    description: 'For cash on delivery: payment can be taken later with /pay.',
    errors: ['ORDER_NOT_FOUND', 'ORDER_NOT_CONFIRMED', 'ORDER_CANCELLED', 'CONCURRENT_UPDATE', 'VERSION_MISMATCH'],
  })
  async startCooking(@Param('id') id: string, @Body() body: EmptyDto, @Ctx() ctx: RequestContext, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) res: FastifyReply) {
    return this.written(await this.commands.execute(new StartCookingCommand(id, body, this.context(ctx, ifMatch))), res);
  }

  @Post(':id/ready')
  @HttpCode(HttpStatus.OK)
  @StaffOnly()
  @ApiOrderCommand({
    summary: 'Mark an order being cooked as ready (staff)',
    errors: ['ORDER_NOT_FOUND', 'ORDER_NOT_COOKING', 'ORDER_CANCELLED', 'CONCURRENT_UPDATE', 'VERSION_MISMATCH'],
  })
  async ready(@Param('id') id: string, @Body() body: EmptyDto, @Ctx() ctx: RequestContext, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) res: FastifyReply) {
    return this.written(await this.commands.execute(new MarkReadyCommand(id, body, this.context(ctx, ifMatch))), res);
  }

  @Post(':id/dispatch')
  @HttpCode(HttpStatus.OK)
  @StaffOnly()
  @ApiOrderCommand({
    summary: 'Send a ready delivery order out (staff)',
    errors: ['ORDER_NOT_FOUND', 'ORDER_NOT_READY', 'PICKUP_ORDER_NOT_DISPATCHABLE', 'ORDER_CANCELLED', 'CONCURRENT_UPDATE', 'VERSION_MISMATCH'],
  })
  async dispatch(@Param('id') id: string, @Body() body: DispatchOrderDto, @Ctx() ctx: RequestContext, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) res: FastifyReply) {
    return this.written(await this.commands.execute(new DispatchOrderCommand(id, body, this.context(ctx, ifMatch))), res);
  }

  @Post(':id/deliver')
  @HttpCode(HttpStatus.OK)
  @StaffOnly()
  @ApiOrderCommand({
    summary: 'Deliver an order, or hand a ready pickup order over (staff)',
    description: 'A delivery order goes OUT_FOR_DELIVERY → DELIVERED; a pickup order READY → PICKED_UP.',
    errors: ['ORDER_NOT_FOUND', 'ORDER_NOT_OUT_FOR_DELIVERY', 'ORDER_NOT_READY', 'ORDER_CANCELLED', 'CONCURRENT_UPDATE', 'VERSION_MISMATCH'],
  })
  async deliver(@Param('id') id: string, @Body() body: EmptyDto, @Ctx() ctx: RequestContext, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) res: FastifyReply) {
    return this.written(await this.commands.execute(new DeliverOrderCommand(id, body, this.context(ctx, ifMatch))), res);
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
  async cancel(@Param('id') id: string, @Body() body: CancelOrderDto, @Ctx() ctx: RequestContext, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) res: FastifyReply) {
    return this.written(await this.commands.execute(new CancelOrderCommand(id, body, this.context(ctx, ifMatch))), res);
  }

  private context(ctx: RequestContext, ifMatch?: string): CommandContext {
    return { correlationId: ctx.correlationId, actor: ctx.actor, ifMatch: parseIfMatch(ifMatch), idempotency: ctx.idempotency };
  }

  private written(result: WriteResult, res: FastifyReply): WriteResult {
    res.header('ETag', `"${result.version}"`);
    return { orderId: result.orderId, version: result.version, position: result.position };
  }
}
