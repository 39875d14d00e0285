import { Injectable, Optional } from '@nestjs/common';
import { Database, prepared, type Queryable } from '../database/database.js';
import { AppendBatcher, type BatchedAppend, type StoredRow } from './append-batcher.js';
import { EventDataCodec, type NewDataKey } from './event-data-codec.js';
import { EventLog } from './event-log.js';
import { EventRegistry } from './event-registry.js';
import { toRecorded, type EventRow } from './event-rows.js';
import { ConcurrencyError } from './event-store.errors.js';
import type { AppendResult, EventMetadata, RecordedEvent, StorableEvent } from './event-types.js';
import { EVENTS_APPENDED } from './log-notifier.js';
import { uuidV7 } from './uuid-v7.js';

const STREAM_VERSION_CONSTRAINT = 'events_stream_version_unique';

// Each statement also stores the data keys of the events it appends that hold
// personal data (see EventDataCodec), in the same statement and commit: a key
// row only for an event row that was inserted, none when there are no keys.
const APPEND = `WITH e AS (
  INSERT INTO events (event_id, stream_id, version, type, schema_version, data, metadata, occurred_at)
  SELECT e.event_id, $1, e.version, e.type, e.schema_version, e.data::jsonb, $7::jsonb, $8
    FROM unnest($2::uuid[], $3::int[], $4::text[], $5::int[], $6::text[]) AS e(event_id, version, type, schema_version, data)
   WHERE $9::int = 0
      OR EXISTS (SELECT 1 FROM events WHERE stream_id = $1 AND version = $9::int)
  RETURNING event_id, version, position, transaction_id::text AS transaction_id
), k AS (
  INSERT INTO personal_data_keys (key_id, customer_index, wrapped_key)
  SELECT k.key_id, k.customer_index, k.wrapped_key
    FROM unnest($10::uuid[], $11::bytea[], $12::bytea[]) AS k(key_id, customer_index, wrapped_key)
   WHERE k.key_id IN (SELECT event_id FROM e)
)
SELECT version, position, transaction_id FROM e`;
// Most commands append one event: the same statement, with no arrays to build, send and unnest.
const APPEND_ONE = `WITH e AS (
  INSERT INTO events (event_id, stream_id, version, type, schema_version, data, metadata, occurred_at)
  SELECT $2::uuid, $1, $3::int, $4, $5::int, $6::jsonb, $7::jsonb, $8
   WHERE $9::int = 0
      OR EXISTS (SELECT 1 FROM events WHERE stream_id = $1 AND version = $9::int)
  RETURNING version, position, transaction_id::text AS transaction_id
), k AS (
  INSERT INTO personal_data_keys (key_id, customer_index, wrapped_key)
  SELECT $2::uuid, $10::bytea, $11::bytea
   WHERE $10::bytea IS NOT NULL AND EXISTS (SELECT 1 FROM e)
)
SELECT version, position, transaction_id FROM e`;

// Single-event appends, many streams in one statement (see AppendBatcher). Each row
// is checked against its own stream: a new stream needs no predecessor, any other
// needs the event just before it; a row whose version is taken is skipped rather
// than failing the statement, and comes back missing from RETURNING.
const APPEND_BATCH = `WITH e AS (
  INSERT INTO events (event_id, stream_id, version, type, schema_version, data, metadata, occurred_at)
  SELECT e.event_id, e.stream_id, e.version, e.type, e.schema_version, e.data::jsonb, e.metadata::jsonb, e.occurred_at
    FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::int[], $6::text[], $7::text[], $8::timestamptz[])
         WITH ORDINALITY AS e(event_id, stream_id, version, type, schema_version, data, metadata, occurred_at, n)
   WHERE e.version = 1
      OR EXISTS (SELECT 1 FROM events p WHERE p.stream_id = e.stream_id AND p.version = e.version - 1)
   ORDER BY e.n
  ON CONFLICT ON CONSTRAINT ${STREAM_VERSION_CONSTRAINT} DO NOTHING
  RETURNING event_id, stream_id, position, transaction_id::text AS transaction_id
), k AS (
  INSERT INTO personal_data_keys (key_id, customer_index, wrapped_key)
  SELECT e.event_id, k.customer_index, k.wrapped_key
    FROM unnest($9::uuid[], $10::bytea[], $11::bytea[]) AS k(key_id, customer_index, wrapped_key)
    JOIN e ON e.event_id = k.key_id
)
SELECT stream_id, position, transaction_id FROM e`;
/** The most appends one batch statement carries. */
const MAX_BATCH = 256;

// A wake-up needs no durability: committing it asynchronously keeps the notify
// lock (see announceAppended) for microseconds rather than a WAL flush.
const ANNOUNCE = `SELECT set_config('synchronous_commit', 'off', true), pg_notify($1, '')`;
// Under load one wake-up every few milliseconds serves all the appends in between.
const ANNOUNCE_GAP_MS = 5;

