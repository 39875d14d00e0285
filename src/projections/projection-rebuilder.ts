import { HttpStatus, Injectable, Logger, Optional } from '@nestjs/common';
import { ApiError } from '../common/errors/api-error.js';
import { Database } from '../database/database.js';
import { checkpointOf } from '../event-store/event-envelope.js';
import { EventStore } from '../event-store/event-store.js';
import { LOG_START, type LogCheckpoint } from '../event-store/event-types.js';
import { Metrics } from '../ops/metrics/metrics.js';
import type { Projection, TableMap } from './projection.js';
import { ProjectionsService } from './projections.service.js';

const BATCH = 2_000;

export interface RebuildProgress {
  name: string;
  eventsApplied: number;
  position: number;
  done: boolean;
}

/**
 * Replays the whole log into fresh copies of a projection's tables while the
 * live ones keep serving, then swaps the copies in. The swap holds the
 * projection's checkpoint row, so the live runner cannot move meanwhile, and its
 * next conditional checkpoint update finds the rebuilt checkpoint and re-reads.
 */
@Injectable()
export class ProjectionRebuilder {
  private readonly logger = new Logger(ProjectionRebuilder.name);

  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
    private readonly projections: ProjectionsService,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  async rebuild(name: string, report: (progress: RebuildProgress) => void = () => undefined): Promise<RebuildProgress> {
    const onProgress = (progress: RebuildProgress) => {
      this.metrics?.rebuildProgress(progress);
      report(progress);
    };
    const runner = this.projections.runner(name);
    if (this.projections.isRebuilding(name)) {
      throw new ApiError(HttpStatus.CONFLICT, 'REBUILD_IN_PROGRESS', `The ${name} projection is being rebuilt already`);
    }
    this.projections.markRebuilding(name, true);
    const projection = runner.projection;
    const copies: TableMap = Object.fromEntries(projection.tables.map((table) => [table, `${table}__rebuild`]));
    let applied = 0;
    try {
      await this.createCopies(projection, copies);
      let checkpoint: LogCheckpoint = LOG_START;
      const replay = async (): Promise<void> => {
        for (;;) {
          const page = await this.store.readAll(checkpoint, BATCH);
          if (page.length === 0) return;
          await this.db.transaction((tx) => projection.apply(tx, page, copies));
          checkpoint = checkpointOf(page[page.length - 1]);
          applied += page.length;
          onProgress({ name, eventsApplied: applied, position: checkpoint.position, done: false });
        }
      };
      await replay();
      await runner.whilePaused(() =>
        this.db.transaction(async (tx) => {
          await tx.query('SELECT 1 FROM projection_checkpoints WHERE name = $1 FOR UPDATE', [name]);
          await replay();
          for (const table of projection.tables) {
            await tx.query(`ALTER TABLE ${table} RENAME TO ${table}__old`);
            await tx.query(`ALTER TABLE ${copies[table]} RENAME TO ${table}`);
            await tx.query(`DROP TABLE ${table}__old`);
          }
          await tx.query(
            'UPDATE projection_checkpoints SET transaction_id = $2::xid8, position = $3, updated_at = now() WHERE name = $1',
            [name, checkpoint.transactionId, checkpoint.position],
          );
        }),
      );
      const result = { name, eventsApplied: applied, position: checkpoint.position, done: true };
      onProgress(result);
      this.logger.log(`Rebuilt ${name} from ${applied} events`);
      return result;
    } catch (error) {
      await this.dropCopies(copies).catch(() => undefined);
      throw error;
    } finally {
      this.projections.markRebuilding(name, false);
    }
  }

  private async createCopies(projection: Projection, copies: TableMap): Promise<void> {
    await this.dropCopies(copies);
    for (const table of projection.tables) {
      await this.db.query(`CREATE TABLE ${copies[table]} (LIKE ${table} INCLUDING ALL)`);
    }
  }

  private async dropCopies(copies: TableMap): Promise<void> {
    for (const copy of Object.values(copies)) await this.db.query(`DROP TABLE IF EXISTS ${copy}`);
  }
}
