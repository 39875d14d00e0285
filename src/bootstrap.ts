import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import helmet from 'helmet';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { createValidationPipe } from './common/http/validation.pipe.js';
import { correlationIdMiddleware } from './common/http/request-context.js';
import type { AppConfig } from './config/app-config.js';
import { requireObjectBody } from './common/http/require-object-body.js';
import { writeRateLimit } from './common/http/write-rate-limit.js';
import { StaffToken } from './common/auth/staff-token.js';
import { serveWebUi } from './web/web-ui.js';
import { HttpObserver } from './ops/http/http-observer.js';
import { setupOpenApi } from './ops/openapi/openapi.js';

export interface CreateAppOptions {
  /** false: no log output (unless logDestination is given). */
  logger?: false;
  /** JSON log lines go here instead of stdout. */
  logDestination?: DestinationStream;
  /** false: main.ts handles SIGTERM/SIGINT itself, in its own order. */
  shutdownHooks?: false;
}

/** Builds the HTTP app exactly as production runs it; e2e tests use the same function. */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<INestApplication> {
  const silent = options.logger === false && !options.logDestination;
  const module = AppModule.forRoot(silent ? config.with({ logLevel: 'silent' }) : config, { logDestination: options.logDestination });
  const app = await NestFactory.create<NestExpressApplication>(module, { bodyParser: false, bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(helmet());
  app.use(correlationIdMiddleware);
  app.use(app.get(HttpObserver).middleware);
  app.use(writeRateLimit(config.writeRateLimitPerMinute, app.get(StaffToken)));
  app.useBodyParser('json', { limit: config.bodyLimit, strict: true });
  app.use(requireObjectBody);
  serveWebUi(app);
  app.useGlobalPipes(createValidationPipe());
  setupOpenApi(app);
  if (options.shutdownHooks !== false) app.enableShutdownHooks();
  return app;
}