export interface AppendOptions {
  metadata?: EventMetadata;
  occurredAt?: Date;
  /**
   * Append inside the caller's transaction instead of on its own. The caller
   * then calls announceAppended() once that transaction has committed.
   */
  executor?: Queryable;
}

/** What the store tells whoever watches it (the metrics), without knowing who that is. */
export interface AppendObserver {
  appended(types: readonly string[]): void;
  batchWritten(size: number): void;
}

/**
 * An append-only log of events in PostgreSQL, and its reader (EventLog).
 * Generic: it knows streams, versions and positions, never what the events mean.
 */
@Injectable()
export class EventStore extends EventLog {
  private readonly batcher: AppendBatcher;

  private observer: AppendObserver | undefined;

  constructor(db: Database, registry: EventRegistry, @Optional() codec?: EventDataCodec) {
    super(db, registry, codec);
    this.batcher = new AppendBatcher({
      write: (batch) => this.writeBatch(batch),
      concurrency: appendConcurrency(db),
      maxBatch: MAX_BATCH,
      onWritten: (batch) => this.observer?.batchWritten(batch.length),
    });
  }

  /** One watcher at a time: ops' metrics. */
  observe(observer: AppendObserver): void {
    this.observer = observer;
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
    const keys: NewDataKey[] = [];
    events.forEach((event, i) => {
      const { type, schemaVersion } = this.registry.typeOf(event);
      const eventId = uuidV7();
      const sealed = this.codec.seal(streamId, eventId, type, schemaVersion, event.data);
      ids.push(eventId);
      versions.push(expectedVersion + i + 1);
      types.push(type);
      schemaVersions.push(schemaVersion);
      data.push(sealed.json);
      if (sealed.key) keys.push(sealed.key);
    });

    let rows: Array<Pick<EventRow, 'version' | 'position' | 'transaction_id'>>;
    if (events.length === 1 && !options.executor) {
      // May share its statement and commit with other streams' appends (AppendBatcher).
      const row = await this.batcher.submit({
        streamId,
        eventId: ids[0],
        version: versions[0],
        type: types[0],
        schemaVersion: schemaVersions[0],
        data: data[0],
        metadata,
        occurredAt,
        key: keys[0],
      });
      rows = row ? [{ ...row, version: versions[0] }] : [];
    } else {
      try {
        rows = await this.db.prepared(
          events.length === 1 ? APPEND_ONE : APPEND,
          events.length === 1
            ? [
                streamId,
                ids[0],
                versions[0],
                types[0],
                schemaVersions[0],
                data[0],
                metadata,
                occurredAt,
                expectedVersion,
                keys[0]?.customerIndex ?? null,
                keys[0]?.wrappedKey ?? null,
              ]
            : [
                streamId,
                ids,
                versions,
                types,
                schemaVersions,
                data,
                metadata,
                occurredAt,
                expectedVersion,
                keys.map((key) => key.keyId),
                keys.map((key) => key.customerIndex),
                keys.map((key) => key.wrappedKey),
              ],
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
    this.observer?.appended(types);
    if (!options.executor) this.announceAppended();
    // Only what PostgreSQL chose comes back; the rest is what was sent.
    const recorded = rows
      .sort((a, b) => a.version - b.version)
      .map((row) => {
        const i = row.version - expectedVersion - 1;
        const sent = { event_id: ids[i], stream_id: streamId, type: types[i], schema_version: schemaVersions[i] };
        return toRecorded(
          this.registry,
          { ...row, ...sent, metadata: JSON.parse(metadata) as EventMetadata, occurred_at: occurredAt },
          events[i],
        );
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
          a.streamId,
          a.eventId,
          a.version,
          a.type,
          a.schemaVersion,
          a.data,
          a.metadata,
          a.occurredAt,
          a.version - 1,
          a.key?.customerIndex ?? null,
          a.key?.wrappedKey ?? null,
        ]);
        return [row];
      } catch (error) {
        if ((error as { constraint?: string }).constraint === STREAM_VERSION_CONSTRAINT) return [undefined];
        throw error;
      }
    }
    const keyed = batch.filter((a) => a.key);
    const rows = await this.db.prepared<StoredRow & { stream_id: string }>(APPEND_BATCH, [
      batch.map((a) => a.eventId),
      batch.map((a) => a.streamId),
      batch.map((a) => a.version),
      batch.map((a) => a.type),
      batch.map((a) => a.schemaVersion),
      batch.map((a) => a.data),
      batch.map((a) => a.metadata),
      batch.map((a) => a.occurredAt),
      keyed.map((a) => a.key!.keyId),
      keyed.map((a) => a.key!.customerIndex),
      keyed.map((a) => a.key!.wrappedKey),
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
