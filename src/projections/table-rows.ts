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
  const session = bulkSessions.get(tx);
  const found = new Map<string, R>();
  let missing = ids;
  if (session) {
    // Rows this session wrote lately are taken as written: a read from the table would wait behind those writes.
    const unknown: string[] = [];
    for (const id of ids) {
      const recalled = session.recall(table, key, id);
      if (recalled === undefined) unknown.push(id);
      else if (recalled !== null) found.set(id, { ...recalled } as R);
    }
    if (unknown.length === 0) return found;
    missing = unknown;
  }
  const { rows } = await tx.query(prepared(`SELECT * FROM ${table} WHERE ${key} = ANY($1)`, [missing]));
  for (const row of rows as R[]) found.set(String((row as Record<string, unknown>)[key]), row);
  return found;
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
  const session = bulkSessions.get(tx);
  if (session) {
    // Sent, not awaited: the session keeps the writes (see enableBulkWrites) and remembers the rows.
    const client = tx as PoolClient;
    const sent: Array<Promise<unknown>> = [];
    let rest = rows;
    if (options.created) {
      // A rebuild's copy holds only what the replay wrote, in log order: a row created by this batch is not in it yet.
      const created = rows.filter(options.created);
      rest = rows.filter((row) => !options.created!(row));
      if (created.length > 0) sent.push(copyRows(client, table, columns, created));
    }
    if (rest.length >= BULK_ROWS) sent.push(...copyUpsert(client, session, table, columns, rest, onConflict));
    else if (rest.length > 0) sent.push(client.query(jsonUpsert(table, columns, rest, onConflict)));
    session.sent(sent);
    if (keys.length === 1) session.remember(table, keys[0], rows);
    return;
  }
  await tx.query(jsonUpsert(table, columns, rows, onConflict));
}

function jsonUpsert(table: string, columns: readonly string[], rows: readonly object[], onConflict: string) {
  return prepared(
    `INSERT INTO ${table} (${columns.join(', ')})
     SELECT ${columns.join(', ')} FROM json_populate_recordset(NULL::${table}, $1::json)
     ${onConflict}`,
    [JSON.stringify(rows)],
  );
}

/** Below this many rows a bulk connection still sends json: one round trip, where COPY takes two. */
const BULK_ROWS = 100;
const bulkSessions = new WeakMap<Queryable, BulkSession>();

/** A page's rows as written, by table: under the one key column loadRows looks them up by, null once deleted. */
type Written = Map<string, { key: string; rows: Map<string, object | null> }>;

class BulkSession {
  readonly staged = new Set<string>();
  private current: Written = new Map();
  private previous: Written = new Map();
  private pendingCurrent: Array<Promise<unknown>> = [];
  private pendingPrevious: Array<Promise<unknown>> = [];
  private failure: { error: unknown } | undefined;

  sent(writes: Array<Promise<unknown>>): void {
    for (const write of writes) {
      // Heard at once, thrown by the next pageDone or flush.
      this.pendingCurrent.push(write.catch((error: unknown) => void (this.failure ??= { error })));
    }
  }

  /** Rows as upserted: a copy of each, as the write has them. */
  remember(table: string, key: string, rows: readonly object[]): void {
    const page = this.page(table, key);
    for (const row of rows) page.set(String((row as Record<string, unknown>)[key]), { ...row });
  }

  /** Rows deleted: known to be gone, with no read. */
  forget(table: string, key: string, ids: readonly string[]): void {
    const page = this.page(table, key);
    for (const id of ids) page.set(id, null);
  }

  private page(table: string, key: string): Map<string, object | null> {
    let page = this.current.get(table);
    if (!page || page.key !== key) this.current.set(table, (page = { key, rows: new Map() }));
    return page.rows;
  }

  /** The row as this or the previous page left it, null if they deleted it, undefined if they did not touch it. */
  recall(table: string, key: string, id: string): object | null | undefined {
    for (const page of [this.current.get(table), this.previous.get(table)]) {
      if (page?.key === key && page.rows.has(id)) return page.rows.get(id);
    }
    return undefined;
  }

