import type { QueryConfig, QueryResult, QueryResultRow } from 'pg';
import { prepared, type Queryable } from '../database/database.js';

/**
 * What a projection reads and writes its tables through: set-based reads and
 * writes, so a batch loads the rows it touches in one query and writes them
 * back in one, whatever its size, plus `query` for statements of its own. The
 * live runner and a rebuild's second pass hand it a TableWriter on their
 * connection; a rebuild's first pass a BulkTableWriter (bulk-table-writer.ts).
 * The keys are compared in the column's own type, so the lookups use its index.
 */
export class TableWriter {
  constructor(protected readonly tx: Queryable) {}

  query<R extends QueryResultRow = QueryResultRow>(textOrConfig: string | QueryConfig, values?: unknown[]): Promise<QueryResult<R>> {
    return (this.tx as { query(text: string | QueryConfig, values?: unknown[]): Promise<QueryResult<R>> }).query(textOrConfig, values);
  }

  async loadRows<R extends object>(table: string, key: string, ids: readonly string[]): Promise<Map<string, R>> {
    const found = new Map<string, R>();
    if (ids.length === 0) return found;
    const { rows } = await this.tx.query(prepared(`SELECT * FROM ${table} WHERE ${key} = ANY($1)`, [ids]));
    for (const row of rows as R[]) found.set(String((row as Record<string, unknown>)[key]), row);
    return found;
  }

  /**
   * Inserts or replaces whole rows, given as objects keyed by column name. The
   * rows travel as json, not jsonb: they are read once, so building jsonb's
   * binary form first would be work for nothing. With `newerBy`, an existing row
   * is replaced only by one of a higher value in that column (a version), so a
   * row written without being read first can never overwrite a later one.
   * `created` marks the rows the batch itself created (see BulkTableWriter).
   */
  async upsertRows(table: string, keys: readonly string[], rows: readonly object[], options: UpsertOptions = {}): Promise<void> {
    if (rows.length === 0) return;
    await this.tx.query(jsonUpsert(table, Object.keys(rows[0]), rows, onConflict(table, Object.keys(rows[0]), keys, options)));
  }

  async deleteRows(table: string, key: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.tx.query(prepared(`DELETE FROM ${table} WHERE ${key} = ANY($1)`, [ids]));
  }
}

export interface UpsertOptions {
  readonly newerBy?: string;
  /**
   * With newerBy: a boolean column whose turning true also replaces a row of
   * the same version (a customer's erasure, which changes no version).
   */
  readonly orNewlySet?: string;
  readonly created?: (row: object) => boolean;
}

export function onConflict(table: string, columns: readonly string[], keys: readonly string[], options: UpsertOptions): string {
  const updates = columns.filter((c) => !keys.includes(c)).map((c) => `${c} = excluded.${c}`);
  const newly = options.orNewlySet ? ` OR (excluded.${options.orNewlySet} AND NOT ${table}.${options.orNewlySet})` : '';
  const guard = options.newerBy ? ` WHERE ${table}.${options.newerBy} < excluded.${options.newerBy}${newly}` : '';
  return `ON CONFLICT (${keys.join(', ')}) DO ${updates.length ? `UPDATE SET ${updates.join(', ')}${guard}` : 'NOTHING'}`;
}

export function jsonUpsert(table: string, columns: readonly string[], rows: readonly object[], conflict: string): QueryConfig {
  return prepared(
    `INSERT INTO ${table} (${columns.join(', ')})
     SELECT ${columns.join(', ')} FROM json_populate_recordset(NULL::${table}, $1::json)
     ${conflict}`,
    [JSON.stringify(rows)],
  );
}

/**
 * The keys whose rows a batch has to read before it can evolve them: those
 * whose first event in the batch does not create the row from nothing. A batch
 * of new orders then writes without reading first: one round trip, not two.
 */
export function keysToLoad<E>(events: readonly E[], keyOf: (event: E) => string, creates: (event: E) => boolean): string[] {
  const first = new Map<string, boolean>();
  for (const event of events) {
    const key = keyOf(event);
    if (!first.has(key)) first.set(key, creates(event));
  }
  return [...first].filter(([, created]) => !created).map(([key]) => key);
}
