import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import helmet from 'helmet';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { createValidationPipe } from './common/http/validation.pipe.js';
import { correlationIdMiddleware } from './common/http/request-context.js';
import type { AppConfig } from './config/app-config.js';
import { requireObjectBody } from './common/http/require-object-body.js';
import { writeRateLimit } from './common/http/write-rate-limit.js';
import { StaffToken } from './common/auth/staff-token.js';

/** Builds the HTTP app exactly as production runs it; e2e tests use the same function. */
export async function createApp(config: AppConfig, options: { logger?: false } = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    logger: options.logger ?? ['error', 'warn', 'log'],
  });
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(helmet());
  app.use(correlationIdMiddleware);
  app.use(writeRateLimit(config.writeRateLimitPerMinute, app.get(StaffToken)));
  app.useBodyParser('json', { limit: config.bodyLimit, strict: true });
  app.use(requireObjectBody);
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  return app;
}
