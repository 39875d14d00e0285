import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthCheckResult, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { AppError } from '../../common/errors/app-error.js';
import { ApiErrors } from '../../common/errors/api-error-responses.js';
import { ReadReplicas, type ReplicaReport } from '../../database/replicas/read-replicas.js';
import { ProjectionStatusReader } from '../projection-status.js';
import { ReadinessIndicators } from './readiness.indicators.js';

const READY_EXAMPLE = {
  status: 'ok',
  info: {
    database: { status: 'up' },
    'projection:order_details': { status: 'up', state: 'live', position: 1042, lagEvents: 0, lagSeconds: 0, runsHere: true },
    shutdown: { status: 'up' },
  },
  error: {},
  details: {
    database: { status: 'up' },
    'projection:order_details': { status: 'up', state: 'live', position: 1042, lagEvents: 0, lagSeconds: 0, runsHere: true },
    shutdown: { status: 'up' },
  },
};

const HEALTH_SCHEMA = {
  type: 'object',
  required: ['status', 'details'],
  properties: {
    status: { type: 'string', enum: ['ok', 'degraded', 'error', 'shutting_down'] },
    info: { type: 'object', additionalProperties: { type: 'object' }, description: 'The checks that are up' },
    error: { type: 'object', additionalProperties: { type: 'object' }, description: 'The checks that are down' },
    details: { type: 'object', additionalProperties: { type: 'object' }, description: 'Every check, by name' },
    replicas: {
      type: 'array',
      description: 'With DATABASE_REPLICA_URLS: each read replica as its last check left it (not a readiness check)',
      items: {
        type: 'object',
        required: ['name', 'serving', 'state', 'lagBytes', 'lagSeconds', 'replayPaused', 'checkedAt'],
        properties: {
          name: { type: 'string', example: 'postgres-replica:5432/pizzeria' },
          serving: { type: 'boolean' },
          state: { type: 'string', enum: ['starting', 'serving', 'lagging', 'promoted', 'unreachable'] },
          lagBytes: { type: 'integer', nullable: true },
          lagSeconds: { type: 'number', nullable: true },
          replayPaused: { type: 'boolean' },
          checkedAt: { type: 'string', format: 'date-time', nullable: true },
          reason: { type: 'string', description: 'Why it is out of rotation' },
        },
      },
    },
  },
};

/**
 * Liveness (/health/live: the process answers) and readiness (/health: the
 * database answers, every projection is running and close enough to the head
 * of the log, and the instance is not shutting down). Public, for probes.
 */
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: ReadinessIndicators,
    private readonly projections: ProjectionStatusReader,
    private readonly replicas: ReadReplicas,
  ) {}

  @Get()
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({
    summary: 'Readiness: database, projections and shutdown',
    description:
      'One check per dependency: `database` (a ping), `projection:<name>` for each read model (down while it is stopped, failed or starting, ' +
      'or more than HEALTH_MAX_LAG_EVENTS events / HEALTH_MAX_LAG_SECONDS seconds behind) and `shutdown` (down once a SIGTERM has been received). ' +
      'With DATABASE_REPLICA_URLS, `replicas` lists each replica as its last check left it (`name` is host:port/database, never the credentials; ' +
      '`serving`: in the read rotation; `state`: starting, serving, lagging, promoted or unreachable; `lagBytes`, `lagSeconds`, `replayPaused`, ' +
      '`checkedAt`, and a `reason` when out; not in a 503). Replicas are not readiness checks: the primary answers what a replica cannot. ' +
      'A 503 keeps the error shape of the API, with the Terminus report beside it.',
  })
  @ApiOkResponse({ description: 'Ready to take traffic', schema: HEALTH_SCHEMA, example: READY_EXAMPLE })
  @ApiErrors('NOT_READY')
  async readiness(): Promise<HealthCheckResult & { replicas?: ReplicaReport[] }> {
    // Beside the checks, not among them, and only when there are replicas, so the answer is as before without.
    // The 503 keeps the contract's error shape (code, message, the Terminus report); /metrics has the replicas then.
    const replicas = this.replicas.configured ? { replicas: this.replicas.report() } : {};
    const status = await this.projections.read().catch((error: Error) => error);
    const projectionChecks =
      status instanceof Error
        ? [() => this.indicators.projectionsUnreadable()]
        : status.projections.map((projection) => () => this.indicators.projection(projection));
    try {
      const report = await this.health.check([
        () => this.database.pingCheck('database', { timeout: 2_000 }),
        ...projectionChecks,
        () => this.indicators.shutdown(),
      ]);
      return { ...report, ...replicas };
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const report = error.getResponse() as HealthCheckResult;
      const problems = Object.entries(report.error ?? {}).map(([check, result]) => {
        const message = (result as { message?: unknown }).message;
        return typeof message === 'string' ? `${check} (${message})` : check;
      });
      throw new AppError('NOT_READY', `Not ready: ${problems.join('; ') || 'a check is down'}`, {
        status: report.status,
        info: report.info ?? {},
        details: report.details,
      });
    }
  }

  @Get('live')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({
    summary: 'Liveness: the process is up and answering',
    description: 'Checks nothing else, so a slow database never gets the process restarted.',
  })
  @ApiOkResponse({ description: 'Alive', schema: HEALTH_SCHEMA, example: { status: 'ok', info: {}, error: {}, details: {} } })
  liveness(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }
}
