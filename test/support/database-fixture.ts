import { DataSource } from 'typeorm';
import { Database } from '../../src/database/database.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface DatabaseFixture {
  readonly testDatabase: TestDatabase;
  readonly dataSource: DataSource;
  readonly db: Database;
  close(): Promise<void>;
}

/** A migrated database of the test file's own, with the same raw-SQL access the app uses. */
export async function openDatabaseFixture(poolSize = 60): Promise<DatabaseFixture> {
  const testDatabase = await createTestDatabase();
  const dataSource = new DataSource({ type: 'postgres', url: testDatabase.url, poolSize, logging: false });
  await dataSource.initialize();
  return {
    testDatabase,
    dataSource,
    db: new Database(dataSource),
    async close() {
      await dataSource.destroy();
      await testDatabase.drop();
    },
  };
}
