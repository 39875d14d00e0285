import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';
import { ProjectionsService, type ProjectionInfo } from '../projections/projections.service.js';

export interface ProjectionStatus extends ProjectionInfo {
  /** Age of the oldest event the projection has not applied yet (by its occurredAt); 0 when caught up. */
  lagSeconds: number;
  rebuilding: boolean;
}

export interface LogStatus {
  headPosition: number;
  projections: ProjectionStatus[];
}

/**
 * How far each projection has got, for /health and /metrics: the projections'
 * own description plus how old their backlog is. Read from the database, so it
 * covers projections running in another instance too.
 */
@Injectable()
export class ProjectionStatusReader {
  constructor(
    private readonly projections: ProjectionsService,
    private readonly db: Database,
  ) {}

  async read(): Promise<LogStatus> {
    const described = await this.projections.describe();
    const rows = await this.db.query<{ name: string; lag_seconds: number | null; head: string | null }>(
      `SELECT c.name,
              EXTRACT(EPOCH FROM now() - (
                SELECT min(e.occurred_at) FROM events e
                 WHERE (e.transaction_id, e.position) > (c.transaction_id, c.position)))::float8 AS lag_seconds,
              (SELECT max(position) FROM events) AS head
         FROM projection_checkpoints c WHERE c.name = ANY($1)`,
      [described.map((p) => p.name)],
    );
    const byName = new Map(rows.map((row) => [row.name, row]));
    const [head] = rows.length > 0 ? rows : await this.db.query<{ head: string | null }>('SELECT max(position) AS head FROM events');
    return {
      headPosition: Number(head?.head ?? 0),
      projections: described.map((info) => ({
        ...info,
        lagSeconds: Math.max(0, Number(byName.get(info.name)?.lag_seconds ?? 0)),
        rebuilding: this.projections.isRebuilding(info.name),
      })),
    };
  }
}
