import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { AppConfig } from '../../config/app-config.js';
import type { ProjectionStatus } from '../projection-status.js';
import { Drain } from '../shutdown/drain.js';

const NOT_SERVING = new Set(['starting', 'failed', 'stopped']);

/**
 * Terminus indicators for what only this app knows: each projection's status
 * and lag, and whether the instance is shutting down.
 */
@Injectable()
export class ReadinessIndicators {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly config: AppConfig,
    private readonly drain: Drain,
  ) {}

  /** Down while the projection is stopped, failed or still starting, or when it is further behind than allowed. */
  projection(projection: ProjectionStatus) {
    const session = this.indicators.check(`projection:${projection.name}`);
    const data = {
      state: projection.status,
      position: projection.position,
      lagEvents: projection.lagEvents,
      lagSeconds: Math.round(projection.lagSeconds * 1000) / 1000,
      runsHere: projection.runsHere,
    };
    const problem = this.problemWith(projection);
    return problem ? session.down({ ...data, message: problem }) : session.up(data);
  }

  /** /health is public: the database's own error text stays in the log. */
  projectionsUnreadable() {
    return this.indicators.check('projections').down({ message: "could not read the projections' positions from the database" });
  }

  shutdown() {
    const session = this.indicators.check('shutdown');
    return this.drain.draining ? session.down({ message: 'this instance is shutting down' }) : session.up();
  }

  private problemWith(p: ProjectionStatus): string | undefined {
    if (NOT_SERVING.has(p.status)) return `the ${p.name} projection is ${p.status}`;
    const { healthMaxLagEvents, healthMaxLagSeconds } = this.config;
    if (healthMaxLagEvents > 0 && p.lagEvents > healthMaxLagEvents) {
      return `the ${p.name} projection is ${p.lagEvents} events behind (more than ${healthMaxLagEvents})`;
    }
    if (healthMaxLagSeconds > 0 && p.lagSeconds > healthMaxLagSeconds) {
      return `the ${p.name} projection's oldest unapplied event is ${Math.round(p.lagSeconds)} s old (more than ${healthMaxLagSeconds} s)`;
    }
    return undefined;
  }
}
