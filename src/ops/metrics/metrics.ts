import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export type ConflictResolution = 'retried' | 'version_mismatch' | 'gave_up';

export interface RebuildProgressSample {
  name: string;
  eventsApplied: number;
  position: number;
  done: boolean;
}

/** What each instrument counts, as /metrics shows it. */
const HELP = {
  http_request_duration_seconds: 'HTTP requests by method, route pattern and status code: the _count series gives the request rate',
  http_requests_in_flight: 'HTTP requests being served right now',
  pizzeria_commands_total: 'Commands executed, by command type, outcome (ok, rejected: a 4xx answer, failed: a 5xx one) and error code',
  pizzeria_command_duration_seconds: 'Time to run a command, load to append, by command type and outcome',
  pizzeria_commands_in_flight: 'Commands being executed right now',
  pizzeria_events_appended_total: 'Events appended to the event store by this instance, by event type',
  pizzeria_append_batch_size: 'Single-event appends written together in one statement and commit (group commit)',
  pizzeria_concurrency_conflicts_total:
    'Optimistic-concurrency conflicts met by commands, by what followed: retried against fresh state, version_mismatch (412 to an If-Match), gave_up (409 after the last retry)',
  pizzeria_projection_rebuild_events_applied: 'Events replayed so far by the running (or last) rebuild of a projection',
  pizzeria_projection_rebuild_position: 'Global log position the running (or last) rebuild of a projection has replayed up to',
  pizzeria_projection_rebuilds_completed_total: 'Projection rebuilds swapped in',
};

type MetricName = keyof typeof HELP;

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

  readonly httpRequestDuration = histogram(
    this.registry,
    'http_request_duration_seconds',
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    ['method', 'route', 'status_code'],
  );

  readonly httpRequestsInFlight = gauge(this.registry, 'http_requests_in_flight');

  private readonly commands = counter(this.registry, 'pizzeria_commands_total', ['command', 'outcome', 'code']);

  private readonly commandDuration = histogram(
    this.registry,
    'pizzeria_command_duration_seconds',
    [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    ['command', 'outcome'],
  );

  readonly commandsInFlight = gauge(this.registry, 'pizzeria_commands_in_flight');

  private readonly eventsAppended = counter(this.registry, 'pizzeria_events_appended_total', ['type']);

  private readonly appendBatchSize = histogram(this.registry, 'pizzeria_append_batch_size', [1, 2, 4, 8, 16, 32, 64, 128, 256]);

  private readonly concurrencyConflicts = counter(this.registry, 'pizzeria_concurrency_conflicts_total', ['resolution']);

  private readonly rebuildEventsApplied = gauge(this.registry, 'pizzeria_projection_rebuild_events_applied', ['projection']);

  private readonly rebuildPosition = gauge(this.registry, 'pizzeria_projection_rebuild_position', ['projection']);

  private readonly rebuildsCompleted = counter(this.registry, 'pizzeria_projection_rebuilds_completed_total', ['projection']);

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

// One line per instrument above: its name (its help is in HELP), and the labels (and buckets) it has.
function counter<L extends string = never>(registry: Registry, name: MetricName, labelNames: readonly L[] = []): Counter<L> {
  return new Counter({ name, help: HELP[name], labelNames, registers: [registry] });
}

function gauge<L extends string = never>(registry: Registry, name: MetricName, labelNames: readonly L[] = []): Gauge<L> {
  return new Gauge({ name, help: HELP[name], labelNames, registers: [registry] });
}

function histogram<L extends string = never>(
  registry: Registry,
  name: MetricName,
  buckets: number[],
  labelNames: readonly L[] = [],
): Histogram<L> {
  return new Histogram({ name, help: HELP[name], buckets, labelNames, registers: [registry] });
}
