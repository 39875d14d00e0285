import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { MenuError } from '../../menu/menu-error.js';
import { DomainError } from '../../orders/domain/order-errors.js';
import { ApiError } from './api-error.js';

interface ErrorBody {
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

/** Codes for the errors Nest and Express raise themselves, by status. */
const FRAMEWORK_CODES: Record<number, string> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
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
    const response = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(exception);
    // A database that is down or busy is expected weather, not a bug: one line each, no stack.
    const expected = exception instanceof ApiError || body.code === 'DATABASE_UNAVAILABLE' || body.code === 'DATABASE_BUSY';
    if (body.statusCode >= 500 && !expected) {
      this.logger.error(exception instanceof Error ? exception.stack ?? exception.message : String(exception));
    } else if (body.statusCode >= 500) {
      this.logger.warn(`${body.code}: ${(exception as Error).message}`);
    }
    if (response.headersSent) return;
    if (body.statusCode === HttpStatus.SERVICE_UNAVAILABLE) response.setHeader('Retry-After', '1');
    response.status(body.statusCode).json(body);
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
    const status = (exception as { status?: unknown; type?: unknown })?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // body-parser's errors: malformed JSON, oversized or oddly encoded bodies.
      return this.fromBodyParser(exception as { status: number; type?: string });
    }
    return this.base(HttpStatus.INTERNAL_SERVER_ERROR, 'INTERNAL_ERROR', 'Something went wrong on our side');
  }

  private fromHttpException(exception: HttpException): ErrorBody {
    const cause = exception.cause as { status?: number; type?: string } | undefined;
    if (cause instanceof URIError) return this.base(400, 'VALIDATION_FAILED', ['the path is not validly encoded']);
    if (typeof cause?.status === 'number' && typeof cause.type === 'string') {
      return this.fromBodyParser(cause as { status: number; type: string });
    }
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

  private fromBodyParser(error: { status: number; type?: string }): ErrorBody {
    switch (error.type) {
      case 'entity.parse.failed':
        return this.base(400, 'VALIDATION_FAILED', ['body must be well-formed JSON']);
      case 'entity.too.large':
        return this.base(413, 'PAYLOAD_TOO_LARGE', 'The request body is too large');
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return this.base(415, 'UNSUPPORTED_MEDIA_TYPE', 'The request body must be UTF-8 JSON');
      default:
        return this.base(error.status, FRAMEWORK_CODES[error.status] ?? 'BAD_REQUEST', 'The request could not be read');
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
