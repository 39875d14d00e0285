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

/**
 * Inserts or replaces whole rows, given as objects keyed by column name. The
 * rows travel as json, not jsonb: they are read once, so building jsonb's
 * binary form first would be work for nothing. With `newerBy`, an existing row
 * is replaced only by one of a higher value in that column (a version), so a
 * row written without being read first can never overwrite a later one.
 */
export async function upsertRows(
  tx: Queryable,
  table: string,
  keys: readonly string[],
  rows: readonly object[],
  options: { newerBy?: string } = {},
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]);
  const updates = columns.filter((c) => !keys.includes(c)).map((c) => `${c} = excluded.${c}`);
  const guard = options.newerBy ? ` WHERE ${table}.${options.newerBy} < excluded.${options.newerBy}` : '';
  await tx.query(
    prepared(
      `INSERT INTO ${table} (${columns.join(', ')})
       SELECT ${columns.join(', ')} FROM json_populate_recordset(NULL::${table}, $1::json)
       ON CONFLICT (${keys.join(', ')}) DO ${updates.length ? `UPDATE SET ${updates.join(', ')}${guard}` : 'NOTHING'}`,
      [JSON.stringify(rows)],
    ),
  );
}

export async function deleteRows(tx: Queryable, table: string, key: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.query(prepared(`DELETE FROM ${table} WHERE ${key} = ANY($1)`, [ids]));
}

export interface Statement {
  readonly text: string;
  readonly values: readonly unknown[];
}

/**
 * Several statements as one simple-protocol message, which PostgreSQL runs as a
 * single transaction: one round trip, and all of them or none. Each value is
 * inlined as a quoted literal of no declared type, as an untyped parameter would
 * be sent, so the server reads it as whatever type its place calls for. Only for
 * the SQL of this module and the projections, which has no `$n` in quotes.
 */
export function oneMessage(statements: readonly Statement[]): string {
  return statements
    .map(({ text, values }) => text.replace(/\$(\d+)/g, (_, n: string) => literal(values[Number(n) - 1])))
    .join(';\n');
}

function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (value instanceof Date) return quote(value.toISOString());
  if (Array.isArray(value)) return quote(`{${value.map(arrayElement).join(',')}}`);
  if (typeof value === 'object') return quote(JSON.stringify(value));
  return quote(String(value));
}

/** What pg's escapeLiteral gives, by whole-string replaces: its loop per character is slow on a batch's JSON. */
function quote(text: string): string {
  const quoted = `'${text.replace(/'/g, "''")}'`;
  return text.includes('\\') ? ` E${quoted.replace(/\\/g, '\\\\')}` : quoted;
}

function arrayElement(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  return `"${String(value).replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
