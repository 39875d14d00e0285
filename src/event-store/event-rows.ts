import type { EventRegistry } from './event-registry.js';
import { compareCheckpoints, type EventMetadata, type RecordedEvent, type StorableEvent } from './event-types.js';

// The transaction id goes out as text, under its own name: an ORDER BY must then
// name events.transaction_id, or it sorts by the text ('10' < '9') and uses no index.
export const COLUMNS = `event_id, stream_id, version, position, transaction_id::text AS transaction_id,
  type, schema_version, data, metadata, occurred_at`;

/** A row of the events table as the store's statements select it. */
export interface EventRow {
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
    compareCheckpoints(
      { transactionId: a.transaction_id, position: a.position },
      { transactionId: b.transaction_id, position: b.position },
    );
  for (let i = 1; i < rows.length; i++) {
    if (compare(rows[i - 1], rows[i]) > 0) return rows.sort(compare);
  }
  return rows;
}

/** A stored row as the event it holds: revived (upcast) by the registry, unless the caller still has the original. */
export function toRecorded(registry: EventRegistry, row: EventRow, original?: StorableEvent): RecordedEvent {
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
    event: original ?? registry.revive(row.type, row.schema_version, row.data),
  };
}
