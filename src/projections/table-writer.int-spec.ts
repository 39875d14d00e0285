import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { openDatabaseFixture, type DatabaseFixture } from '../../test/support/database-fixture.js';
import { BulkTableWriter } from './bulk-table-writer.js';
import { TableWriter } from './table-writer.js';

/** Every column type the read models use, a NOT NULL column with a default, and a version to guard by. */
const TABLE = `(
  id          uuid PRIMARY KEY,
  name        text        NOT NULL,
  note        text,
  doc         jsonb       NOT NULL,
  list        jsonb,
  count       integer     NOT NULL,
  total       bigint      NOT NULL,
  at          timestamptz NOT NULL,
  day         date        NOT NULL,
  flag        boolean     NOT NULL,
  defaulted   integer     NOT NULL DEFAULT 7,
  version     integer     NOT NULL
)`;

/** Text COPY's format gives a meaning to, next to text json and jsonb must keep as it is. */
const AWKWARD = ['tab\there', 'line\nbreak', 'carriage\rreturn', 'back\\slash', '\\N', '\\\\N', 'quote\'s "double"', 'ñandú 🍕', '', ' '];

function row(i: number, version = 1) {
  const awkward = AWKWARD[i % AWKWARD.length];
  return {
    id: randomUUID(),
    name: `${awkward} ${i}`,
    note: i % 3 === 0 ? null : awkward,
    doc: { text: awkward, nested: { n: i, list: [awkward, null, true, 1.5] } },
    list: i % 4 === 0 ? null : [awkward, i],
    count: i,
    total: 2 ** 40 + i,
    at: i % 2 ? new Date(Date.UTC(2026, 10, 30, 12, 0, 0, i % 1000)) : '2026-11-30T12:34:56.789Z',
    day: '2026-11-30',
    flag: i % 2 === 0,
    version,
  };
}

type Row = ReturnType<typeof row>;

