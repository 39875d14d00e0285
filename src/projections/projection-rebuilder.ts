import { Injectable, Logger, Optional } from '@nestjs/common';
import pg from 'pg';
import { AppError } from '../common/errors/app-error.js';
import { Database } from '../database/database.js';
import { checkpointOf } from '../event-store/event-envelope.js';
import { EventStore } from '../event-store/event-store.js';
import { LOG_START, type LogCheckpoint, type RecordedEvent } from '../event-store/event-types.js';
import { Metrics } from '../ops/metrics/metrics.js';
import type { Projection, TableMap } from './projection.js';
import { BulkTableWriter } from './bulk-table-writer.js';
import { TableWriter } from './table-writer.js';
import { ProjectionsService } from './projections.service.js';

const BATCH = 2_000;
/** Pages read ahead of the one being applied: parsing the next while the writes of this one are out. */
const READ_AHEAD = 2;

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
      throw new AppError('REBUILD_IN_PROGRESS', `The ${name} projection is being rebuilt already`);
    }
    this.projections.markRebuilding(name, true);
    const projection = this.projections.projection(name);
    const copies: TableMap = Object.fromEntries(projection.tables.map((table) => [table, `${table}__rebuild`]));
    let applied = 0;
    try {
      await this.createCopies(projection, copies);
      let checkpoint: LogCheckpoint = LOG_START;
      // Pages are read ahead on the pool (PagesAhead) while the writer applies the one before them.
      // `untilEmpty` false: stop at the first short page, the head as it stood at that read.
      // Under steady writes a page is seldom empty, and the first pass would chase the head
      // for as long as they last; the second pass, under the checkpoint's lock, takes the rest.
      const replay = async (untilEmpty: boolean, writer: TableWriter, bulk?: BulkTableWriter): Promise<void> => {
        const pages = new PagesAhead((after) => this.store.readAll(after, BATCH), checkpoint, READ_AHEAD, untilEmpty ? 0 : BATCH);
        for (;;) {
          const page = await pages.next();
          if (page.length === 0) return;
          const short = page.length < BATCH;
          const last = checkpointOf(page[page.length - 1]);
          await projection.apply(writer, page, copies);
          await bulk?.pageDone();
          checkpoint = last;
          applied += page.length;
          onProgress({ name, eventsApplied: applied, position: checkpoint.position, done: false });
          if (short && !untilEmpty) return;
        }
      };
      const deferred = await this.deferIndexes(copies);
      // The first pass writes on a connection of its own, statement by statement (autocommit): the
      // copies are private until the swap, and a failure anywhere drops them, so a page needs no
      // transaction of its own. Large batches go in by COPY (BulkTableWriter).
      let lost: Error | undefined;
      const writer = await this.db.checkout((error) => (lost = error));
      let clean = false;
      const bulk = new BulkTableWriter(writer);
      try {
        // The copies go live only with the swap, whose commit is durable: until then a lost commit loses nothing.
        await writer.query(`SET synchronous_commit TO off`);
        try {
          await replay(false, bulk, bulk);
        } finally {
          // Every write sent has landed (or failed) before anything else happens to the copies or the connection.
          await bulk.flush();
        }
        await writer.query('RESET synchronous_commit; DISCARD TEMP');
        clean = true;
      } finally {
        // Back to the pool only as it came (the swap's transaction may well get this very client): otherwise
        // ended, with its setting and staging tables.
        writer.release(lost ?? !clean);
      }
      // Secondary indexes are built once over the replayed rows, not kept up row by row.
      for (const definition of deferred) await this.db.query(definition);
      await runner.whilePaused(() =>
        this.db.transaction(async (tx) => {
          await tx.query('SELECT 1 FROM projection_checkpoints WHERE name = $1 FOR UPDATE', [name]);
          await replay(true, new TableWriter(tx));
          for (const table of projection.tables) {
            await tx.query(`ALTER TABLE ${table} RENAME TO ${table}__old`);
            await tx.query(`ALTER TABLE ${copies[table]} RENAME TO ${table}`);
            await tx.query(`DROP TABLE ${table}__old`);
          }
          await tx.query('UPDATE projection_checkpoints SET transaction_id = $2::xid8, position = $3, updated_at = now() WHERE name = $1', [
            name,
            checkpoint.transactionId,
            checkpoint.position,
          ]);
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
      // Logged from the start: COPY writes WAL a page of rows at a time, which measured no dearer than
      // filling an unlogged copy and then rewriting it whole to make it logged before the swap.
      await this.db.query(`CREATE TABLE ${copies[table]} (LIKE ${table} INCLUDING ALL)`);
    }
  }

  /**
   * Drops the copies' indexes that no upsert needs (neither unique nor a
   * constraint's) and returns the statements that create them again.
   */
  private async deferIndexes(copies: TableMap): Promise<string[]> {
    const rows = await this.db.query<{ name: string; definition: string }>(
      `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE i.indrelid = ANY($1::regclass[]) AND NOT i.indisunique
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)`,
      [Object.values(copies)],
    );
    for (const row of rows) await this.db.query(`DROP INDEX ${pg.escapeIdentifier(row.name)}`);
    return rows.map((row) => row.definition);
  }

  private async dropCopies(copies: TableMap): Promise<void> {
    for (const copy of Object.values(copies)) await this.db.query(`DROP TABLE IF EXISTS ${copy}`);
  }
}

/**
 * The log's next pages, read back to back ahead of the one being applied, up to
 * `depth` at once: each read starts as soon as the one before it has answered.
 * Stops after an empty page, or after one shorter than `shortOf` when given.
 */
class PagesAhead {
  private readonly queue: Array<Promise<RecordedEvent[]>> = [];
  private tail: Promise<LogCheckpoint | undefined>;

  constructor(
    private readonly read: (after: LogCheckpoint) => Promise<RecordedEvent[]>,
    from: LogCheckpoint,
    private readonly depth: number,
    private readonly shortOf: number,
  ) {
    this.tail = Promise.resolve(from);
    this.topUp();
  }

  next(): Promise<RecordedEvent[]> {
    const page = this.queue.shift()!;
    this.topUp();
    return page;
  }

  private topUp(): void {
    while (this.queue.length < this.depth) {
      const page = this.tail.then((after) => (after === undefined ? [] : this.read(after)));
      this.tail = page.then((events) =>
        events.length === 0 || events.length < this.shortOf ? undefined : checkpointOf(events[events.length - 1]),
      );
      // Awaited in turn by next(); one that fails while an earlier page is applied must not go unheard meanwhile.
      page.catch(() => undefined);
      this.tail.catch(() => undefined);
      this.queue.push(page);
    }
  }
}
