import { prepared, type Queryable } from '../database/database.js';

/**
 * Set-based reads and writes for projections: a batch loads the rows it touches
 * in one query and writes them back in one, whatever its size. The keys are
 * compared in the column's own type, so the lookups use its index.
 */
export async function loadRows<R extends object>(
  tx: Queryable,
  table: string,
  key: string,
  ids: readonly string[],
): Promise<Map<string, R>> {
  if (ids.length === 0) return new Map();
  const { rows } = await tx.query(prepared(`SELECT * FROM ${table} WHERE ${key} = ANY($1)`, [ids]));
  return new Map(rows.map((row: R) => [String((row as Record<string, unknown>)[key]), row]));
}

/** Inserts or replaces whole rows, given as objects keyed by column name. */
export async function upsertRows(
  tx: Queryable,
  table: string,
  keys: readonly string[],
  rows: readonly object[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]);
  const updates = columns.filter((c) => !keys.includes(c)).map((c) => `${c} = excluded.${c}`);
  await tx.query(
    prepared(
      `INSERT INTO ${table} (${columns.join(', ')})
       SELECT ${columns.join(', ')} FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb)
       ON CONFLICT (${keys.join(', ')}) DO ${updates.length ? `UPDATE SET ${updates.join(', ')}` : 'NOTHING'}`,
      [JSON.stringify(rows)],
    ),
  );
}

export async function deleteRows(tx: Queryable, table: string, key: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.query(prepared(`DELETE FROM ${table} WHERE ${key} = ANY($1)`, [ids]));
}
