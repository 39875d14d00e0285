import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
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
  options: { newerBy?: string; created?: (row: object) => boolean } = {},
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]);
  const updates = columns.filter((c) => !keys.includes(c)).map((c) => `${c} = excluded.${c}`);
  const guard = options.newerBy ? ` WHERE ${table}.${options.newerBy} < excluded.${options.newerBy}` : '';
  const onConflict = `ON CONFLICT (${keys.join(', ')}) DO ${updates.length ? `UPDATE SET ${updates.join(', ')}${guard}` : 'NOTHING'}`;
  if (bulkClients.has(tx)) {
    const client = tx as PoolClient;
    let rest = rows;
    if (options.created) {
      // A rebuild's copy holds only what the replay wrote, in log order: a row created by this batch is not in it yet.
      const created = rows.filter(options.created);
      rest = rows.filter((row) => !options.created!(row));
      if (created.length > 0) await copyRows(client, table, columns, created);
    }
    if (rest.length >= BULK_ROWS) return copyUpsert(client, table, columns, rest, onConflict);
    rows = rest;
    if (rows.length === 0) return;
  }
  await tx.query(
    prepared(
      `INSERT INTO ${table} (${columns.join(', ')})
       SELECT ${columns.join(', ')} FROM json_populate_recordset(NULL::${table}, $1::json)
       ${onConflict}`,
      [JSON.stringify(rows)],
    ),
  );
}

/** Below this many rows a bulk connection still sends json: one round trip, where COPY takes two. */
const BULK_ROWS = 100;
/** Each bulk connection's staging tables, created on its first large batch for a table. */
const bulkClients = new WeakMap<Queryable, Set<string>>();

/**
 * Lets upsertRows take large batches on this connection by COPY (a rebuild's,
 * which writes tens of thousands of rows). Rows the caller says its batch
 * created go straight into the table; the others into a staging table of the
 * session, then into the table by the same INSERT … ON CONFLICT as the json
 * path, so the result is the same. PostgreSQL parses COPY's text at under half
 * the CPU of json_populate_recordset. Only for a connection in autocommit whose
 * staging tables are dropped (DISCARD TEMP) or whose session ends with its work.
 * Returns the function that turns it off, to call before the connection is
 * released: the pool lends the same client object out again.
 */
export function enableBulkWrites(client: PoolClient): () => void {
  bulkClients.set(client, new Set());
  // Before the connection goes back to the pool: whoever borrows it next writes as json.
  return () => bulkClients.delete(client);
}

async function copyUpsert(client: PoolClient, table: string, columns: readonly string[], rows: readonly object[], onConflict: string): Promise<void> {
  const stage = `${table}__stage`;
  const staged = bulkClients.get(client)!;
  if (!staged.has(stage)) {
    // Column types only: no constraints or defaults, so an omitted NOT NULL column with a default stays possible.
    // Made anew for each bulk session: one left by an earlier session may have another table's shape.
    await client.query(`DROP TABLE IF EXISTS pg_temp.${stage}; CREATE TEMP TABLE ${stage} AS SELECT * FROM ${table} WITH NO DATA`);
    staged.add(stage);
  }
  await copyRows(client, stage, columns, rows);
  // One message, so one transaction: the rows land and the stage empties together.
  await client.query(`INSERT INTO ${table} (${columns.join(', ')}) SELECT ${columns.join(', ')} FROM ${stage} ${onConflict}; TRUNCATE ${stage}`);
}

async function copyRows(client: PoolClient, table: string, columns: readonly string[], rows: readonly object[]): Promise<void> {
  const text = copyText(rows, columns);
  await pipeline(Readable.from([text]), client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`)));
}

/**
 * Rows in COPY's text format. A value is written as json_populate_recordset would
 * read it from JSON.stringify: an object or array as JSON (for json and jsonb
 * columns; no column of these tables is a PostgreSQL array), a Date as ISO 8601,
 * anything else as its string.
 */
export function copyText(rows: readonly object[], columns: readonly string[]): string {
  let text = '';
  for (const row of rows) {
    const record = row as Record<string, unknown>;
    for (let i = 0; i < columns.length; i++) {
      if (i > 0) text += '\t';
      text += copyField(record[columns[i]]);
    }
    text += '\n';
  }
  return text;
}

const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_SPECIALS = /[\\\t\n\r]/g;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function copyField(value: unknown): string {
  let text: string;
  switch (typeof value) {
    case 'string':
      text = value;
      break;
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value);
    case 'undefined':
      return '\\N';
    default:
      if (value === null) return '\\N';
      text = value instanceof Date ? value.toISOString() : JSON.stringify(value);
  }
  return COPY_SPECIAL.test(text) ? text.replace(COPY_SPECIALS, (c) => COPY_ESCAPES[c]) : text;
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
