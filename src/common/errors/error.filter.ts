import { type ArgumentsHost, Catch, type ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './app-error.js';
import { errorBody } from './error-body.js';

/**
 * The one place where errors become HTTP answers (errorBody says which). No
 * stack trace, SQL or internal name ever leaves through it.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const body = errorBody(exception);
    // A database that is down or busy is expected weather, not a bug: one line each, no stack.
    const expected = exception instanceof AppError || body.code === 'DATABASE_UNAVAILABLE' || body.code === 'DATABASE_BUSY';
    if (body.statusCode >= 500) {
      // The request's own logger, so the line carries its correlation id.
      const log = http.getRequest<FastifyRequest | undefined>()?.log;
      const line = expected
        ? `${body.code}: ${(exception as Error).message}`
        : exception instanceof Error
          ? (exception.stack ?? exception.message)
          : String(exception);
      if (log) log[expected ? 'warn' : 'error']({ context: 'Errors' }, line);
      else if (expected) this.logger.warn(line);
      else this.logger.error(line);
    }
    if (reply.sent || reply.raw.headersSent) return;
    if (body.statusCode === HttpStatus.SERVICE_UNAVAILABLE) void reply.header('Retry-After', '1');
    // An answer that knows when to come back (SIGN_IN_RATE_LIMITED) says so in the header too.
    if (typeof body.retryAfterSeconds === 'number') void reply.header('Retry-After', String(body.retryAfterSeconds));
    void reply.code(body.statusCode).type('application/json; charset=utf-8').send(body);
  }
}
