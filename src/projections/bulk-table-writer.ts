import type { PoolClient } from 'pg';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { prepared } from '../database/database.js';
import { jsonUpsert, onConflict, TableWriter, type UpsertOptions } from './table-writer.js';

/** Below this many rows a bulk connection still sends json: one round trip, where COPY takes two. */
const BULK_ROWS = 100;

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
export class BulkTableWriter extends TableWriter {
  private readonly session = new BulkSession();

  constructor(private readonly client: PoolClient) {
    super(client);
  }

  /** After each page: waits for the writes of the page before it, and throws the first write that failed. */
  pageDone(): Promise<void> {
    return this.session.pageDone();
  }

  /** Waits for every write sent, and throws the first that failed. */
  flush(): Promise<void> {
    return this.session.flush();
  }

  override async loadRows<R extends object>(table: string, key: string, ids: readonly string[]): Promise<Map<string, R>> {
    if (ids.length === 0) return new Map();
    // Rows this session wrote lately are taken as written: a read from the table would wait behind those writes.
    const found = new Map<string, R>();
    const unknown: string[] = [];
    for (const id of ids) {
      const recalled = this.session.recall(table, key, id);
      if (recalled === undefined) unknown.push(id);
      else if (recalled !== null) found.set(id, { ...recalled } as R);
    }
    if (unknown.length === 0) return found;
    for (const [id, row] of await super.loadRows<R>(table, key, unknown)) found.set(id, row);
    return found;
  }

  override async upsertRows(table: string, keys: readonly string[], rows: readonly object[], options: UpsertOptions = {}): Promise<void> {
    if (rows.length === 0) return;
    const columns = Object.keys(rows[0]);
    const conflict = onConflict(table, columns, keys, options);
    // Sent, not awaited: the session keeps the writes and remembers the rows.
    const sent: Array<Promise<unknown>> = [];
    let rest = rows;
    if (options.created) {
      // A rebuild's copy holds only what the replay wrote, in log order: a row created by this batch is not in it yet.
      const created = rows.filter(options.created);
      rest = rows.filter((row) => !options.created!(row));
      if (created.length > 0) sent.push(copyRows(this.client, table, columns, created));
    }
    if (rest.length >= BULK_ROWS) sent.push(...copyUpsert(this.client, this.session, table, columns, rest, conflict));
    else if (rest.length > 0) sent.push(this.client.query(jsonUpsert(table, columns, rest, conflict)));
    this.session.sent(sent);
    if (keys.length === 1) this.session.remember(table, keys[0], rows);
  }

  override async deleteRows(table: string, key: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    this.session.sent([this.client.query(prepared(`DELETE FROM ${table} WHERE ${key} = ANY($1)`, [ids]))]);
    this.session.forget(table, key, ids);
  }
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
  sent.push(
    client.query(
      `INSERT INTO ${table} (${columns.join(', ')}) SELECT ${columns.join(', ')} FROM ${stage} ${onConflict}; TRUNCATE ${stage}`,
    ),
  );
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
