import type { RecordedEvent } from '../../event-store/event-types.js';
import type { Projection, TableMap } from '../../projections/projection.js';
import { keysToLoad, type TableWriter } from '../../projections/table-writer.js';
import type { OrderEvent } from '../domain/order-events.js';
import { isOrderStream, orderIdOf as orderIdOfStream } from '../order-stream.js';
import { CustomerDataErased } from '../../personal-data/personal-data-events.js';

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

/** One step of a batch for a row-per-order read model: an order event, or the erasure of the order's customer. */
type Step = { readonly orderId: string; readonly recorded: RecordedEvent<OrderEvent> } | { readonly orderId: string; readonly erase: true };

/** The order events of a batch, and for each CustomerDataErased one erase step per order it names, in log order. */
function stepsIn(events: readonly RecordedEvent[], erasing: boolean): Step[] {
  const steps: Step[] = [];
  for (const recorded of events) {
    if (isOrderStream(recorded.streamId)) {
      steps.push({ orderId: orderIdOf(recorded as RecordedEvent<OrderEvent>), recorded: recorded as RecordedEvent<OrderEvent> });
    } else if (erasing && recorded.event instanceof CustomerDataErased) {
      for (const streamId of recorded.event.data.streamIds) {
        if (isOrderStream(streamId)) steps.push({ orderId: orderIdOfStream(streamId), erase: true });
      }
    }
  }
  return steps;
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
function foldRows<R>(rows: Map<string, R>, steps: readonly Step[], evolve: RowEvolve<R>, erase?: RowErase<R>): FoldedRows<R> {
  const changed = new Map<string, R>();
  const removed = new Set<string>();
  for (const step of steps) {
    const id = step.orderId;
    if (removed.has(id)) continue;
    const before = rows.get(id);
    const after = 'erase' in step ? before && erase?.(before) : evolve(before, step.recorded);
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
 * A read model's rule for its row when the order's customer is erased: the row
 * with the personal fields as "[erased]" and personal_data_erased set (the
 * same row when it is so already). The version stays: nothing happened to the order.
 */
export type RowErase<R> = (row: R) => R;

/** A row that can be erased: the flag the upsert guard lets replace a row of the same version. */
export interface ErasableRow {
  personal_data_erased: boolean;
}

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
    /** How a row is erased; a read model with no personal fields has none. */
    private readonly erase?: RowErase<R>,
  ) {
    this.tables = [table];
  }

  async apply(tx: TableWriter, events: readonly RecordedEvent[], tables: TableMap): Promise<void> {
    const steps = stepsIn(events, this.erase !== undefined);
    if (steps.length === 0) return;
    const table = tables[this.table];
    const toLoad = keysToLoad(
      steps,
      (step) => step.orderId,
      (step) => 'recorded' in step && step.recorded.event.type === 'OrderPlaced',
    );
    const rows = await tx.loadRows<R>(table, 'order_id', toLoad);
    const loaded = new Set(toLoad);
    const { changed, removed } = foldRows(rows, steps, this.evolve, this.erase);
    await tx.deleteRows(table, 'order_id', [...removed]);
    await tx.upsertRows(
      table,
      ['order_id'],
      [...changed.values()].map((row) => ({ ...row })),
      {
        newerBy: 'version',
        ...(this.erase ? { orNewlySet: 'personal_data_erased' } : {}),
        created: (row) => !loaded.has((row as R).order_id),
      },
    );
  }
}
