import { Injectable, Optional } from '@nestjs/common';
import { Database, prepared, type Queryable } from '../database/database.js';
import { Metrics } from '../ops/metrics/metrics.js';
import { AppendBatcher, type BatchedAppend, type StoredRow } from './append-batcher.js';
import { uuidV7 } from './uuid-v7.js';
import { EventRegistry } from './event-registry.js';
import { ConcurrencyError } from './event-store.errors.js';
import { EVENTS_APPENDED } from './log-notifier.js';
import {
  compareCheckpoints,
  LOG_START,
  type AppendResult,
  type EventMetadata,
  type LogCheckpoint,
  type RecordedEvent,
  type StorableEvent,
} from './event-types.js';

const STREAM_VERSION_CONSTRAINT = 'events_stream_version_unique';

// The transaction id goes out as text, under its own name: an ORDER BY must then
// name events.transaction_id, or it sorts by the text ('10' < '9') and uses no index.
const COLUMNS = `event_id, stream_id, version, position, transaction_id::text AS transaction_id,
  type, schema_version, data, metadata, occurred_at`;
const APPEND = `INSERT INTO events (event_id, stream_id, version, type, schema_version, data, metadata, occurred_at)
  SELECT e.event_id, $1, e.version, e.type, e.schema_version, e.data::jsonb, $7::jsonb, $8
    FROM unnest($2::uuid[], $3::int[], $4::text[], $5::int[], $6::text[]) AS e(event_id, version, type, schema_version, data)
   WHERE $9::int = 0
      OR EXISTS (SELECT 1 FROM events WHERE stream_id = $1 AND version = $9::int)
  RETURNING version, position, transaction_id::text AS transaction_id`;
// Most commands append one event: the same statement, with no arrays to build, send and unnest.
const APPEND_ONE = `INSERT INTO events (event_id, stream_id, version, type, schema_version, data, metadata, occurred_at)
  SELECT $2::uuid, $1, $3::int, $4, $5::int, $6::jsonb, $7::jsonb, $8
   WHERE $9::int = 0
      OR EXISTS (SELECT 1 FROM events WHERE stream_id = $1 AND version = $9::int)
  RETURNING version, position, transaction_id::text AS transaction_id`;

// Single-event appends, many streams in one statement (see AppendBatcher). Each row
// is checked against its own stream: a new stream needs no predecessor, any other
// needs the event just before it; a row whose version is taken is skipped rather
// than failing the statement, and comes back missing from RETURNING.
const APPEND_BATCH = `INSERT INTO events (event_id, stream_id, version, type, schema_version, data, metadata, occurred_at)
  SELECT e.event_id, e.stream_id, e.version, e.type, e.schema_version, e.data::jsonb, e.metadata::jsonb, e.occurred_at
    FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::int[], $6::text[], $7::text[], $8::timestamptz[])
         WITH ORDINALITY AS e(event_id, stream_id, version, type, schema_version, data, metadata, occurred_at, n)
   WHERE e.version = 1
      OR EXISTS (SELECT 1 FROM events p WHERE p.stream_id = e.stream_id AND p.version = e.version - 1)
   ORDER BY e.n
  ON CONFLICT ON CONSTRAINT ${STREAM_VERSION_CONSTRAINT} DO NOTHING
  RETURNING stream_id, position, transaction_id::text AS transaction_id`;
/** The most appends one batch statement carries. */
const MAX_BATCH = 256;

// A wake-up needs no durability: committing it asynchronously keeps the notify
// lock (see announceAppended) for microseconds rather than a WAL flush.
const ANNOUNCE = `SELECT set_config('synchronous_commit', 'off', true), pg_notify($1, '')`;
// Under load one wake-up every few milliseconds serves all the appends in between.
const ANNOUNCE_GAP_MS = 5;

interface EventRow {
  event_id: string;
  stream_id: string;
  version: number;
  position: string | number;
  transaction_id: string;
  type: string;
  schema_version: number;
  data?: unknown;
  metadata: EventMetadata;
  occurred_at: Date | string;
}

