import { applyDecorators, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiResponse } from '@nestjs/swagger';
import type { StaffRole } from '../../common/auth/staff-roles.js';
import { StaffOnly, StaffOptional } from '../../common/auth/staff.guard.js';
import { ApiWriteErrors, type ErrorCode } from '../../common/errors/api-error-responses.js';
import { ApiOrderIdParam } from '../order-id.param.js';
import type { OrderChange } from './order-changes.js';
import { WriteResultDto } from './dto/write-result.dto.js';

const ETAG = { description: 'The order version after the write, quoted', schema: { type: 'string', example: '"2"' } };

/** How an order command route shows in the OpenAPI document: one decorator per route keeps the controller readable. */
export function ApiOrderCommand(options: { summary: string; description?: string; errors: ErrorCode[]; created?: boolean }) {
  const status = options.created ? HttpStatus.CREATED : HttpStatus.OK;
  const example = options.created
    ? { orderId: '0b7f3c1e-8a52-4d3e-9a35-6f1c2d4e5a6b', version: 1, position: 1042 }
    : { orderId: '0b7f3c1e-8a52-4d3e-9a35-6f1c2d4e5a6b', version: 2, position: 1043 };
  return applyDecorators(
    ApiOperation({ summary: options.summary, description: options.description }),
    ...(options.created
      ? []
      : [
          ApiOrderIdParam(),
          ApiHeader({
            name: 'If-Match',
            required: false,
            description: 'The order version you last saw, e.g. "1": the write happens only on that version, else 412 VERSION_MISMATCH',
            schema: { type: 'string', example: '"1"' },
          }),
        ]),
    ApiResponse({
      status,
      description: options.created ? 'Placed' : 'Written',
      type: WriteResultDto,
      example,
      headers: options.created
        ? {
            ETag: ETAG,
            Location: { description: 'Where to read the order', schema: { type: 'string', example: `/orders/${example.orderId}` } },
          }
        : { ETag: ETAG },
    }),
    ApiWriteErrors(...options.errors),
  );
}

/** Shared by every command route: the request headers the API honours on any POST. */
export const ApiCommandHeaders = () =>
  applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: 'The same key with the same body returns the first answer again (Idempotent-Replayed: true) and writes nothing',
      schema: { type: 'string', maxLength: 255, example: 'b1f0c3a4-checkout-1' },
    }),
    ApiHeader({
      name: 'X-Correlation-Id',
      required: false,
      description: 'Echoed back, stored in the events metadata and on every log line of the request; generated when absent',
      schema: { type: 'string', example: 'checkout-7f3a' },
    }),
  );

interface ChangeRoute {
  readonly path: string;
  /** 'optional': open to anyone, the staff token only widening what is allowed (the order's own rules decide). */
  readonly staff: 'only' | 'optional';
  /** The roles of staff it is for, besides manager. */
  readonly roles: readonly StaffRole[];
  readonly summary: string;
  readonly description?: string;
  readonly errors: ErrorCode[];
}

/** Each change's route: its path, who may call it, and how the OpenAPI document shows it. */
export const CHANGE_ROUTES: { readonly [K in OrderChange]: ChangeRoute } = {
  confirm: {
    path: ':id/confirm',
    staff: 'only',
    roles: ['counter'],
    summary: 'Confirm a pending order (staff)',
    errors: ['ORDER_NOT_FOUND', 'ORDER_NOT_PENDING', 'ORDER_CANCELLED', 'CONCURRENT_UPDATE', 'VERSION_MISMATCH'],
  },
  pay: {
    path: ':id/pay',
    staff: 'only',
    roles: ['counter'],
    summary: 'Take payment (staff)',
    description: 'Paying a CONFIRMED order also starts cooking it: one PaymentReceived event, one version.',
    errors: ['ORDER_NOT_FOUND', 'ORDER_ALREADY_PAID', 'ORDER_CANCELLED', 'CONCURRENT_UPDATE', 'VERSION_MISMATCH'],
  },
  discount: {
    path: ':id/discount',
    staff: 'only',
    roles: ['counter'],
    summary: 'Apply a discount code to an unpaid order, once (staff)',
    errors: [
      'DISCOUNT_CODE_UNKNOWN',
      'ORDER_NOT_FOUND',
      'ORDER_ALREADY_PAID',
      'DISCOUNT_ALREADY_APPLIED',
      'ORDER_CANCELLED',
      'CONCURRENT_UPDATE',
      'VERSION_MISMATCH',
    ],
  },
  startCooking: {
    path: ':id/start-cooking',
    staff: 'only',
    roles: ['kitchen'],
    summary: 'Start cooking a confirmed, unpaid order (staff)',
    description: 'For cash on delivery: payment can be taken later with /pay.',
    errors: ['ORDER_NOT_FOUND', 'ORDER_NOT_CONFIRMED', 'ORDER_CANCELLED', 'CONCURRENT_UPDATE', 'VERSION_MISMATCH'],
  },
  ready: {
    path: ':id/ready',
    staff: 'only',
    roles: ['kitchen'],
    summary: 'Mark an order being cooked as ready (staff)',
    errors: ['ORDER_NOT_FOUND', 'ORDER_NOT_COOKING', 'ORDER_CANCELLED', 'CONCURRENT_UPDATE', 'VERSION_MISMATCH'],
  },
  dispatch: {
    path: ':id/dispatch',
    staff: 'only',
    roles: ['driver'],
    summary: 'Send a ready delivery order out (staff)',
    errors: [
      'ORDER_NOT_FOUND',
      'ORDER_NOT_READY',
      'PICKUP_ORDER_NOT_DISPATCHABLE',
      'ORDER_CANCELLED',
      'CONCURRENT_UPDATE',
      'VERSION_MISMATCH',
    ],
  },
  deliver: {
    path: ':id/deliver',
    staff: 'only',
    roles: ['driver', 'counter'],
    // The counter hands pickup orders over; drivers deliver.
    summary: 'Deliver an order, or hand a ready pickup order over (staff)',
    description: 'A delivery order goes OUT_FOR_DELIVERY → DELIVERED; a pickup order READY → PICKED_UP.',
    errors: [
      'ORDER_NOT_FOUND',
      'ORDER_NOT_OUT_FOR_DELIVERY',
      'ORDER_NOT_READY',
      'ORDER_CANCELLED',
      'CONCURRENT_UPDATE',
      'VERSION_MISMATCH',
    ],
  },
  cancel: {
    path: ':id/cancel',
    staff: 'optional',
    roles: ['counter'],
    summary: 'Cancel an order (staff; the customer too while it is PENDING)',
    description:
      'Without a staff token only a PENDING order can be cancelled. A paid order is refunded in the same write (PaymentRefunded).',
    errors: [
      'ORDER_NOT_FOUND',
      'ORDER_NOT_CANCELLABLE',
      'CANCELLATION_REQUIRES_STAFF',
      'ORDER_CANCELLED',
      'CONCURRENT_UPDATE',
      'VERSION_MISMATCH',
    ],
  },
};

/** A change's route as its table row says: POST, 200, its access and its documentation. */
export function ChangeRoute(change: OrderChange) {
  const route = CHANGE_ROUTES[change];
  return applyDecorators(
    Post(route.path),
    HttpCode(HttpStatus.OK),
    route.staff === 'only' ? StaffOnly(...route.roles) : StaffOptional(...route.roles),
    ApiOrderCommand({ summary: route.summary, description: route.description, errors: route.errors }),
  );
}
