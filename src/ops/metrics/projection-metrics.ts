import { Injectable, Logger } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { type LogStatus, ProjectionStatusReader } from '../projection-status.js';
import { Metrics } from './metrics.js';

const STATUSES = ['starting', 'standby', 'catching-up', 'live', 'failed', 'stopped', 'running-elsewhere', 'rebuilding'];

/**
 * The event log's head and every projection's position, lag and status, read
 * from the database when Prometheus scrapes: one read per scrape, whichever
 * gauge asks first.
 */
@Injectable()
export class ProjectionMetrics {
  private readonly logger = new Logger(ProjectionMetrics.name);
  private pending: Promise<LogStatus | undefined> | undefined;

  constructor(
    metrics: Metrics,
    private readonly reader: ProjectionStatusReader,
  ) {
    const registers = [metrics.registry];
    const errors = new Counter({
      name: 'pizzeria_metrics_read_errors_total',
      help: 'Scrapes whose read of projection positions from the database failed (their gauges keep the previous values)',
      registers,
    });
    const read = () => this.current(errors);
    new Gauge({
      name: 'pizzeria_event_log_head_position',
      help: 'Highest global position in the event log',
      registers,
      async collect() {
        const status = await read();
        if (status) this.set(status.headPosition);
      },
    });
    const perProjection = (name: string, help: string, value: (p: LogStatus['projections'][number]) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['projection'] as const,
        registers,
        async collect() {
          const status = await read();
          for (const p of status?.projections ?? []) this.set({ projection: p.name }, value(p));
        },
      });
    perProjection('pizzeria_projection_position', 'Global log position up to which the projection has applied events', (p) => p.position);
    perProjection('pizzeria_projection_lag_events', 'Events in the log the projection has not applied yet', (p) => p.lagEvents);
    perProjection(
      'pizzeria_projection_lag_seconds',
      'Age of the oldest event the projection has not applied yet (by occurredAt, so backdated imports count as old); 0 when caught up',
      (p) => p.lagSeconds,
    );
    perProjection('pizzeria_projection_runs_here', "1 when this instance holds the projection's lock and runs it", (p) =>
      p.runsHere ? 1 : 0,
    );
    perProjection(
      'pizzeria_projection_rebuilding',
      '1 while the projection is being rebuilt (by any instance that reported it here)',
      (p) => (p.rebuilding ? 1 : 0),
    );
    new Gauge({
      name: 'pizzeria_projection_status',
      help: `1 for the projection's current status (${STATUSES.join(', ')}), 0 for the others`,
      labelNames: ['projection', 'status'] as const,
      registers,
      async collect() {
        const status = await read();
        for (const p of status?.projections ?? []) {
          for (const s of STATUSES) this.set({ projection: p.name, status: s }, p.status === s ? 1 : 0);
        }
      },
    });
  }

  private current(errors: Counter): Promise<LogStatus | undefined> {
    this.pending ??= this.reader
      .read()
      .catch((error: Error) => {
        errors.inc();
        this.logger.warn(`Reading projection positions for /metrics failed: ${error.message}`);
        return undefined;
      })
      .finally(() => setImmediate(() => (this.pending = undefined)));
    return this.pending;
  }
}
