import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export type ConflictResolution = 'retried' | 'version_mismatch' | 'gave_up';

export interface RebuildProgressSample {
  name: string;
  eventsApplied: number;
  position: number;
  done: boolean;
}

/**
 * The app's Prometheus instruments, on a registry of its own (not prom-client's
 * global one, so several apps in one test process don't collide). Code that
 * records something calls one of the small methods below and knows nothing of
 * prom-client; gauges read at scrape time are added by their owners through
 * `registry`.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status code: the _count series gives the request rate',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly httpRequestsInFlight = new Gauge({
    name: 'http_requests_in_flight',
    help: 'HTTP requests being served right now',
    registers: [this.registry],
  });

  private readonly commands = new Counter({
    name: 'pizzeria_commands_total',
    help: 'Commands executed, by command type, outcome (ok, rejected: a 4xx answer, failed: a 5xx one) and error code',
    labelNames: ['command', 'outcome', 'code'] as const,
    registers: [this.registry],
  });

  private readonly commandDuration = new Histogram({
    name: 'pizzeria_command_duration_seconds',
    help: 'Time to run a command, load to append, by command type and outcome',
    labelNames: ['command', 'outcome'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly commandsInFlight = new Gauge({
    name: 'pizzeria_commands_in_flight',
    help: 'Commands being executed right now',
    registers: [this.registry],
  });

  private readonly eventsAppended = new Counter({
    name: 'pizzeria_events_appended_total',
    help: 'Events appended to the event store by this instance, by event type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  private readonly appendBatchSize = new Histogram({
    name: 'pizzeria_append_batch_size',
    help: 'Single-event appends written together in one statement and commit (group commit)',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [this.registry],
  });

  private readonly concurrencyConflicts = new Counter({
    name: 'pizzeria_concurrency_conflicts_total',
    help: 'Optimistic-concurrency conflicts met by commands, by what followed: retried against fresh state, version_mismatch (412 to an If-Match), gave_up (409 after the last retry)',
    labelNames: ['resolution'] as const,
    registers: [this.registry],
  });

  private readonly rebuildEventsApplied = new Gauge({
    name: 'pizzeria_projection_rebuild_events_applied',
    help: 'Events replayed so far by the running (or last) rebuild of a projection',
    labelNames: ['projection'] as const,
    registers: [this.registry],
  });

  private readonly rebuildPosition = new Gauge({
    name: 'pizzeria_projection_rebuild_position',
    help: 'Global log position the running (or last) rebuild of a projection has replayed up to',
    labelNames: ['projection'] as const,
    registers: [this.registry],
  });

  private readonly rebuildsCompleted = new Counter({
    name: 'pizzeria_projection_rebuilds_completed_total',
    help: 'Projection rebuilds swapped in',
    labelNames: ['projection'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  commandFinished(command: string, outcome: 'ok' | 'rejected' | 'failed', code: string, seconds: number): void {
    this.commands.inc({ command, outcome, code });
    this.commandDuration.observe({ command, outcome }, seconds);
  }

  appended(types: readonly string[]): void {
    for (const type of types) this.eventsAppended.inc({ type });
  }

  appendBatch(size: number): void {
    this.appendBatchSize.observe(size);
  }

  concurrencyConflict(resolution: ConflictResolution): void {
    this.concurrencyConflicts.inc({ resolution });
  }

  rebuildProgress(progress: RebuildProgressSample): void {
    this.rebuildEventsApplied.set({ projection: progress.name }, progress.eventsApplied);
    this.rebuildPosition.set({ projection: progress.name }, progress.position);
    if (progress.done) this.rebuildsCompleted.inc({ projection: progress.name });
  }
}
