import type { RecordedEvent } from '../../event-store/event-types.js';
import type { Projection, TableMap } from '../../projections/projection.js';
import { keysToLoad, type TableWriter } from '../../projections/table-writer.js';
import type { OrderEvent } from '../domain/order-events.js';
import { isOrderStream } from '../order-stream.js';

// What the order read models share: the order events of a batch, and the
// fold of a table of one row per order.

/** The events of a batch that belong to orders' streams: the only ones an order read model reads. */
export function orderEventsIn(events: readonly RecordedEvent[]): RecordedEvent<OrderEvent>[] {
  return events.filter((e) => isOrderStream(e.streamId)) as RecordedEvent<OrderEvent>[];
}

export function orderIdOf(recorded: RecordedEvent<OrderEvent>): string {
  return recorded.event.data.orderId;
}

/** For the `default` of an exhaustive switch on an order event: the compiler proves it unreachable, this says so if it is not. */
export function noRuleFor(readModel: string, event: never): never {
  throw new Error(`${readModel} has no rule for ${(event as { type: string }).type}`);
}

/** What a batch did to a table of one row per order. */
interface FoldedRows<R> {
  /** The new state of each row the batch changed, to upsert. */
  readonly changed: Map<string, R>;
  /** The orders whose row the batch removed, to delete. */
  readonly removed: Set<string>;
}

/**
 * Runs a batch through a read model's evolve, one row per order, starting
 * from `rows` (what the table holds for those orders). evolve answers the new
 * row, the same row for "no change", or null for "the row goes": an order whose
 * row went is done with this read model, so its later events in the batch are
 * passed over.
 */
function foldRows<R>(rows: Map<string, R>, events: readonly RecordedEvent<OrderEvent>[], evolve: RowEvolve<R>): FoldedRows<R> {
  const changed = new Map<string, R>();
  const removed = new Set<string>();
  for (const recorded of events) {
    const id = orderIdOf(recorded);
    if (removed.has(id)) continue;
    const before = rows.get(id);
    const after = evolve(before, recorded);
    if (after === null) {
      rows.delete(id);
      changed.delete(id);
      removed.add(id);
    } else if (after && after !== before) {
      rows.set(id, after);
      changed.set(id, after);
    }
  }
  return { changed, removed };
}

/** A read model's rule for one row: the new row, the same row for "no change", or null for "the row goes". */
export type RowEvolve<R> = (row: R | undefined, recorded: RecordedEvent<OrderEvent>) => R | null | undefined;

/**
 * A read model of one row per order (keyed `order_id`, with a `version`
 * column), kept by one rule: the row after an event. A batch reads the rows it
 * needs, folds its events through the rule, deletes the rows that went and
 * upserts the rest. An OrderPlaced starts its row from nothing, so a batch of
 * new orders writes without reading first; the version guard keeps such a
 * blind write from ever replacing a newer row.
 */
export class RowPerOrderProjection<R extends { order_id: string; version: number }> implements Projection {
  readonly tables: readonly string[];

  constructor(
    readonly name: string,
    private readonly table: string,
    private readonly evolve: RowEvolve<R>,
  ) {
    this.tables = [table];
  }

  async apply(tx: TableWriter, events: readonly RecordedEvent[], tables: TableMap): Promise<void> {
    const relevant = orderEventsIn(events);
    if (relevant.length === 0) return;
    const table = tables[this.table];
    const toLoad = keysToLoad(relevant, orderIdOf, (e) => e.event.type === 'OrderPlaced');
    const rows = await tx.loadRows<R>(table, 'order_id', toLoad);
    const loaded = new Set(toLoad);
    const { changed, removed } = foldRows(rows, relevant, this.evolve);
    await tx.deleteRows(table, 'order_id', [...removed]);
    await tx.upsertRows(
      table,
      ['order_id'],
      [...changed.values()].map((row) => ({ ...row })),
      { newerBy: 'version', created: (row) => !loaded.has((row as R).order_id) },
    );
  }
}
