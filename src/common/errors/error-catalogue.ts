/**
 * Every error code the API answers with: its HTTP status and a real-looking
 * example. The one table: the error filter takes the status from here, the
 * OpenAPI document its examples, the metrics the outcome. A throw site names a
 * code (AppError), never a status.
 */
export interface KnownError {
  status: number;
  message: string | string[];
  extra?: Record<string, unknown>;
}

export const ERRORS = {
  VALIDATION_FAILED: {
    status: 400,
    message: ['items: the order must contain at least one item', 'items.0.quantity must not be greater than 20'],
  },
  DISCOUNT_CODE_UNKNOWN: { status: 400, message: 'There is no discount code FREEPIZZA' },
  ORDER_HAS_NO_ITEMS: { status: 400, message: 'The order must contain at least one item' },
  INVALID_QUANTITY: { status: 400, message: 'items.0.quantity must be a whole number from 1 to 20, got 0' },
  DELIVERY_ADDRESS_REQUIRED: { status: 400, message: 'customer.address must not be blank for a delivery order' },
  MALFORMED_REQUEST: { status: 400, message: 'The request could not be read' },
  WEBHOOK_URL_NOT_ALLOWED: { status: 400, message: 'Webhooks may not deliver to loopback, private or link-local addresses' },
  STAFF_TOKEN_MISSING: { status: 401, message: 'This route needs a staff token: Authorization: Bearer <token>' },
  SESSION_INVALID: { status: 401, message: 'This session does not exist or was signed out: sign in again' },
  SESSION_EXPIRED: { status: 401, message: 'This session has expired: sign in again' },
  SIGN_IN_FAILED: { status: 401, message: 'The login or the password is wrong' },
  STAFF_TOKEN_INVALID: { status: 403, message: 'The staff token is not valid' },
  STAFF_TOKEN_REVOKED: { status: 403, message: 'This personal API token was revoked' },
  STAFF_ACCOUNT_DISABLED: { status: 403, message: 'The account this token belongs to is disabled' },
  ROLE_NOT_ALLOWED: { status: 403, message: 'This needs the counter or manager role; this account is kitchen' },
  CSRF_TOKEN_INVALID: {
    status: 403,
    message: "A request signed in by the session cookie must send the session's X-CSRF-Token header",
  },
  CANCELLATION_REQUIRES_STAFF: { status: 403, message: 'Once an order is confirmed only staff can cancel it' },
  ORDER_NOT_FOUND: { status: 404, message: 'No order with id 0b7f3c1e-8a52-4d3e-9a35-6f1c2d4e5a6b' },
  PROJECTION_NOT_FOUND: { status: 404, message: 'There is no projection called order_summaries' },
  STAFF_ACCOUNT_NOT_FOUND: { status: 404, message: 'No staff account with id 3f2b8c1d-7e4a-4c5b-9d6e-1a2b3c4d5e6f' },
  STAFF_TOKEN_NOT_FOUND: { status: 404, message: 'This account has no token with id 9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' },
  WEBHOOK_NOT_FOUND: { status: 404, message: 'No webhook with id 5d1e7c2a-0f4b-4b8e-a9d3-2c6e1f0a7b34' },
  ORDER_ALREADY_PLACED: { status: 409, message: 'Order 0b7f3c1e-8a52-4d3e-9a35-6f1c2d4e5a6b has already been placed' },
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
  STAFF_LOGIN_TAKEN: { status: 409, message: 'There is already an account with the login maria' },
  CONCURRENT_UPDATE: { status: 409, message: 'The order kept changing while we wrote to it: try again' },
  IDEMPOTENCY_KEY_IN_FLIGHT: { status: 409, message: 'A request with this Idempotency-Key is still being processed' },
  WEBHOOK_SECRET_ROTATION_CONFLICT: {
    status: 409,
    message: 'Another request rotated this secret at the same moment: nothing changed here',
  },
  REBUILD_IN_PROGRESS: { status: 409, message: 'The order_details projection is being rebuilt already' },
  VERSION_MISMATCH: { status: 412, message: 'The order is at version 4, not 2: reload it and try again', extra: { currentVersion: 4 } },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The request body must be UTF-8 JSON' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, message: 'This Idempotency-Key was used with a different request body' },
  HEADERS_TOO_LARGE: { status: 431, message: 'The request headers are too large' },
  REQUEST_TIMEOUT: { status: 408, message: 'The request took too long to arrive' },
  TOO_MANY_REQUESTS: { status: 429, message: 'Too many writes from this address: at most 600 a minute. Try again after Retry-After' },
  SIGN_IN_RATE_LIMITED: {
    status: 429,
    message: 'Too many failed sign-ins: try again in 840 seconds',
    extra: { retryAfterSeconds: 840 },
  },
  INTERNAL_ERROR: { status: 500, message: 'Something went wrong on our side' },
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
        'projection:kitchen_queue': {
          status: 'down',
          state: 'stopped',
          position: 880,
          lagEvents: 162,
          lagSeconds: 41.2,
          runsHere: true,
          message: 'the kitchen_queue projection is stopped',
        },
      },
    },
  },
} satisfies Record<string, KnownError>;

export type ErrorCode = keyof typeof ERRORS;

/** The status a code is answered with. */
export function statusOf(code: ErrorCode): number {
  return ERRORS[code].status;
}
