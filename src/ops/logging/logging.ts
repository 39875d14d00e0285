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

const asIs = (value: unknown): unknown => value;

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
    // The access line's req/res are plain fields already: these keep Fastify's own
    // serializers (which expect request objects) from rewriting them.
    serializers: { req: asIs, res: asIs },
  };
  if (destination) return pino(options, destination);
  if (config.logFormat === 'pretty') {
    return pino({
      ...options,
      formatters: undefined,
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } },
    });
  }
  return pino(options, stdoutInOrder());
}

/**
 * stdout, written synchronously (never asynchronously: under a full stdout
 * pipe the asynchronous stream let a line overtake the ones before it, and log
 * order is part of what an operator reads), but in blocks: lines gather up to
 * 4 KiB, or for at most 100 ms, before one write(2). Under load that is one
 * system call per dozen lines instead of one a line (it was a tenth of the
 * app's CPU on POST /orders). What is still gathered when the process exits,
 * however it exits, is written then.
 */
function stdoutInOrder(): DestinationStream {
  const stream = pino.destination({ fd: 1, sync: true, minLength: 4096, periodicFlush: 100 });
  process.once('exit', () => {
    try {
      stream.flushSync();
    } catch {
      // stdout is gone (its reader closed the pipe): there is no one left to tell.
    }
  });
  return stream;
}

/**
 * One line per request, written by the request's own logger (Fastify's
 * request.log, a child of the root logger bound to `correlationId`: the very id
 * the commands store in their events' metadata).
 *
 * The same fields and levels pino-http wrote, without its per-request work
 * (serializer wrappers, redaction of headers it no longer logs, an Error made up
 * for every 5xx): on this app's hottest path that was a tenth of the CPU.
 */
export function logAccess(
  log: Logger,
  method: string,
  url: string,
  client: string,
  statusCode: number,
  ms: number,
  finished: boolean,
): void {
  const path = pathOf(url);
  const responseTime = Math.round(ms);
  const fields = { req: { method, path }, res: { statusCode }, responseTime, client };
  if (!finished) {
    log.warn(fields, `${method} ${path} aborted by the client after ${responseTime} ms`);
    return;
  }
  // 503 is the API saying "not now" (projection behind, database busy, shutting down), not a fault.
  const level = statusCode === 503 ? 'warn' : statusCode >= 500 ? 'error' : QUIET_PATHS.has(path) ? 'debug' : 'info';
  if (!log.isLevelEnabled(level)) return;
  log[level](
    fields,
    statusCode >= 500 ? `${method} ${path} failed with ${statusCode}` : `${method} ${path} ${statusCode} in ${responseTime} ms`,
  );
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