describe('table rows on PostgreSQL: the json path and the bulk (COPY) path write the same', () => {
  let fixture: DatabaseFixture;
  let bulk: PoolClient;
  let writes: BulkTableWriter;

  beforeAll(async () => {
    fixture = await openDatabaseFixture();
    bulk = await fixture.db.pool.connect();
    writes = new BulkTableWriter(bulk);
  });

  afterAll(async () => {
    bulk.release(true);
    await fixture.close();
  });

  /** Tables of each test's own: a bulk connection keeps a staging table per table name for its session. */
  async function fresh(...names: string[]): Promise<void> {
    for (const name of names) await fixture.db.query(`CREATE TABLE ${name} ${TABLE}`);
  }

  async function contents(table: string): Promise<unknown[]> {
    const rows = await fixture.db.query<{ row: unknown }>(`SELECT to_jsonb(t) AS row FROM ${table} t ORDER BY id`);
    return rows.map((r) => r.row);
  }

  async function stageRows(table: string): Promise<number | null> {
    const [{ stage }] = (await bulk.query(`SELECT to_regclass($1) AS stage`, [`pg_temp.${table}__stage`])).rows;
    if (stage === null) return null;
    return Number((await bulk.query(`SELECT count(*) AS n FROM pg_temp.${table}__stage`)).rows[0].n);
  }

  it('writes a large batch through a staging table into the same rows, values and defaults as json', async () => {
    await fresh('rows_json_1', 'rows_bulk_1');
    const rows = Array.from({ length: 250 }, (_, i) => row(i));
    await new TableWriter(fixture.db.pool).upsertRows('rows_json_1', ['id'], rows);
    await writes.upsertRows('rows_bulk_1', ['id'], rows);
    await writes.flush();

    expect(await stageRows('rows_bulk_1')).toBe(0); // used, and emptied with the write
    const written = await contents('rows_bulk_1');
    expect(written).toHaveLength(250);
    expect(written).toEqual(await contents('rows_json_1'));
    expect(written[0]).toMatchObject({ defaulted: 7 });
    const names = (await fixture.db.query<{ name: string }>('SELECT name FROM rows_bulk_1')).map((r) => r.name).sort();
    expect(names).toEqual(rows.map((r) => r.name).sort());
  });

  it('replaces rows only by newer ones in bulk, as the json path does', async () => {
    await fresh('rows_json_2', 'rows_bulk_2');
    const first = Array.from({ length: 150 }, (_, i) => row(i, 2));
    for (const table of ['rows_json_2', 'rows_bulk_2']) await new TableWriter(fixture.db.pool).upsertRows(table, ['id'], first);
    // Half older (version 1: kept out), half newer (version 3: let in).
    const second = first.map((r, i) => ({ ...r, name: `changed ${i}\t`, version: i % 2 ? 1 : 3 }));
    await new TableWriter(fixture.db.pool).upsertRows('rows_json_2', ['id'], second, { newerBy: 'version' });
    await writes.upsertRows('rows_bulk_2', ['id'], second, { newerBy: 'version' });
    await writes.flush();

    const written = (await contents('rows_bulk_2')) as Row[];
    expect(written).toEqual(await contents('rows_json_2'));
    expect(written.filter((r) => r.version === 3)).toHaveLength(75);
    expect(written.filter((r) => r.version === 2)).toHaveLength(75);
    expect(written.filter((r) => r.name.startsWith('changed'))).toHaveLength(75);
  });

  it('copies the rows a batch created straight in, and upserts the others, small batches by json', async () => {
    await fresh('rows_json_3', 'rows_bulk_3');
    const existing = Array.from({ length: 30 }, (_, i) => row(i, 1));
    for (const table of ['rows_json_3', 'rows_bulk_3']) await new TableWriter(fixture.db.pool).upsertRows(table, ['id'], existing);
    const created = Array.from({ length: 40 }, (_, i) => row(100 + i, 1));
    const batch = [...existing.map((r) => ({ ...r, note: 'moved on', version: 2 })), ...created];
    const isNew = new Set(created.map((r) => r.id));
    await new TableWriter(fixture.db.pool).upsertRows('rows_json_3', ['id'], batch, {
      newerBy: 'version',
      created: (r) => isNew.has((r as Row).id),
    });
    await writes.upsertRows('rows_bulk_3', ['id'], batch, { newerBy: 'version', created: (r) => isNew.has((r as Row).id) });
    await writes.flush();

    expect(await contents('rows_bulk_3')).toEqual(await contents('rows_json_3'));
    expect(await contents('rows_bulk_3')).toHaveLength(70);
    expect(await stageRows('rows_bulk_3')).toBeNull(); // 30 updates: under the bulk threshold, sent as json
  });

  it('refuses, rather than overwrites, a row said to be created that is already there, on a bulk connection only', async () => {
    await fresh('rows_json_4', 'rows_bulk_4');
    const there = row(1, 5);
    for (const table of ['rows_json_4', 'rows_bulk_4']) await new TableWriter(fixture.db.pool).upsertRows(table, ['id'], [there]);
    const again = { ...there, version: 1 };
    // Off a rebuild (a batch delivered again), the guard keeps the newer row.
    await new TableWriter(fixture.db.pool).upsertRows('rows_json_4', ['id'], [again], { newerBy: 'version', created: () => true });
    expect(await contents('rows_json_4')).toEqual([expect.objectContaining({ version: 5 })]);
    // In a rebuild's copy it cannot be there: COPY says so.
    await writes.upsertRows('rows_bulk_4', ['id'], [again], { newerBy: 'version', created: () => true });
    await expect(writes.flush()).rejects.toMatchObject({ code: '23505' });
    expect(await contents('rows_bulk_4')).toEqual([expect.objectContaining({ version: 5 })]);
  });

  it('writes as json again once bulk writes are turned off, as before a connection goes back to the pool', async () => {
    await fresh('rows_json_5', 'rows_bulk_5');
    const client = await fixture.db.pool.connect();
    try {
      const session = new BulkTableWriter(client);
      const rows = Array.from({ length: 150 }, (_, i) => row(i));
      await session.upsertRows('rows_bulk_5', ['id'], rows.slice(0, 120));
      await session.flush();
      const staged = async () => (await client.query(`SELECT to_regclass('pg_temp.rows_bulk_5__stage') AS stage`)).rows[0].stage;
      expect(await staged()).not.toBeNull();
      await client.query('DISCARD TEMP');
      // The staging table is gone with DISCARD TEMP; a bulk writer would look for it and fail: a plain one writes json.
      await new TableWriter(client).upsertRows(
        'rows_bulk_5',
        ['id'],
        rows.map((r) => ({ ...r, version: 2 })),
        { newerBy: 'version' },
      );
      expect(await staged()).toBeNull();
      await new TableWriter(fixture.db.pool).upsertRows(
        'rows_json_5',
        ['id'],
        rows.map((r) => ({ ...r, version: 2 })),
      );
      expect(await contents('rows_bulk_5')).toEqual(await contents('rows_json_5'));
    } finally {
      client.release(true);
    }
  });

  it('sends writes without waiting, reads the rows the last pages wrote from them, and the rest after the writes land', async () => {
    await fresh('rows_bulk_6');
    const client = await fixture.db.pool.connect();
    const sent: string[] = [];
    const query = client.query.bind(client);
    (client as unknown as { query: typeof client.query }).query = ((config: unknown, ...rest: unknown[]) => {
      const text = typeof config === 'string' ? config : (config as { text: string }).text;
      sent.push(text.trim().split(/\s+/)[0]);
      return (query as (...args: unknown[]) => unknown)(config, ...rest);
    }) as typeof client.query;
    try {
      const session = new BulkTableWriter(client);
      const older = Array.from({ length: 120 }, (_, i) => row(i));
      await session.upsertRows('rows_bulk_6', ['id'], older);
      await session.pageDone();
      await session.pageDone(); // two pages on: no longer remembered, so read from the table
      const recent = Array.from({ length: 150 }, (_, i) => row(1000 + i));
      await session.upsertRows('rows_bulk_6', ['id'], recent);
      await session.deleteRows('rows_bulk_6', 'id', [recent[0].id, older[0].id]);
      sent.length = 0;

      // Remembered: no statement at all, and a deleted row is gone.
      const fromMemory = await session.loadRows<Row>('rows_bulk_6', 'id', [recent[1].id, recent[2].id, recent[0].id]);
      expect(sent).toEqual([]);
      expect([...fromMemory.keys()].sort()).toEqual([recent[1].id, recent[2].id].sort());
      expect(fromMemory.get(recent[1].id)).toMatchObject({ name: recent[1].name, version: 1 });

      // Not remembered: read from the table, behind the writes still in flight, which it therefore sees.
      const mixed = await session.loadRows<Row>('rows_bulk_6', 'id', [older[1].id, older[0].id, recent[3].id]);
      expect(sent).toEqual(['SELECT']);
      expect([...mixed.keys()].sort()).toEqual([older[1].id, recent[3].id].sort());
      expect(mixed.get(older[1].id)).toMatchObject({ name: older[1].name, count: 1 });

      await session.flush();
      expect(await contents('rows_bulk_6')).toHaveLength(120 + 150 - 2);
    } finally {
      client.release(true);
    }
  });
});
