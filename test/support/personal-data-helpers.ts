import { execFile } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { Database } from '../../src/database/database.js';
import { PersonalData } from '../../src/personal-data/personal-data.js';
import { waitUntil } from './projection-helpers.js';
import { command, place, type Written } from './read-helpers.js';
import { PG_BIN, startPostgres } from './replicated-postgres.js';
import type { TestApp } from './test-app.js';

const run = promisify(execFile);

const customerDigitsTaken = new Set<string>();

/** A customer of their own per test, with words found nowhere else, so a dump can be searched for them. */
export function uniqueCustomer(tag: string) {
  // Eight random digits, never one a test in this process had (several customers are made in the
  // same millisecond, so no clock in it); no 0: trailing digits that start with 0 read as a national number.
  let n: string;
  do n = Array.from({ length: 8 }, () => randomInt(1, 10)).join('');
  while (customerDigitsTaken.has(n));
  customerDigitsTaken.add(n);
  const digits = `6${n.slice(-8)}`;
  return {
    name: `Zoë Ñandú-${tag}${n}`,
    typedPhone: `+34 ${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`,
    phone: `+34${digits}`,
    digits: `34${digits}`,
    address: `Calle del Olvido ${n}, Madrid`,
    notes: `Ring twice and ask for "${tag}-${n}"`,
  };
}

export type Customer = ReturnType<typeof uniqueCustomer>;

export function orderFor(customer: Customer, extra: Record<string, unknown> = {}) {
  return {
    customer: { name: customer.name, phone: customer.typedPhone, address: customer.address },
    items: [{ pizzaId: 'margherita', size: 'large', quantity: 2, toppings: ['extra-cheese'] }],
    notes: customer.notes,
    ...extra,
  };
}

/** Every form the app could have written a customer's data in: plain, JSON-escaped (\uXXXX too), base64, hex, and their blind index. */
export function encodingsOf(t: TestApp, customer: Customer): Array<[string, string]> {
  const values = [customer.name, customer.typedPhone, customer.phone, customer.digits, customer.address, customer.notes];
  const forms: Array<[string, string]> = [];
  for (const value of values) {
    forms.push([`plain ${value}`, value]);
    forms.push([`JSON ${value}`, JSON.stringify(value).slice(1, -1)]);
    forms.push([
      `JSON ASCII ${value}`,
      JSON.stringify(value)
        .slice(1, -1)
        .replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    ]);
    forms.push([`base64 ${value}`, Buffer.from(value).toString('base64').replace(/=+$/, '')]);
    forms.push([`hex ${value}`, Buffer.from(value).toString('hex')]);
  }
  const index = t.app.get(PersonalData).customerIndex(customer.phone).toString('hex');
  forms.push(['blind index', index]);
  return forms;
}

const PG_DUMP = existsSync(join(PG_BIN, 'pg_dump')) ? join(PG_BIN, 'pg_dump') : 'pg_dump';

/** pg_dump of the app's whole database, schema and data: what a backup would hold. */
export async function dumpDatabase(t: TestApp): Promise<string> {
  const { stdout } = await run(PG_DUMP, ['--no-owner', '--dbname', t.config.databaseUrl!], { maxBuffer: 512 * 1024 * 1024 });
  return stdout;
}

async function serverMajor(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>('SHOW server_version_num');
    return Math.floor(Number(rows[0].v) / 10_000);
  } finally {
    await client.end();
  }
}

/**
 * A database pg_dump can dump. pg_dump refuses a server newer than itself:
 * when the suite's server (the embedded PostgreSQL 18) is, the dump test runs
 * its app on a PostgreSQL 15 server of its own, started from the same Debian
 * binaries as pg_dump (or on PII_DUMP_DATABASE_URL's server, when set), in a
 * database of its own. undefined: the suite's own database will do.
 */
export async function dumpableDatabase(): Promise<{ url: string; drop: () => Promise<void> } | undefined> {
  const { stdout } = await run(PG_DUMP, ['--version']);
  const dumpMajor = Number(/(\d+)\./.exec(stdout)?.[1] ?? 0);
  if ((await serverMajor(process.env.TEST_DATABASE_URL!)) <= dumpMajor) return undefined;
  const own = process.env.PII_DUMP_DATABASE_URL ? undefined : await startPostgres();
  const admin = new URL(process.env.PII_DUMP_DATABASE_URL ?? own!.server.url('postgres'));
  try {
    if ((await serverMajor(admin.toString())) > dumpMajor) throw new Error(`No PostgreSQL server that ${PG_DUMP} (${dumpMajor}) can dump`);
    const name = `pizzeria_test_dump_${randomBytes(4).toString('hex')}`;
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(`CREATE DATABASE ${name}`);
    await client.end();
    const url = new URL(admin);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      drop: async () => {
        if (own) return own.destroy();
        const c = new pg.Client({ connectionString: admin.toString() });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  } catch (error) {
    await own?.destroy();
    throw error;
  }
}

/** Waits until every projection has applied the log up to a position. */
export async function projectionsAt(t: TestApp, position: number): Promise<void> {
  const db = t.app.get(Database);
  await waitUntil(
    async () => {
      const rows = await db.query<{ position: string }>('SELECT position FROM projection_checkpoints');
      return rows.length >= 3 && rows.every((row) => Number(row.position) >= position);
    },
    { what: `every projection reached position ${position}` },
  );
}

/** Three orders of one customer in different states (one confirmed on the kitchen board, one delivered, one cancelled pickup), one with an Idempotency-Key. */
export async function customerWithOrders(t: TestApp, customer: Customer): Promise<Written[]> {
  const onBoard = await place(t, orderFor(customer), { 'Idempotency-Key': `pii-${randomBytes(8).toString('hex')}` });
  await command(t, onBoard.orderId, 'confirm', { kitchenNotes: 'no basil' });
  const delivered = await place(t, orderFor(customer));
  for (const [step, body] of [
    ['confirm', {}],
    ['pay', { method: 'card' }],
    ['ready', {}],
    ['dispatch', { courier: 'Luis' }],
    ['deliver', {}],
  ] as const) {
    await command(t, delivered.orderId, step, body);
  }
  const cancelled = await place(t, orderFor(customer, { fulfilment: 'pickup', customer: { name: customer.name, phone: customer.phone } }));
  const last = await command(t, cancelled.orderId, 'cancel', { reason: 'changed my mind' });
  return [onBoard, delivered, { ...cancelled, position: last.position }];
}
