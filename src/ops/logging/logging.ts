import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type { AppConfig } from '../../config/app-config.js';

/**
 * The app's one pino logger. Nest has no DI token for a pino Logger (it is an
 * object, not a class), so it travels in this holder.
 */
export class RootLogger {
  constructor(readonly logger: Logger) {}
}

/** Probes and scrapes that succeed are logged at debug, so they don't drown the request log. */
const QUIET_PATHS = new Set(['/health', '/health/live', '/metrics']);

/**
 * JSON lines on stdout (or on `destination`: tests capture it, the command-line
 * scripts send it to stderr), ISO timestamps and level names. LOG_FORMAT=pretty
 * goes through pino-pretty, a dev dependency, for reading on a terminal.
 */
export function createRootLogger(config: AppConfig, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level: config.logLevel,
    base: { service: 'pizzeria', pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
  };
  if (destination) return pino(options, destination);
  if (config.logFormat === 'pretty') {
    return pino({
      ...options,
      formatters: undefined,
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } },
    });
  }
  return pino(options, pino.destination({ fd: 1, sync: true }));
}

/**
 * One line per request, and a request-scoped child logger (req.log, which
 * nestjs-pino hands to the Nest Logger calls made while handling the request)
 * whose lines all carry `correlationId`: the very id the request-context
 * middleware chose, which the commands store in their events' metadata.
 *
 * The same fields and levels pino-http wrote, without its per-request work
 * (serializer wrappers, redaction of headers it no longer logs, an Error made up
 * for every 5xx): on this app's hottest path that was a tenth of the CPU.
 */
export class AccessLog {
  constructor(private readonly root: Logger) {}

  /** The request's own logger, kept on req.log. */
  begin(req: IncomingMessage & { log?: Logger }, correlationId: string): Logger {
    const log = this.root.child({ correlationId });
    req.log = log;
    return log;
  }

  /** The access line, once the response has been sent, or the client went away first (`finished` false). */
  end(log: Logger, req: IncomingMessage, res: ServerResponse, ms: number, finished: boolean): void {
    const path = (req.url ?? '').split('?')[0];
    const statusCode = res.statusCode;
    const fields = { req: { method: req.method, path }, res: { statusCode }, responseTime: Math.round(ms) };
    if (!finished) {
      log.warn(fields, `${req.method} ${path} aborted by the client after ${fields.responseTime} ms`);
      return;
    }
    // 503 is the API saying "not now" (projection behind, database busy, shutting down), not a fault.
    const level = statusCode === 503 ? 'warn' : statusCode >= 500 ? 'error' : QUIET_PATHS.has(path) ? 'debug' : 'info';
    if (!log.isLevelEnabled(level)) return;
    log[level](fields, statusCode >= 500 ? `${req.method} ${path} failed with ${statusCode}` : `${req.method} ${path} ${statusCode} in ${fields.responseTime} ms`);
  }
}