/**
 * occurred_at as json writes a UTC timestamp ('2026-11-30T03:29:41.123456', the
 * fraction optional, of up to six digits) into the ISO 8601 string in
 * milliseconds that Date#toISOString gives, without building a Date per event.
 */
export function utcIso(text: string): string {
  const length = text.length;
  if (text[10] === 'T' && (length === 19 || (text[19] === '.' && length > 20 && length <= 26))) {
    const fraction = length === 19 ? '000' : (text.slice(20) + '00').slice(0, 3);
    return `${text.slice(0, 19)}.${fraction}Z`;
  }
  return new Date(`${text}Z`).toISOString();
}

/**
 * A page's rows in (transaction id, position) order. The subquery sorts them and
 * the outer select keeps that order; this only checks it, in one pass, and
 * sorts them should it ever not hold.
 */
export function inLogOrder<R extends { transaction_id: string; position: number }>(rows: R[]): R[] {
  const compare = (a: R, b: R) =>
    compareCheckpoints({ transactionId: a.transaction_id, position: a.position }, { transactionId: b.transaction_id, position: b.position });
  for (let i = 1; i < rows.length; i++) {
    if (compare(rows[i - 1], rows[i]) > 0) return rows.sort(compare);
  }
  return rows;
}

export interface AppendOptions {
  metadata?: EventMetadata;
  occurredAt?: Date;
  /**
   * Append inside the caller's transaction instead of on its own. The caller
   * then calls announceAppended() once that transaction has committed.
   */
  executor?: Queryable;
}

export interface Snapshot<S = unknown> {
  streamId: string;
  version: number;
  type: string;
  schemaVersion: number;
  state: S;
}

/**
 * An append-only log of events in PostgreSQL. Generic: it knows streams,
 * versions and positions, never what the events mean.
 */
@Injectable()
export class EventStore {
  private readonly batcher: AppendBatcher;

  constructor(
    private readonly db: Database,
    private readonly registry: EventRegistry,
    @Optional() private readonly metrics?: Metrics,
  ) {
    this.batcher = new AppendBatcher({
      write: (batch) => this.writeBatch(batch),
      concurrency: appendConcurrency(db),
      maxBatch: MAX_BATCH,
      onWritten: (batch) => this.metrics?.appendBatch(batch.length),
    });
  }

  /** A wake-up is on its way (see announceAppended), and whether appends since want another. */
  private announcing = false;
  private announceAgain = false;

  /**
   * Appends all events or none, in one statement. The unique (stream_id, version)
   * constraint is the concurrency check; a stream that is behind the expected
   * version inserts nothing. Either way the loser gets a ConcurrencyError.
   * A single event appended on its own (not in the caller's transaction) may
   * share its statement and commit with other streams' appends (AppendBatcher);
   * it resolves only once that commit is durable.
   */
  async append<E extends StorableEvent>(
    streamId: string,
    events: readonly E[],
    expectedVersion: number,
    options: AppendOptions = {},
  ): Promise<AppendResult<E>> {
    if (events.length === 0) throw new Error('append needs at least one event');
    const occurredAt = options.occurredAt ?? new Date();
    const metadata = JSON.stringify(options.metadata ?? {});
    const ids: string[] = [];
    const versions: number[] = [];
    const types: string[] = [];
    const schemaVersions: number[] = [];
    const data: string[] = [];
    events.forEach((event, i) => {
      const { type, schemaVersion } = this.registry.typeOf(event);
      ids.push(uuidV7());
      versions.push(expectedVersion + i + 1);
      types.push(type);
      schemaVersions.push(schemaVersion);
      data.push(JSON.stringify(event.data));
    });

    let rows: Array<Pick<EventRow, 'version' | 'position' | 'transaction_id'>>;
    if (events.length === 1 && !options.executor) {
      // May share its statement and commit with other streams' appends (AppendBatcher).
      const row = await this.batcher.submit({
        streamId, eventId: ids[0], version: versions[0], type: types[0], schemaVersion: schemaVersions[0], data: data[0], metadata, occurredAt,
      });
      rows = row ? [{ ...row, version: versions[0] }] : [];
    } else {
      try {
        rows = await this.db.prepared(
          events.length === 1 ? APPEND_ONE : APPEND,
          events.length === 1
            ? [streamId, ids[0], versions[0], types[0], schemaVersions[0], data[0], metadata, occurredAt, expectedVersion]
            : [streamId, ids, versions, types, schemaVersions, data, metadata, occurredAt, expectedVersion],
          options.executor,
        );
      } catch (error) {
        if ((error as { constraint?: string }).constraint !== STREAM_VERSION_CONSTRAINT) throw error;
        rows = [];
      }
    }
    if (rows.length === 0) {
      throw new ConcurrencyError(streamId, expectedVersion, await this.currentVersion(streamId, options.executor));
    }
    this.metrics?.appended(types);
    if (!options.executor) this.announceAppended();
    // Only what PostgreSQL chose comes back; the rest is what was sent.
    const recorded = rows
      .sort((a, b) => a.version - b.version)
      .map((row) => {
        const i = row.version - expectedVersion - 1;
        const sent = { event_id: ids[i], stream_id: streamId, type: types[i], schema_version: schemaVersions[i] };
        return this.toRecorded({ ...row, ...sent, metadata: JSON.parse(metadata), occurred_at: occurredAt }, events[i]);
      }) as RecordedEvent<E>[];
    return {
      streamId,
      nextExpectedVersion: expectedVersion + events.length,
      lastPosition: recorded[recorded.length - 1].position,
      events: recorded,
    };
  }

