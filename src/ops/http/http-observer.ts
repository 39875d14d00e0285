import { HttpStatus, Injectable } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { ContextualRequest } from '../../common/http/request-context.js';
import { AccessLog, RootLogger } from '../logging/logging.js';
import { Metrics } from '../metrics/metrics.js';
import { Drain } from '../shutdown/drain.js';

/**
 * The first thing every request meets, ahead of the body parser so that even a
 * request whose body is refused is logged and measured: the access log line
 * (AccessLog), the latency histogram by route pattern, the in-flight count a
 * graceful shutdown waits on, and, once the app is shutting down, a 503 with
 * `Connection: close` instead of new work.
 */
@Injectable()
export class HttpObserver {
  readonly middleware: RequestHandler;

  constructor(metrics: Metrics, drain: Drain, root: RootLogger) {
    const access = new AccessLog(root.logger);
    this.middleware = (req: Request, res: Response, next: NextFunction) => {
      const log = access.begin(req, (req as ContextualRequest).context?.correlationId ?? randomUUID());
      const started = performance.now();
      metrics.httpRequestsInFlight.inc();
      drain.requestStarted(res);
      let finished = false;
      const done = () => {
        if (finished) return;
        finished = true;
        const ms = performance.now() - started;
        metrics.httpRequestsInFlight.dec();
        metrics.httpRequestDuration.observe({ method: req.method, route: routeOf(req, res), status_code: String(res.statusCode) }, ms / 1000);
        drain.requestFinished(res);
        access.end(log, req, res, ms, res.writableFinished);
      };
      res.once('finish', done);
      res.once('close', done);
      if (drain.draining && !PROBES.has(req.path)) {
        res.setHeader('Connection', 'close');
        res.setHeader('Retry-After', '1');
        res.status(HttpStatus.SERVICE_UNAVAILABLE).json({
          statusCode: HttpStatus.SERVICE_UNAVAILABLE,
          error: STATUS_CODES[HttpStatus.SERVICE_UNAVAILABLE],
          code: 'SHUTTING_DOWN',
          message: 'This instance is shutting down: retry the request',
        });
        return;
      }
      next();
    };
  }
}

/** Probes and scrapes still answer while draining: readiness then says why it is down. */
const PROBES = new Set(['/health', '/health/live', '/metrics']);

/** The route pattern (/orders/:id/confirm), never the raw path, so the label set stays small. */
function routeOf(req: Request, res: Response): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  if (route && typeof route.path === 'string') return `${req.baseUrl}${route.path}`;
  return res.statusCode === HttpStatus.NOT_FOUND ? '(unmatched)' : '(other)';
}
