import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import rateLimit from '@fastify/rate-limit';
import { type FastifyReply, LogController } from 'fastify';
import type { DestinationStream, Logger } from 'pino';
import { AppModule } from './app.module.js';
import { Authenticator } from './common/auth/authenticator.js';
import { identifyRequests } from './common/auth/identify-requests.js';
import { clientErrorHandler } from './common/http/client-error.js';
import { errorBody } from './common/errors/error-body.js';
import { correlationIdOf } from './common/http/request-context.js';
import { registerJsonBodyParser } from './common/http/json-body.js';
import { addSecurityHeaders } from './common/http/security-headers.js';
import { refuseIllFormedQuery } from './common/http/request-text.js';
import { createValidationPipe } from './common/http/validation.pipe.js';
import { limitWrites } from './common/http/write-rate-limit.js';
import { sharedRateLimitStore } from './common/limits/shared-rate-limit-store.js';
import { WindowCounters } from './common/limits/window-counters.js';
import type { AppConfig } from './config/app-config.js';
import { HttpObserver } from './ops/http/http-observer.js';
import { NestPinoLogger } from './ops/logging/nest-pino-logger.js';
import { createRootLogger } from './ops/logging/logging.js';
import { setupOpenApi } from './ops/openapi/openapi.js';
import { serveWebUi } from './web/web-ui.js';

export interface CreateAppOptions {
  /** false: no log output (unless logDestination is given). */
  logger?: false;
  /** JSON log lines go here instead of stdout. */
  logDestination?: DestinationStream;
  /** false: main.ts handles SIGTERM/SIGINT itself, in its own order. */
  shutdownHooks?: false;
  /**
   * The process's root logger, when the caller already has one (main.ts): one
   * logger, one asynchronous stdout stream, so lines written before, during
   * and after the app's life come out in the order they were logged.
   */
  rootLogger?: Logger;
}

/**
 * Builds the HTTP app exactly as production runs it, initialised and ready to
 * serve (main.ts only listens); e2e tests use the same function.
 *
 * A request meets, in this order: helmet's headers, the observer (access log,
 * metrics, drain), the reading of its credentials, the write rate limit, the query's text check, the JSON body
 * parser (media type, encoding, depth and text rules), then Nest's guard,
 * interceptor, validation pipe and handler. Errors from any of them go through
 * the one ErrorFilter, which Nest also installs as Fastify's error handler.
 */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<INestApplication> {
  const silent = options.logger === false && !options.logDestination;
  const effective = silent ? config.with({ logLevel: 'silent' }) : config;
  const logger = options.rootLogger ?? createRootLogger(effective, options.logDestination);
  const module = AppModule.forRoot(effective, { logger });
  const adapter = new FastifyAdapter({
    // The app's one pino logger: request.log is its child, bound to the correlation id.
    loggerInstance: logger,
    // The access line is the app's own (HttpObserver); Fastify's per-request lines are off.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'correlationId' }),
    genReqId: correlationIdOf,
    bodyLimit: config.bodyLimitBytes,
    // request.ip (the rate limit's key, the access log's client) comes from X-Forwarded-For only through these proxies.
    trustProxy: config.trustProxy.length > 0 ? [...config.trustProxy] : false,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    // What the router refuses before any hook runs (a path whose %-encoding is not UTF-8) gets the contract's shape too.
    frameworkErrors: (error: Error, _request: unknown, reply: FastifyReply) => {
      const body = errorBody(error);
      void reply.code(body.statusCode).send(body);
    },
    // What Node's HTTP parser refuses (headers too large, a broken request line) in the contract's shape too.
    clientErrorHandler,
    // No Nest middleware: every step before the handler is a Fastify hook, so no
    // Express-style middleware engine (@fastify/middie) runs on each request.
    skipMiddie: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    bodyParser: false,
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(NestPinoLogger));
  const fastify = app.getHttpAdapter().getInstance();

  addSecurityHeaders(fastify);
  app.get(HttpObserver).attach(fastify);
  // Several instances behind a load balancer count a client's writes together (RATE_LIMIT_STORE=postgres).
  const store = config.rateLimitStore === 'postgres' ? sharedRateLimitStore(app.get(WindowCounters)) : undefined;
  await app.register(rateLimit, { global: false, ...(store ? { store, skipOnError: true } : {}) });
  identifyRequests(fastify, app.get(Authenticator));
  limitWrites(fastify, config.writeRateLimitPerMinute);
  fastify.addHook('preValidation', refuseIllFormedQuery);
  registerJsonBodyParser(fastify, config.bodyLimitBytes);
  serveWebUi(app);
  app.useGlobalPipes(createValidationPipe());
  setupOpenApi(app);
  if (options.shutdownHooks !== false) app.enableShutdownHooks();
  await app.init();
  await fastify.ready();
  return app;
}