  /** One statement for a batch of single-event appends to distinct streams; a missing row lost its race. */
  private async writeBatch(batch: readonly BatchedAppend[]): Promise<Array<StoredRow | undefined>> {
    if (batch.length === 1) {
      // Alone (an idle store), the plain statement is a fifth quicker than unnesting arrays.
      const [a] = batch;
      try {
        const [row] = await this.db.prepared<StoredRow>(APPEND_ONE, [
          a.streamId, a.eventId, a.version, a.type, a.schemaVersion, a.data, a.metadata, a.occurredAt, a.version - 1,
        ]);
        return [row];
      } catch (error) {
        if ((error as { constraint?: string }).constraint === STREAM_VERSION_CONSTRAINT) return [undefined];
        throw error;
      }
    }
    const rows = await this.db.prepared<StoredRow & { stream_id: string }>(APPEND_BATCH, [
      batch.map((a) => a.eventId),
      batch.map((a) => a.streamId),
      batch.map((a) => a.version),
      batch.map((a) => a.type),
      batch.map((a) => a.schemaVersion),
      batch.map((a) => a.data),
      batch.map((a) => a.metadata),
      batch.map((a) => a.occurredAt),
    ]);
    const byStream = new Map(rows.map((row) => [row.stream_id, row]));
    return batch.map((a) => byStream.get(a.streamId));
  }

  /**
   * Wakes the log's readers in every instance (LISTEN events_appended) after an
   * append has committed. Not from inside the appending transaction: PostgreSQL
   * serialises the commits of all transactions that notify, WAL flush included,
   * which would rule out group commit for appends. One wake-up at a time is in
   * flight; appends that commit meanwhile or within ANNOUNCE_GAP_MS after it
   * are covered by one more.
   */
  announceAppended(): void {
    if (this.announcing) {
      this.announceAgain = true;
      return;
    }
    this.announcing = true;
    this.announceAgain = false;
    this.db.pool
      .query(prepared(ANNOUNCE, [EVENTS_APPENDED]))
      .catch(() => undefined) // readers poll as well; a lost wake-up only delays them
      .finally(() => {
        setTimeout(() => {
          this.announcing = false;
          if (this.announceAgain) this.announceAppended();
        }, ANNOUNCE_GAP_MS).unref();
      });
  }

  async currentVersion(streamId: string, executor?: Queryable): Promise<number> {
    const [row] = await this.db.query<{ version: number | null }>(
      'SELECT max(version) AS version FROM events WHERE stream_id = $1',
      [streamId],
      executor,
    );
    return row?.version ?? 0;
  }

