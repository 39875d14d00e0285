import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { AdvisoryLocks } from '../database/advisory-locks.js';
import { Database } from '../database/database.js';
import type { NewDataKey } from '../event-store/event-data-codec.js';
import { PersonalData } from './personal-data.js';

const LOCK = 'personal-data:seal-existing';
const DEFAULT_BATCH = 500;

export interface SealingProgress {
  /** Every event at or before this position is sealed (or holds no personal data). */
  readonly sealedThrough: number;
  /** The last position that may predate sealing: the log's head when the keyring was made. */
  readonly legacyThrough: number;
  /** Events this run sealed. */
  readonly sealed: number;
}

export interface SealingOptions {
  readonly batchSize?: number;
  /** Stop after this many batches (a test of resuming; a run is resumable at any batch). */
  readonly maxBatches?: number;
  readonly progress?: (progress: SealingProgress) => void;
  readonly shouldStop?: () => boolean;
}

// One statement per batch, in the batch's transaction: each event's data replaced by its sealed form
// only while it is still unsealed, and its key stored beside it, as an append would have.
const SEAL_BATCH = `WITH input AS (
  SELECT * FROM unnest($1::bigint[], $2::text[], $3::bytea[], $4::bytea[]) AS i(position, data, customer_index, wrapped_key)
), u AS (
  UPDATE events e SET data = i.data::jsonb FROM input i
   WHERE e.position = i.position AND NOT (e.data ? '$personal')
  RETURNING e.position, e.event_id, e.stream_id
), k AS (
  INSERT INTO personal_data_keys (key_id, customer_index, wrapped_key)
  SELECT u.event_id, i.customer_index, i.wrapped_key FROM u JOIN input i ON i.position = u.position
  ON CONFLICT (key_id) DO NOTHING
)
SELECT count(*)::int AS sealed, coalesce(array_agg(DISTINCT u.stream_id), '{}') AS streams FROM u`;

/**
 * Seals, in place, the personal fields of the events written before
 * crypto-shredding existed: the one sanctioned rewrite of history (the events
 * table refuses any other, see the EventsAppendOnly migration). Without it
 * those customers' names, phones and addresses would stay in the log (and in
 * every backup of it) in the clear for ever, and could never be erased.
 * Nothing but `data` changes: the same ids, positions, versions, types,
 * metadata and times, and what readers receive is the same data as before.
 *
 * Online and resumable: batches in position order, each its own transaction
 * (a row is sealed only while it is still unsealed, so a reader sees the event
 * either as it was or sealed with its key, and two runs never seal one twice),
 * the progress kept in the keyring row (sealed_through) so that a restart goes
 * on from there. The instance holding the lock runs it after start-up; the CLI
 * (npm run pii:seal-existing) runs it with a progress bar. Plain snapshots of
 * the streams it seals are dropped: a snapshot is a cache, rewritten sealed.
 */
@Injectable()
export class ExistingEventsSealer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ExistingEventsSealer.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly db: Database,
    private readonly personalData: PersonalData,
    private readonly locks: AdvisoryLocks,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const state = await this.state();
    if (state.sealedThrough >= state.legacyThrough) return;
    this.timer = setInterval(() => this.tick(), this.config.projectionLockRetryMs);
    this.timer.unref();
    this.tick();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  async state(): Promise<{ sealedThrough: number; legacyThrough: number }> {
    const [row] = await this.db.query<{ sealed_through: string; legacy_through: string }>(
      'SELECT sealed_through, legacy_through FROM personal_data_keyring WHERE id = 1',
    );
    return { sealedThrough: Number(row?.sealed_through ?? 0), legacyThrough: Number(row?.legacy_through ?? 0) };
  }

  private tick(): void {
    if (this.running || this.stopped) return;
    this.running = this.runIfLeader()
      .catch((error: Error) => this.logger.warn(`Sealing existing events failed, resuming shortly: ${error.message}`))
      .finally(() => (this.running = undefined));
  }

  private async runIfLeader(): Promise<void> {
    if (!(await this.locks.tryLock(LOCK))) return;
    try {
      const done = await this.run({ shouldStop: () => this.stopped });
      if (done.sealedThrough >= done.legacyThrough) {
        clearInterval(this.timer);
        if (done.sealed > 0) this.logger.log(`Sealed the personal fields of ${done.sealed} event(s) written before sealing`);
      }
    } finally {
      await this.locks.unlock(LOCK);
    }
  }

  /** Seals from where the last run stopped up to legacyThrough, batch by batch. */
  async run(options: SealingOptions = {}): Promise<SealingProgress> {
    const batchSize = options.batchSize ?? DEFAULT_BATCH;
    const state = await this.state();
    const legacyThrough = state.legacyThrough;
    let sealedThrough = state.sealedThrough;
    let sealed = 0;
    for (let batches = 0; sealedThrough < legacyThrough; batches++) {
      if (options.maxBatches !== undefined && batches >= options.maxBatches) break;
      if (options.shouldStop?.()) break;
      const rows = await this.db.query<{
        position: string;
        event_id: string;
        stream_id: string;
        type: string;
        schema_version: number;
        data: unknown;
      }>(
        `SELECT position, event_id::text AS event_id, stream_id, type, schema_version, data FROM events
          WHERE position > $1 AND position <= $2 ORDER BY position LIMIT $3`,
        [sealedThrough, legacyThrough, batchSize],
      );
      const through = rows.length > 0 ? Number(rows[rows.length - 1].position) : legacyThrough;
      const positions: number[] = [];
      const data: string[] = [];
      const keys: NewDataKey[] = [];
      for (const row of rows) {
        if (!this.personalData.hasRule(row.type, row.schema_version) || this.personalData.isSealed(row.data)) continue;
        const result = this.personalData.seal(row.stream_id, row.event_id, row.type, row.schema_version, row.data);
        if (!result.key) continue;
        positions.push(Number(row.position));
        data.push(result.json);
        keys.push(result.key);
      }
      sealed += await this.db.transaction(async (tx) => {
        await tx.query(`SELECT set_config('pizzeria.history_rewrite', 'seal-personal-data', true)`);
        let count = 0;
        if (positions.length > 0) {
          const { rows: done } = await tx.query<{ sealed: number; streams: string[] }>(SEAL_BATCH, [
            positions,
            data,
            keys.map((key) => key.customerIndex),
            keys.map((key) => key.wrappedKey),
          ]);
          count = done[0].sealed;
          await tx.query(`DELETE FROM snapshots WHERE stream_id = ANY($1) AND NOT (state ? '$personal')`, [done[0].streams]);
        }
        await tx.query('UPDATE personal_data_keyring SET sealed_through = greatest(sealed_through, $1) WHERE id = 1', [through]);
        return count;
      });
      sealedThrough = through;
      options.progress?.({ sealedThrough, legacyThrough, sealed });
    }
    return { sealedThrough, legacyThrough, sealed };
  }
}
