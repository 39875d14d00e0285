import { HttpStatus, Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Logger } from 'pino';
import { performance } from 'node:perf_hooks';
import { logAccess } from '../logging/logging.js';
import { Metrics } from '../metrics/metrics.js';
import { Drain } from '../shutdown/drain.js';

/**
 * The first thing every request meets, ahead of the body parser so that even a
 * request whose body is refused is logged and measured: the correlation id
 * echoed back, the access log line, the latency histogram by route pattern, the
 * in-flight count a graceful shutdown waits on, and, once the app is shutting
 * down, a 503 with `Connection: close` instead of new work.
 */
@Injectable()
export class HttpObserver {
  constructor(
    private readonly metrics: Metrics,
    private readonly drain: Drain,
  ) {}

  attach(fastify: FastifyInstance): void {
    fastify.addHook('onRequest', (request, reply, done) => {
      this.observe(request, reply);
      if (this.drain.draining && !PROBES.has(request.url.split('?')[0])) {
        void reply.header('Connection', 'close').header('Retry-After', '1').code(HttpStatus.SERVICE_UNAVAILABLE).send({
          statusCode: HttpStatus.SERVICE_UNAVAILABLE,
          error: STATUS_CODES[HttpStatus.SERVICE_UNAVAILABLE],
          code: 'SHUTTING_DOWN',
          message: 'This instance is shutting down: retry the request',
        });
        return;
      }
      done();
    });
  }

  private observe(request: FastifyRequest, reply: FastifyReply): void {
    const { metrics, drain } = this;
    const res = reply.raw;
    const started = performance.now();
    reply.header('X-Correlation-Id', request.id);
    metrics.httpRequestsInFlight.inc();
    drain.requestStarted(res);
    let ended = false;
    // 'close' alone also fires for a client that went away first; writableFinished tells the two apart.
    const end = () => {
      if (ended) return;
      ended = true;
      const ms = performance.now() - started;
      metrics.httpRequestsInFlight.dec();
      metrics.httpRequestDuration.observe(
        { method: request.method, route: routeOf(request, res.statusCode), status_code: String(res.statusCode) },
        ms / 1000,
      );
      drain.requestFinished(res);
      logAccess(request.log as Logger, request.method, request.url, request.ip, res.statusCode, ms, res.writableFinished);
    };
    res.once('finish', end);
    res.once('close', end);
  }
}

/** Probes and scrapes still answer while draining: readiness then says why it is down. */
const PROBES = new Set(['/health', '/health/live', '/metrics']);

/** The route pattern (/orders/:id/confirm), never the raw path, so the label set stays small. */
function routeOf(request: FastifyRequest, statusCode: number): string {
  const url = request.is404 ? undefined : request.routeOptions.url;
  if (url !== undefined && !url.includes('*')) return url;
  return statusCode === HttpStatus.NOT_FOUND ? '(unmatched)' : '(other)';
}
