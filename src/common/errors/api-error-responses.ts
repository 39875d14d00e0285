import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';

/** The one error shape of the API (src/common/errors/error.filter.ts), as the OpenAPI document shows it. */
export class ErrorResponse {
  @ApiProperty({ description: 'The HTTP status, repeated', example: 409 })
  statusCode!: number;

  @ApiProperty({ description: 'The HTTP status text', example: 'Conflict' })
  error!: string;

  @ApiProperty({ description: 'Stable UPPER_SNAKE identifier a client can branch on', example: 'ORDER_NOT_PENDING' })
  code!: string;

  @ApiProperty({
    description: 'Human-readable; for VALIDATION_FAILED an array naming each bad field',
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: 'Only a pending order can be confirmed; this order is DELIVERED',
  })
  message!: string | string[];

  @ApiProperty({ description: 'Only with 412 VERSION_MISMATCH: the order version now', required: false, example: 4 })
  currentVersion?: number;
}

interface KnownError {
  status: number;
  message: string | string[];
  extra?: Record<string, unknown>;
}

/** Every error code the API answers with, and a real-looking example of each. */
const ERRORS = {
  VALIDATION_FAILED: { status: 400, message: ['items: the order must contain at least one item', 'items.0.quantity must not be greater than 20'] },
  DISCOUNT_CODE_UNKNOWN: { status: 400, message: 'There is no discount code FREEPIZZA' },
  WEBHOOK_URL_NOT_ALLOWED: { status: 400, message: 'Webhooks may not deliver to loopback, private or link-local addresses' },
  STAFF_TOKEN_MISSING: { status: 401, message: 'This route needs a staff token: Authorization: Bearer <token>' },
  STAFF_TOKEN_INVALID: { status: 403, message: 'The staff token is not valid' },
  CANCELLATION_REQUIRES_STAFF: { status: 403, message: 'Once an order is confirmed only staff can cancel it' },
  ORDER_NOT_FOUND: { status: 404, message: 'No order with id 0b7f3c1e-8a52-4d3e-9a35-6f1c2d4e5a6b' },
  PROJECTION_NOT_FOUND: { status: 404, message: 'There is no projection called order_summaries' },
  WEBHOOK_NOT_FOUND: { status: 404, message: 'No webhook with id 5d1e7c2a-0f4b-4b8e-a9d3-2c6e1f0a7b34' },
  ORDER_NOT_PENDING: { status: 409, message: 'Only a pending order can be confirmed; this order is DELIVERED' },
  ORDER_ALREADY_PAID: { status: 409, message: 'The order has already been paid' },
  ORDER_CANCELLED: { status: 409, message: 'The order has been cancelled' },
  DISCOUNT_ALREADY_APPLIED: { status: 409, message: 'A discount (WELCOME10) has already been applied to this order' },
  ORDER_NOT_CONFIRMED: { status: 409, message: 'Cooking can only start on a confirmed order; this order is PENDING' },
  ORDER_NOT_COOKING: { status: 409, message: 'Only an order being cooked can be marked ready; this order is CONFIRMED' },
  ORDER_NOT_READY: { status: 409, message: 'The order is not ready yet; it is COOKING' },
  PICKUP_ORDER_NOT_DISPATCHABLE: { status: 409, message: 'A pickup order is collected by the customer, not dispatched' },
  ORDER_NOT_OUT_FOR_DELIVERY: { status: 409, message: 'Only an order out for delivery can be delivered; this order is READY' },
  ORDER_NOT_CANCELLABLE: { status: 409, message: 'Only a pending or confirmed order can be cancelled; this order is COOKING' },
  CONCURRENT_UPDATE: { status: 409, message: 'The order kept changing while we wrote to it: try again' },
  IDEMPOTENCY_KEY_IN_FLIGHT: { status: 409, message: 'A request with this Idempotency-Key is still being processed' },
  REBUILD_IN_PROGRESS: { status: 409, message: 'The order_details projection is being rebuilt already' },
  VERSION_MISMATCH: {
    status: 412,
    message: 'The order is at version 4, not 2: reload it and try again',
    extra: { currentVersion: 4 },
  },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The request body must be UTF-8 JSON' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, message: 'This Idempotency-Key was used with a different request body' },
  TOO_MANY_REQUESTS: { status: 429, message: 'Too many writes from this address: at most 600 a minute. Try again after the Retry-After delay' },
  PROJECTION_BEHIND: { status: 503, message: 'The order_details read model has not reached position 1043 yet: try again shortly' },
  DATABASE_UNAVAILABLE: { status: 503, message: 'The database is not reachable right now: try again shortly' },
  DATABASE_BUSY: { status: 503, message: 'The database is too busy to answer right now: try again shortly' },
  LIVE_STREAMS_EXHAUSTED: { status: 503, message: 'Too many live connections right now: try again shortly' },
  SHUTTING_DOWN: { status: 503, message: 'This instance is shutting down: retry the request' },
  NOT_READY: {
    status: 503,
    message: 'Not ready: projection:kitchen_queue (the kitchen_queue projection is stopped)',
    extra: {
      status: 'error',
      info: { database: { status: 'up' } },
      details: {
        database: { status: 'up' },
        'projection:kitchen_queue': { status: 'down', state: 'stopped', position: 880, lagEvents: 162, lagSeconds: 41.2, runsHere: true, message: 'the kitchen_queue projection is stopped' },
      },
    },
  },
} satisfies Record<string, KnownError>;

export type ErrorCode = keyof typeof ERRORS;

/** What every route can answer whatever it does: an unreadable body, an overloaded or unreachable database. */
const ANY_REQUEST: ErrorCode[] = ['DATABASE_UNAVAILABLE'];
const ANY_WRITE: ErrorCode[] = ['VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'IDEMPOTENCY_KEY_IN_FLIGHT', 'IDEMPOTENCY_KEY_REUSED', 'TOO_MANY_REQUESTS', 'DATABASE_UNAVAILABLE'];

/**
 * Documents the error answers of a route (or of every route of a controller),
 * one response per status, with a named example for each code.
 */
export function ApiErrors(...codes: ErrorCode[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = ERRORS[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return applyDecorators(
    ApiExtraModels(ErrorResponse),
    ...[...byStatus].map(([status, list]) =>
      ApiResponse({
        status,
        description: `${STATUS_CODES[status]}: ${list.join(', ')}`,
        content: {
          'application/json': {
            schema: { $ref: getSchemaPath(ErrorResponse) },
            examples: Object.fromEntries(list.map((code) => [code, { summary: code, value: errorExample(code) }])),
          },
        },
      }),
    ),
  );
}

/** The errors a POST with a JSON body can meet before its command runs, plus the command's own. */
export function ApiWriteErrors(...codes: ErrorCode[]): MethodDecorator & ClassDecorator {
  return ApiErrors(...codes, ...ANY_WRITE);
}

/** The errors any read can meet, plus its own. */
export function ApiReadErrors(...codes: ErrorCode[]): MethodDecorator & ClassDecorator {
  return ApiErrors(...codes, ...ANY_REQUEST);
}

export function errorExample(code: ErrorCode): Record<string, unknown> {
  const known: KnownError = ERRORS[code];
  return { statusCode: known.status, error: STATUS_CODES[known.status], code, message: known.message, ...known.extra };
}