  /** A stream's events in version order, optionally from a version and up to an instant. */
  async readStream(
    streamId: string,
    options: { fromVersion?: number; toVersion?: number; toTime?: Date } = {},
  ): Promise<RecordedEvent[]> {
    const rows = await this.db.query<EventRow>(
      `SELECT ${COLUMNS} FROM events
        WHERE stream_id = $1 AND version >= $2 AND version <= $3
          AND ($4::timestamptz IS NULL OR occurred_at <= $4)
        ORDER BY version`,
      [streamId, options.fromVersion ?? 1, options.toVersion ?? 2_147_483_647, options.toTime ?? null],
    );
    return rows.map((row) => this.toRecorded(row));
  }

  /**
   * The global log after a checkpoint, in (transaction id, position) order, only
   * from transactions older than every one still running. An append that began
   * first and commits last is therefore never passed over: nothing behind it is
   * returned until it has committed or rolled back.
   */
  async readAll(after: LogCheckpoint, limit: number, executor?: Queryable): Promise<RecordedEvent[]> {
    return (await this.readAllPage(after, limit, executor)).events;
  }

  /**
   * readAll, also telling whether committed events past the page were held back
   * because an older transaction is still open (any transaction, even one that
   * writes no events). A subscriber then reads again shortly, rather than
   * waiting for a notification that the blocking transaction will never send.
   */
  async readAllPage(
    after: LogCheckpoint,
    limit: number,
    executor?: Queryable,
  ): Promise<{ events: RecordedEvent[]; heldBack: boolean }> {
    // Each event as one json value: one string to parse per row, not one decoding per column, which
    // on a rebuild's pages of thousands of events was most of the reader's CPU. Per row, not one
    // json_agg for the page: a page-sized string lands in V8's large-object space, and under the
    // app's heap cap that meant two to three times the full GCs.
    const { rows: lines } = await (executor ?? this.db.pool).query<{ e: string }>(
      `SELECT row_to_json(e)::text AS e FROM (
         SELECT event_id, stream_id, version, position, transaction_id::text AS transaction_id, type, schema_version, data,
                metadata, occurred_at AT TIME ZONE 'UTC' AS occurred_at,
                transaction_id < pg_snapshot_xmin(pg_current_snapshot()) AS safe
           FROM events
          WHERE (transaction_id, position) > ($1::xid8, $2::bigint)
          ORDER BY events.transaction_id, events.position
          LIMIT $3) e`,
      [after.transactionId, after.position, limit],
    );
    const rows = inLogOrder<EventRow & { position: number; safe: boolean }>(lines.map((line) => JSON.parse(line.e)));
    // In (transaction id, position) order every safe row comes before the first unsafe one.
    const safe = rows.filter((row) => row.safe);
    return { events: safe.map((row) => this.toRecorded(row)), heldBack: safe.length < rows.length };
  }

  /** The checkpoint of the event at a global position, or undefined if there is none. */
  async checkpointAt(position: number): Promise<LogCheckpoint | undefined> {
    const [row] = await this.db.query<{ transaction_id: string }>(
      'SELECT transaction_id::text AS transaction_id FROM events WHERE position = $1',
      [position],
    );
    return row ? { transactionId: row.transaction_id, position } : undefined;
  }

  /** The newest checkpoint a catch-up reader can safely stand on now. */
  async headCheckpoint(): Promise<LogCheckpoint> {
    const [row] = await this.db.query<{ transaction_id: string; position: string }>(
      `SELECT transaction_id::text AS transaction_id, position FROM events
        WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY events.transaction_id DESC, events.position DESC LIMIT 1`,
    );
    return row ? { transactionId: row.transaction_id, position: Number(row.position) } : LOG_START;
  }

  /** Events in the log after a checkpoint, counted in the readers' order. */
  async countAfter(after: LogCheckpoint): Promise<number> {
    const [row] = await this.db.query<{ count: string }>(
      'SELECT count(*) AS count FROM events WHERE (transaction_id, position) > ($1::xid8, $2::bigint)',
      [after.transactionId, after.position],
    );
    return Number(row.count);
  }

