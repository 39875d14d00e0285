import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../database/database.module.js';
import { runCli } from './cli-app.js';

/** npm run migrate: applies the pending migrations (the app also does at start-up) and lists them. */
await runCli('migrate', async ({ config, say }) => {
  const dataSource = new DataSource({ ...dataSourceOptions(config), migrationsRun: false, logging: false });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    for (const migration of applied) say(`applied ${migration.name}`);
    say(applied.length === 0 ? 'The database schema is up to date' : `${applied.length} migration(s) applied`);
  } finally {
    await dataSource.destroy();
  }
});
