import { type DynamicModule, Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { DestinationStream, Logger } from 'pino';
import type { AppConfig } from '../config/app-config.js';
import { ProjectionsModule } from '../projections/projections.module.js';
import { HealthController } from './health/health.controller.js';
import { ReadinessIndicators } from './health/readiness.indicators.js';
import { HttpObserver } from './http/http-observer.js';
import { createRootLogger, RootLogger } from './logging/logging.js';
import { NestPinoLogger } from './logging/nest-pino-logger.js';
import { CommandMetrics } from './metrics/command-metrics.js';
import { Metrics } from './metrics/metrics.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { ProjectionMetrics } from './metrics/projection-metrics.js';
import { ReplicaMetrics } from './metrics/replica-metrics.js';
import { StoreMetrics } from './metrics/store-metrics.js';
import { ProjectionStatusReader } from './projection-status.js';
import { Drain } from './shutdown/drain.js';

export interface OpsOptions {
  /** Where the JSON log lines go instead of stdout: tests capture them, scripts use stderr. */
  logDestination?: DestinationStream;
  /** The root logger, when the caller made it already (the HTTP app hands the same one to Fastify). */
  logger?: Logger;
}

/**
 * Running the app: structured logs (one pino logger, for Nest and Fastify alike), Prometheus
 * metrics, Terminus health checks and what a graceful shutdown needs. Global,
 * so the few places that record a metric can inject Metrics.
 */
@Global()
@Module({})
export class OpsModule {
  static forRoot(config: AppConfig, options: OpsOptions = {}): DynamicModule {
    const root = new RootLogger(options.logger ?? createRootLogger(config, options.logDestination));
    return {
      module: OpsModule,
      // Projections: health and metrics report how far each read model has got.
      imports: [TerminusModule.forRoot({ logger: false }), ProjectionsModule],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: RootLogger, useValue: root },
        NestPinoLogger,
        Metrics,
        Drain,
        HttpObserver,
        CommandMetrics,
        StoreMetrics,
        ProjectionStatusReader,
        ProjectionMetrics,
        ReplicaMetrics,
        ReadinessIndicators,
      ],
      exports: [RootLogger, NestPinoLogger, Metrics, Drain, HttpObserver, ProjectionStatusReader],
    };
  }
}
