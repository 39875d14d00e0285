import type { AppConfig } from '../config/app-config.js';
import { EmbeddedPostgresServer } from './embedded-postgres.js';

export interface ResolvedDatabase {
  /** The config with `databaseUrl` set. */
  readonly config: AppConfig;
  /** The embedded server started for it, which the caller stops last; undefined with DATABASE_URL. */
  readonly embedded: EmbeddedPostgresServer | undefined;
}

/**
 * DATABASE_URL when it is set; otherwise the embedded PostgreSQL in
 * EMBEDDED_PG_DIR, started (or adopted) here. The server and the command-line
 * scripts share it, so a script sees the same database as `npm start`.
 */
export async function resolveDatabase(config: AppConfig, log: (line: string) => void): Promise<ResolvedDatabase> {
  if (config.databaseUrl) return { config, embedded: undefined };
  const embedded = await EmbeddedPostgresServer.start({
    dataDir: config.embeddedPgDir,
    preferredPort: config.embeddedPgPort,
    log,
  });
  await embedded.ensureDatabase('pizzeria');
  return { config: config.with({ databaseUrl: embedded.url('pizzeria') }), embedded };
}
