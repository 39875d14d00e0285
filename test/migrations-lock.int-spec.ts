import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../src/database/migrations/index.js';
import { runMigrationsExclusively } from '../src/database/run-migrations.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

/**
 * Instances that start together on an empty database: without a lock their
 * migrations create the same tables at once and all but one die at start-up.
 */
describe('migrations run by several instances at once', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
  });

  afterAll(async () => {
    await database.drop();
  });

  it('take turns under an advisory lock: every migration is applied once, and every instance starts', async () => {
    const sources = Array.from(
      { length: 4 },
      () =>
        new DataSource({
          type: 'postgres',
          url: database.url,
          migrations: MIGRATIONS,
          migrationsTransactionMode: 'each',
          poolSize: 1,
          logging: false,
        }),
    );
    await Promise.all(sources.map((source) => source.initialize()));
    try {
      const results = await Promise.allSettled(sources.map((source) => runMigrationsExclusively(source)));
      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
      const applied = results.flatMap((result) => (result.status === 'fulfilled' ? result.value.map((m) => m.name) : []));
      expect(applied.sort()).toEqual(MIGRATIONS.map((m) => m.name).sort());
      const [row] = await sources[0].query(`SELECT count(*)::int AS count FROM migrations`);
      expect(row.count).toBe(MIGRATIONS.length);
      // The lock went with its connection.
      const locks = await sources[0].query(
        `SELECT count(*)::int AS count FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
      expect(locks[0].count).toBe(0);
    } finally {
      await Promise.all(sources.map((source) => source.destroy()));
    }
  });
});
