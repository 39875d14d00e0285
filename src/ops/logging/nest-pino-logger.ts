import { Injectable, type LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';
import { RootLogger } from './logging.js';

/**
 * Nest's Logger calls (`new Logger('Projection order-details').log(...)`) as
 * lines of the app's one pino logger, with their context as a field. Lines
 * about a request are written by request.log instead (see ErrorFilter), which
 * carries the request's correlation id.
 */
@Injectable()
export class NestPinoLogger implements LoggerService {
  private readonly logger: Logger;

  constructor(root: RootLogger) {
    this.logger = root.logger;
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }

  error(message: unknown, ...rest: unknown[]): void {
    // Nest's convention: error(message, stack?, context?).
    const context = rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    const stack = rest.length > 1 && typeof rest[0] === 'string' ? rest[0] : undefined;
    if (message instanceof Error) this.logger.error({ context, err: message }, message.message);
    else this.logger.error({ context, ...(stack ? { stack } : {}) }, String(message));
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: 'info' | 'warn' | 'debug' | 'trace' | 'fatal', message: unknown, rest: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    if (typeof message === 'object' && message !== null && !(message instanceof Error)) this.logger[level]({ context, ...message });
    else this.logger[level]({ context }, String(message));
  }
}
