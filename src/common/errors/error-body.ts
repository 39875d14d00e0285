import { HttpException, HttpStatus } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { AppError } from './app-error.js';
import { statusOf, type ErrorCode } from './error-catalogue.js';

export interface ErrorBody {
  statusCode: number;
  error: string;
  code: string;
  message: string | string[];
  [extra: string]: unknown;
}

/** Codes for the errors Nest and Fastify raise themselves, by status. */
const FRAMEWORK_CODES: Record<number, string> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
};

/**
 * What any error becomes as an answer, in the contract's shape: an AppError by
 * its code's status in the catalogue; the framework's and the database's own
 * errors by what they mean; anything else a 500 that says nothing of why. The
 * error filter sends it; the metrics count by the same code.
 */
export function errorBody(exception: unknown): ErrorBody {
  if (exception instanceof AppError) {
    return { ...base(statusOf(exception.code), exception.code, exception.messages), ...exception.extra };
  }
  if (exception instanceof HttpException) return fromHttpException(exception);
  const unavailable = databaseUnavailable(exception);
  if (unavailable) return unavailable;
  const fastify = exception as { code?: unknown; statusCode?: unknown };
  if (
    typeof fastify?.code === 'string' &&
    fastify.code.startsWith('FST_') &&
    typeof fastify.statusCode === 'number' &&
    fastify.statusCode < 500
  ) {
    return fromFastify(fastify.code, fastify.statusCode);
  }
  return base(HttpStatus.INTERNAL_SERVER_ERROR, 'INTERNAL_ERROR', 'Something went wrong on our side');
}

function fromHttpException(exception: HttpException): ErrorBody {
  const status = exception.getStatus();
  const response = exception.getResponse();
  const code = FRAMEWORK_CODES[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'REQUEST_FAILED');
  if (status >= 500) return base(status, code, 'Something went wrong on our side');
  const message =
    typeof response === 'object' && response !== null && 'message' in response
      ? (response as { message: string | string[] }).message
      : exception.message;
  if (status === HttpStatus.NOT_FOUND) return base(status, code, 'No such route');
  return base(status, code, status === 400 && !Array.isArray(message) ? [message] : message);
}

/** Errors Fastify raises before a route runs: its router, its body reading, its media types. */
function fromFastify(code: string, status: number): ErrorBody {
  switch (code) {
    case 'FST_ERR_BAD_URL':
      return base(400, 'VALIDATION_FAILED', ['the path is not validly percent-encoded UTF-8']);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return base(413, 'PAYLOAD_TOO_LARGE', 'The request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return base(415, 'UNSUPPORTED_MEDIA_TYPE', 'A request body must be JSON, sent with Content-Type: application/json');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return base(400, 'VALIDATION_FAILED', ['the body is not as long as its Content-Length says']);
    default:
      return base(status, FRAMEWORK_CODES[status] ?? 'BAD_REQUEST', 'The request could not be read');
  }
}

function base(statusCode: number, code: ErrorCode | string, message: string | string[]): ErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', code, message };
}

const CONNECTION_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);
const BUSY_ERRORS = new Set(['57014', '55P03', '53300', '40001', '40P01']);

/** PostgreSQL down, restarting or overloaded: the client may retry, so 503 rather than 500. */
function databaseUnavailable(exception: unknown): ErrorBody | undefined {
  const error = exception as { code?: unknown; message?: unknown } | undefined;
  const code = typeof error?.code === 'string' ? error.code : '';
  const message = typeof error?.message === 'string' ? error.message : '';
  if (
    CONNECTION_ERRORS.has(code) ||
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connect ECONNREFUSED/.test(
      message,
    )
  ) {
    return base(HttpStatus.SERVICE_UNAVAILABLE, 'DATABASE_UNAVAILABLE', 'The database is not reachable right now: try again shortly');
  }
  if (BUSY_ERRORS.has(code)) {
    return base(HttpStatus.SERVICE_UNAVAILABLE, 'DATABASE_BUSY', 'The database is too busy to answer right now: try again shortly');
  }
  return undefined;
}