  async headPosition(): Promise<number> {
    const [row] = await this.db.query<{ position: string | null }>('SELECT max(position) AS position FROM events');
    return Number(row?.position ?? 0);
  }

  /**
   * A stream's snapshot, when it has one of the given schema version, and the
   * events after it (all of them without one), in one round trip.
   */
  async readFromSnapshot<S>(
    streamId: string,
    snapshotSchemaVersion: number,
  ): Promise<{ snapshot: Snapshot<S> | undefined; events: RecordedEvent[] }> {
    const rows = await this.db.prepared<EventRow & { is_snapshot: boolean }>(
      `WITH s AS (SELECT version, type, schema_version, state FROM snapshots WHERE stream_id = $1 AND schema_version = $2)
       SELECT true AS is_snapshot, NULL::uuid AS event_id, $1 AS stream_id, version, NULL::bigint AS position,
              NULL::text AS transaction_id, type, schema_version, state AS data, NULL::jsonb AS metadata, NULL::timestamptz AS occurred_at
         FROM s
       UNION ALL
       SELECT false, ${COLUMNS} FROM events
        WHERE stream_id = $1 AND version > coalesce((SELECT version FROM s), 0)`,
      [streamId, snapshotSchemaVersion],
    );
    const snapshotRow = rows.find((row) => row.is_snapshot);
    const snapshot = snapshotRow && {
      streamId,
      version: snapshotRow.version,
      type: snapshotRow.type,
      schemaVersion: snapshotRow.schema_version,
      state: snapshotRow.data as S,
    };
    const events = rows.filter((row) => !row.is_snapshot).sort((a, b) => a.version - b.version);
    return { snapshot, events: events.map((row) => this.toRecorded(row)) };
  }

  async readSnapshot<S>(streamId: string): Promise<Snapshot<S> | undefined> {
    const [row] = await this.db.query<{ version: number; type: string; schema_version: number; state: S }>(
      'SELECT version, type, schema_version, state FROM snapshots WHERE stream_id = $1',
      [streamId],
    );
    return row
      ? { streamId, version: row.version, type: row.type, schemaVersion: row.schema_version, state: row.state }
      : undefined;
  }

  /** Keeps only the newest snapshot of a stream; an older one never overwrites it. */
  async writeSnapshot(snapshot: Snapshot): Promise<void> {
    await this.db.query(
      `INSERT INTO snapshots (stream_id, version, type, schema_version, state)
       VALUES ($1, $2, $3, $4, $5::jsonb)
       ON CONFLICT (stream_id) DO UPDATE
         SET version = excluded.version, type = excluded.type, schema_version = excluded.schema_version,
             state = excluded.state, created_at = now()
       WHERE snapshots.version < excluded.version OR snapshots.schema_version <> excluded.schema_version`,
      [snapshot.streamId, snapshot.version, snapshot.type, snapshot.schemaVersion, JSON.stringify(snapshot.state)],
    );
  }

  private toRecorded(row: EventRow, original?: StorableEvent): RecordedEvent {
    return {
      eventId: row.event_id,
      streamId: row.stream_id,
      version: row.version,
      position: Number(row.position),
      transactionId: row.transaction_id,
      type: row.type,
      storedSchemaVersion: row.schema_version,
      occurredAt: typeof row.occurred_at === 'string' ? utcIso(row.occurred_at) : row.occurred_at.toISOString(),
      metadata: row.metadata,
      event: original ?? this.registry.revive(row.type, row.schema_version, row.data),
    };
  }
}

/**
 * Batches written at once: a quarter of the pool (at least one), so that under
 * load appends leave most connections to readers and projections, and each
 * batch carries everything that arrived while the one before it was written.
 */
function appendConcurrency(db: Database): number {
  const poolSize = (db.pool as unknown as { options?: { max?: number } }).options?.max ?? 10;
  return Math.max(1, Math.floor(poolSize / 4));
}
