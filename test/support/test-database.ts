import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../src/database/migrations/index.js';

const TEST_NAME = /(^|_)test(_|$)/;

export function assertTestDatabaseName(name: string): void {
  if (!TEST_NAME.test(name)) {
    throw new Error(`Refusing to touch database "${name}": its name does not mark it as a test database`);
  }
}

function adminUrl(): URL {
  const raw = process.env.TEST_DATABASE_URL;
  if (!raw) throw new Error('TEST_DATABASE_URL is not set: run the suite through jest, whose global setup provides it');
  const url = new URL(raw);
  assertTestDatabaseName(url.pathname.slice(1));
  return url;
}

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own for one test file; dropped afterwards. */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const admin = adminUrl();
  const name = `pizzeria_test_w${process.env.JEST_WORKER_ID ?? '0'}_${randomBytes(4).toString('hex')}`;
  assertTestDatabaseName(name);
  await withAdmin(admin, (client) => client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`));
  const url = new URL(admin);
  url.pathname = `/${name}`;
  if (options.migrate !== false) {
    const dataSource = new DataSource({ type: 'postgres', url: url.toString(), migrations: MIGRATIONS, logging: false });
    await dataSource.initialize();
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await dataSource.destroy();
    }
  }
  return {
    name,
    url: url.toString(),
    drop: () =>
      withAdmin(admin, (client) => client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`)).then(
        () => undefined,
      ),
  };
}

async function withAdmin<T>(admin: URL, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
