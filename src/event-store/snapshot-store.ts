import { Injectable, Optional } from '@nestjs/common';
import { Database } from '../database/database.js';
import { EventDataCodec, PlainEventData } from './event-data-codec.js';
import { EventRegistry } from './event-registry.js';
import { COLUMNS, toRecorded, type EventRow } from './event-rows.js';
import type { RecordedEvent } from './event-types.js';

export interface Snapshot<S = unknown> {
  streamId: string;
  version: number;
  type: string;
  schemaVersion: number;
  state: S;
}

/**
 * A stream's state as of a version, kept beside the log so that loading a long
 * stream reads its snapshot and the events after it, not every event. A cache:
 * deleting every snapshot loses nothing.
 */
@Injectable()
export class SnapshotStore {
  private readonly codec: EventDataCodec;

  constructor(
    private readonly db: Database,
    private readonly registry: EventRegistry,
    @Optional() codec?: EventDataCodec,
  ) {
    this.codec = codec ?? new PlainEventData();
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
      state: (await this.codec.openSnapshot(snapshotRow.type, snapshotRow.schema_version, snapshotRow.data)) as S,
    };
    const events = rows.filter((row) => !row.is_snapshot).sort((a, b) => a.version - b.version);
    await this.codec.open(events);
    return { snapshot, events: events.map((row) => toRecorded(this.registry, row)) };
  }

  /** Keeps only the newest snapshot of a stream; an older one never overwrites it. */
  async writeSnapshot(snapshot: Snapshot): Promise<void> {
    const state = await this.codec.sealSnapshot(snapshot.streamId, snapshot.type, snapshot.schemaVersion, snapshot.state);
    if (state === undefined) return;
    await this.db.query(
      `INSERT INTO snapshots (stream_id, version, type, schema_version, state)
       VALUES ($1, $2, $3, $4, $5::jsonb)
       ON CONFLICT (stream_id) DO UPDATE
         SET version = excluded.version, type = excluded.type, schema_version = excluded.schema_version,
             state = excluded.state, created_at = now()
       WHERE snapshots.version < excluded.version OR snapshots.schema_version <> excluded.schema_version`,
      [snapshot.streamId, snapshot.version, snapshot.type, snapshot.schemaVersion, state],
    );
  }
}
