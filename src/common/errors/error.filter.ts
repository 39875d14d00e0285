import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { MenuError } from '../../menu/menu-error.js';
import { DomainError } from '../../orders/domain/order-errors.js';
import { ApiError } from './api-error.js';

export interface ErrorBody {
  statusCode: number;
  error: string;
  code: string;
  message: string | string[];
  [extra: string]: unknown;
}

const DOMAIN_STATUS: Record<DomainError['kind'], number> = {
  conflict: HttpStatus.CONFLICT,
  invalid: HttpStatus.BAD_REQUEST,
  forbidden: HttpStatus.FORBIDDEN,
};

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
 * The one place where errors become HTTP answers, in the contract's shape. No
 * stack trace, SQL or internal name ever leaves through it.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const body = this.toBody(exception);
    // A database that is down or busy is expected weather, not a bug: one line each, no stack.
    const expected = exception instanceof ApiError || body.code === 'DATABASE_UNAVAILABLE' || body.code === 'DATABASE_BUSY';
    if (body.statusCode >= 500) {
      // The request's own logger, so the line carries its correlation id.
      const log = http.getRequest<FastifyRequest | undefined>()?.log;
      const line = expected ? `${body.code}: ${(exception as Error).message}` : exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
      if (log) log[expected ? 'warn' : 'error']({ context: 'Errors' }, line);
      else if (expected) this.logger.warn(line);
      else this.logger.error(line);
    }
    if (reply.sent || reply.raw.headersSent) return;
    if (body.statusCode === HttpStatus.SERVICE_UNAVAILABLE) void reply.header('Retry-After', '1');
    void reply.code(body.statusCode).type('application/json; charset=utf-8').send(body);
  }

  toBody(exception: unknown): ErrorBody {
    if (exception instanceof ApiError) {
      return { ...this.base(exception.status, exception.code, exception.messages), ...exception.extra };
    }
    if (exception instanceof DomainError) {
      return this.base(DOMAIN_STATUS[exception.kind], exception.code, exception.message);
    }
    if (exception instanceof MenuError) {
      return this.base(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', exception.problems);
    }
    if (exception instanceof HttpException) {
      return this.fromHttpException(exception);
    }
    const unavailable = databaseUnavailable(exception);
    if (unavailable) return unavailable;
    const fastify = exception as { code?: unknown; statusCode?: unknown };
    if (typeof fastify?.code === 'string' && fastify.code.startsWith('FST_') && typeof fastify.statusCode === 'number' && fastify.statusCode < 500) {
      return this.fromFastify(fastify.code, fastify.statusCode);
    }
    return this.base(HttpStatus.INTERNAL_SERVER_ERROR, 'INTERNAL_ERROR', 'Something went wrong on our side');
  }

  private fromHttpException(exception: HttpException): ErrorBody {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const code = FRAMEWORK_CODES[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'REQUEST_FAILED');
    if (status >= 500) return this.base(status, code, 'Something went wrong on our side');
    const message =
      typeof response === 'object' && response !== null && 'message' in response
        ? (response as { message: string | string[] }).message
        : exception.message;
    if (status === HttpStatus.NOT_FOUND) return this.base(status, code, 'No such route');
    return this.base(status, code, status === 400 && !Array.isArray(message) ? [message] : message);
  }

  /** Errors Fastify raises before a route runs: its router, its body reading, its media types. */
  private fromFastify(code: string, status: number): ErrorBody {
    switch (code) {
      case 'FST_ERR_BAD_URL':
        return this.base(400, 'VALIDATION_FAILED', ['the path is not validly percent-encoded UTF-8']);
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return this.base(413, 'PAYLOAD_TOO_LARGE', 'The request body is too large');
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return this.base(415, 'UNSUPPORTED_MEDIA_TYPE', 'A request body must be JSON, sent with Content-Type: application/json');
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return this.base(400, 'VALIDATION_FAILED', ['the body is not as long as its Content-Length says']);
      default:
        return this.base(status, FRAMEWORK_CODES[status] ?? 'BAD_REQUEST', 'The request could not be read');
    }
  }

  private base(statusCode: number, code: string, message: string | string[]): ErrorBody {
    return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', code, message };
  }
}

const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);
const BUSY_ERRORS = new Set(['57014', '55P03', '53300', '40001', '40P01']);

/** PostgreSQL down, restarting or overloaded: the client may retry, so 503 rather than 500. */
function databaseUnavailable(exception: unknown): ErrorBody | undefined {
  const error = exception as { code?: unknown; message?: unknown } | undefined;
  const code = typeof error?.code === 'string' ? error.code : '';
  const message = typeof error?.message === 'string' ? error.message : '';
  const base = (statusCode: number, c: string, m: string): ErrorBody => ({ statusCode, error: STATUS_CODES[statusCode] ?? 'Error', code: c, message: m });
  if (CONNECTION_ERRORS.has(code) || /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connect ECONNREFUSED/.test(message)) {
    return base(HttpStatus.SERVICE_UNAVAILABLE, 'DATABASE_UNAVAILABLE', 'The database is not reachable right now: try again shortly');
  }
  if (BUSY_ERRORS.has(code)) {
    return base(HttpStatus.SERVICE_UNAVAILABLE, 'DATABASE_BUSY', 'The database is too busy to answer right now: try again shortly');
  }
  return undefined;
}
