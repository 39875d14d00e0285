import pg from 'pg';
import type { DataSource, Migration } from 'typeorm';
import { poolOf } from './database.js';

const LOCK = 'pizzeria:migrations';

/**
 * Runs the pending migrations while holding a PostgreSQL advisory lock, so that
 * instances starting together take turns: TypeORM takes no lock of its own, and
 * two runs at once both try to create the same tables, and one instance dies.
 * The lock lives on a connection of its own, outside the pool the migrations
 * use (which may have a single connection), and goes with it.
 */
export async function runMigrationsExclusively(dataSource: DataSource): Promise<Migration[]> {
  const pool = poolOf(dataSource);
  const client = new pg.Client({ ...pool.options, application_name: 'pizzeria-migrations' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    // Another instance's migrations may take longer than the app's usual lock bound; not for ever, though.
    await client.query(`SET lock_timeout = 0`);
    await client.query(`SET statement_timeout = '10min'`);
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [LOCK]);
    return await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await client.end().catch(() => undefined);
  }
}
