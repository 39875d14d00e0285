import { Injectable, Optional } from '@nestjs/common';
import { Database, prepared, type Queryable } from '../database/database.js';
import { EventDataCodec, PlainEventData } from './event-data-codec.js';
import { EventRegistry } from './event-registry.js';
import { COLUMNS, inLogOrder, toRecorded, type EventRow } from './event-rows.js';
import { LOG_START, type LogCheckpoint, type RecordedEvent } from './event-types.js';

// A named statement: the feed and every subscription run it several times a
// second, and planning it each time cost PostgreSQL more than running it
// (pg_stat_statements under POST /orders load: 218 us of planning a call, 26 us an order).
// Its generic plan is the index scan on (transaction_id, position) at any table size.
const READ_ALL_PAGE = `SELECT row_to_json(e)::text AS e FROM (
   SELECT event_id, stream_id, version, position, transaction_id::text AS transaction_id, type, schema_version, data,
          metadata, occurred_at AT TIME ZONE 'UTC' AS occurred_at,
          transaction_id < pg_snapshot_xmin(pg_current_snapshot()) AS safe
     FROM events
    WHERE (transaction_id, position) > ($1::xid8, $2::bigint)
    ORDER BY events.transaction_id, events.position
    LIMIT $3) e`;

/**
 * Reading the event log: one stream in version order, or the global log in
 * the commit-safe (transaction id, position) order every subscriber follows.
 */
@Injectable()
export class EventLog {
  protected readonly codec: EventDataCodec;

  constructor(
    protected readonly db: Database,
    protected readonly registry: EventRegistry,
    @Optional() codec?: EventDataCodec,
  ) {
    this.codec = codec ?? new PlainEventData();
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
    executor?: Queryable,
  ): Promise<RecordedEvent[]> {
    const rows = await this.db.query<EventRow>(
      `SELECT ${COLUMNS} FROM events
        WHERE stream_id = $1 AND version >= $2 AND version <= $3
          AND ($4::timestamptz IS NULL OR occurred_at <= $4)
        ORDER BY version`,
      [streamId, options.fromVersion ?? 1, options.toVersion ?? 2_147_483_647, options.toTime ?? null],
      executor,
    );
    await this.codec.open(rows);
    return rows.map((row) => toRecorded(this.registry, row));
  }

  /**
   * The event as it reads now: the same one, or read again when it may hold
   * personal data whose key has gone since it was read (a copy held in memory,
   * such as a webhook delivery being retried, must not outlive an erasure).
   */
  async reread(recorded: RecordedEvent): Promise<RecordedEvent> {
    if (!this.codec.mayHoldPersonalData(recorded.type) || !(await this.codec.keyGone(recorded.eventId))) return recorded;
    const [fresh] = await this.readStream(recorded.streamId, { fromVersion: recorded.version, toVersion: recorded.version });
    return fresh ?? recorded;
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
  async readAllPage(after: LogCheckpoint, limit: number, executor?: Queryable): Promise<{ events: RecordedEvent[]; heldBack: boolean }> {
    // Each event as one json value: one string to parse per row, not one decoding per column, which
    // on a rebuild's pages of thousands of events was most of the reader's CPU. Per row, not one
    // json_agg for the page: a page-sized string lands in V8's large-object space, and under the
    // app's heap cap that meant two to three times the full GCs.
    const { rows: lines } = await (executor ?? this.db.pool).query<{ e: string }>(
      prepared(READ_ALL_PAGE, [after.transactionId, after.position, limit]),
    );
    const rows = inLogOrder(lines.map((line) => JSON.parse(line.e) as EventRow & { position: number; safe: boolean }));
    // In (transaction id, position) order every safe row comes before the first unsafe one.
    const safe = rows.filter((row) => row.safe);
    await this.codec.open(safe);
    return { events: safe.map((row) => toRecorded(this.registry, row)), heldBack: safe.length < rows.length };
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

  async headPosition(): Promise<number> {
    const [row] = await this.db.query<{ position: string | null }>('SELECT max(position) AS position FROM events');
    return Number(row?.position ?? 0);
  }
}
