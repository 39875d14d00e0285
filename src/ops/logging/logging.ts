import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';
import type { ContextualRequest } from '../../common/http/request-context.js';
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
 * One line per request, and a request-scoped child logger (req.log) whose
 * lines all carry `correlationId`: the very id the request-context middleware
 * chose, which the commands store in their events' metadata.
 */
export function createHttpLogger(root: Logger): HttpLogger<IncomingMessage, ServerResponse> {
  return pinoHttp({
    logger: root,
    genReqId: (req) => (req as ContextualRequest).context?.correlationId ?? randomUUID(),
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'correlationId' },
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, path: req.url.split('?')[0] }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (req, res, error) => {
      // 503 is the API saying "not now" (projection behind, database busy, shutting down), not a fault.
      if (res.statusCode === 503) return 'warn';
      if (error || res.statusCode >= 500) return 'error';
      return QUIET_PATHS.has((req.url ?? '').split('?')[0]) ? 'debug' : 'info';
    },
    customSuccessMessage: (req, res, ms) => `${req.method} ${(req.url ?? '').split('?')[0]} ${res.statusCode} in ${ms} ms`,
    customErrorMessage: (req, res) => `${req.method} ${(req.url ?? '').split('?')[0]} failed with ${res.statusCode}`,
    // pino-http makes up an Error (with its own stack) for any 5xx; the error filter has logged the real one.
    customErrorObject: (_req, _res, error, value: { err?: unknown }) =>
      error.message.startsWith('failed with status code') ? { ...value, err: undefined } : value,
  });
}
