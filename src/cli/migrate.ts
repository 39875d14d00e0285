import { DataSource } from 'typeorm';
import { Database } from '../database/database.js';
import { dataSourceOptions } from '../database/database.module.js';
import { WebhookSecretStore } from '../webhooks/secrets/webhook-secret-store.js';
import { runCli } from './cli-app.js';

/**
 * npm run migrate: applies the pending migrations (the app also does at
 * start-up) and lists them; then encrypts any webhook secret still stored in
 * plaintext, as the app's start-up does, since no migration holds the key.
 */
await runCli('migrate', async ({ config, say }) => {
  const dataSource = new DataSource({ ...dataSourceOptions(config), migrationsRun: false, logging: false });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    for (const migration of applied) say(`applied ${migration.name}`);
    say(applied.length === 0 ? 'The database schema is up to date' : `${applied.length} migration(s) applied`);
    const sealed = await (await WebhookSecretStore.forConfig(config, new Database(dataSource))).sealPlaintext();
    if (sealed > 0) say(`encrypted ${sealed} webhook secret(s) stored in plaintext`);
  } finally {
    await dataSource.destroy();
  }
});
