import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './bootstrap.js';
import { AppConfig, ConfigError } from './config/app-config.js';
import { EmbeddedPostgresServer } from './database/embedded-postgres.js';

async function main(): Promise<void> {
  const logger = new Logger('Pizzeria');
  let config: AppConfig;
  try {
    config = AppConfig.fromEnv();
  } catch (error) {
    if (error instanceof ConfigError) {
      logger.error(error.message);
      process.exit(1);
    }
    throw error;
  }

  let embedded: EmbeddedPostgresServer | undefined;
  if (!config.databaseUrl) {
    embedded = await EmbeddedPostgresServer.start({
      dataDir: config.embeddedPgDir,
      preferredPort: config.embeddedPgPort,
      log: (line) => logger.log(line),
    });
    await embedded.ensureDatabase('pizzeria');
    config = config.with({ databaseUrl: embedded.url('pizzeria') });
  }

  // The embedded server is stopped on exit by embedded-postgres' own exit hook.
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  logger.log(`Pizzeria listening on http://localhost:${config.port}`);
  if (config.staffTokenGenerated) {
    logger.warn(`No STAFF_API_TOKEN set: generated one for this run: ${config.staffApiToken}`);
  }
}

main().catch((error: unknown) => {
  new Logger('Pizzeria').error(error instanceof Error ? error.stack ?? error.message : String(error));
  process.exit(1);
});
