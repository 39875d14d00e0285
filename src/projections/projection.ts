import type { TableWriter } from './table-writer.js';
import type { RecordedEvent } from '../event-store/event-types.js';

/** Maps each live table a projection owns to the physical table to write: itself, or a rebuild's copy. */
export type TableMap = Readonly<Record<string, string>>;

/**
 * A read model kept from the event log. `apply` receives events in log order.
 * Live, it runs inside a transaction that also moves the projection's
 * checkpoint, so a batch lands entirely or not at all, and never twice. In a
 * rebuild's first pass it writes to private copies of its tables, statement by
 * statement, on a connection that takes large batches by COPY and sends writes
 * without waiting for them (BulkTableWriter): a failure there drops the
 * copies, so nothing half-applied is ever served. A table it reads with
 * loadRows is therefore written only through upsertRows and deleteRows, which
 * is how loadRows can answer from the rows the last pages wrote. Which writer
 * it gets is the caller's choice, passed in: the projection never asks.
 */
export interface Projection {
  readonly name: string;
  readonly tables: readonly string[];
  apply(tx: TableWriter, events: readonly RecordedEvent[], tables: TableMap): Promise<void>;
}

export function liveTables(projection: Projection): TableMap {
  return Object.fromEntries(projection.tables.map((table) => [table, table]));
}