  async pageDone(): Promise<void> {
    await Promise.all(this.pendingPrevious);
    this.throwIfFailed();
    this.pendingPrevious = this.pendingCurrent;
    this.pendingCurrent = [];
    this.previous = this.current;
    this.current = new Map();
  }

  async flush(): Promise<void> {
    await Promise.all([...this.pendingPrevious, ...this.pendingCurrent]);
    this.pendingPrevious = [];
    this.pendingCurrent = [];
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}

export interface BulkWrites {
  /** After each page: waits for the writes of the page before it, and throws the first write that failed. */
  pageDone(): Promise<void>;
  /** Waits for every write sent, and throws the first that failed. */
  flush(): Promise<void>;
  /** Before the connection goes back to the pool: whoever borrows it next writes as json, and waits. */
  disable(): void;
}

/**
 * Bulk writes on this connection, for a rebuild's first pass, which writes tens
 * of thousands of rows into private copies. upsertRows takes large batches by
 * COPY: rows the caller says its batch created straight into the table, the
 * others into a staging table of the session and from there by the same
 * INSERT … ON CONFLICT as the json path, so the result is the same (PostgreSQL
 * parses COPY's text at under half the CPU of json_populate_recordset).
 *
 * Writes are sent without waiting for them: the next page is read and evolved
 * while this one's land. A connection runs its statements in the order sent,
 * so a read on it sees every write sent before; and loadRows answers keys the
 * last two pages wrote from what they wrote, without waiting behind them.
 * pageDone keeps at most two pages of writes in flight. This holds only for
 * tables the projection writes through upsertRows and deleteRows alone, on a
 * connection in autocommit whose staging tables are dropped (DISCARD TEMP) or
 * whose session ends with its work.
 */
export function enableBulkWrites(client: PoolClient): BulkWrites {
  const session = new BulkSession();
  bulkSessions.set(client, session);
  return {
    pageDone: () => session.pageDone(),
    flush: () => session.flush(),
    disable: () => void bulkSessions.delete(client),
  };
}

/** The staged upsert's statements, sent in order without waiting between them. */
function copyUpsert(
  client: PoolClient,
  session: BulkSession,
  table: string,
  columns: readonly string[],
  rows: readonly object[],
  onConflict: string,
): Array<Promise<unknown>> {
  const stage = `${table}__stage`;
  const sent: Array<Promise<unknown>> = [];
  if (!session.staged.has(stage)) {
    // Column types only: no constraints or defaults, so an omitted NOT NULL column with a default stays possible.
    // Made anew for each bulk session: one left by an earlier session may have another table's shape.
    sent.push(client.query(`DROP TABLE IF EXISTS pg_temp.${stage}; CREATE TEMP TABLE ${stage} AS SELECT * FROM ${table} WITH NO DATA`));
    session.staged.add(stage);
  }
  sent.push(copyRows(client, stage, columns, rows));
  // One message, so one transaction: the rows land and the stage empties together.
  sent.push(client.query(`INSERT INTO ${table} (${columns.join(', ')}) SELECT ${columns.join(', ')} FROM ${stage} ${onConflict}; TRUNCATE ${stage}`));
  return sent;
}

/** Sends the COPY at once (the connection queues it in order), and resolves when it has landed. */
function copyRows(client: PoolClient, table: string, columns: readonly string[], rows: readonly object[]): Promise<void> {
  const copy = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  return pipeline(Readable.from([copyText(rows, columns)]), copy);
}

/**
 * Rows in COPY's text format. A value is written as json_populate_recordset would
 * read it from JSON.stringify: an object or array as JSON (for json and jsonb
 * columns; no column of these tables is a PostgreSQL array), a Date as ISO 8601,
 * anything else as its string.
 */
function copyText(rows: readonly object[], columns: readonly string[]): string {
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
  const session = bulkSessions.get(tx);
  const deleted = tx.query(prepared(`DELETE FROM ${table} WHERE ${key} = ANY($1)`, [ids]));
  if (!session) {
    await deleted;
    return;
  }
  session.sent([deleted]);
  session.forget(table, key, ids);
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
