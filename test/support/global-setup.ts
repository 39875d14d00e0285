import { resolve } from 'node:path';
import { tsImport } from 'tsx/esm/api';
import type { EmbeddedPostgresServer as Server } from '../../src/database/embedded-postgres.js';
import type { ReplicatedPostgres, startReplicatedPostgres as StartReplicated } from './replicated-postgres.js';

/**
 * Without TEST_DATABASE_URL the suite brings its own PostgreSQL: an embedded
 * server under .data/, with a database whose name marks it as a test one.
 * With TEST_WITH_REPLICA=1 (npm run test:replica) it is a primary and a hot
 * standby of it instead (PostgreSQL 15 from /usr/lib/postgresql/15/bin), and
 * every startTestApp reads from the standby (TEST_REPLICA_URL).
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_WITH_REPLICA === '1') return startReplicatedSuite();
  if (process.env.TEST_DATABASE_URL) return;
  // Jest loads global setup with Node's own loader, outside its transform and module
  // mapper, so the TypeScript source is imported through tsx.
  const { EmbeddedPostgresServer } = (await tsImport('../../src/database/embedded-postgres.ts', import.meta.url)) as {
    EmbeddedPostgresServer: typeof Server;
  };
  const server = await EmbeddedPostgresServer.start({
    dataDir: resolve(process.cwd(), '.data/test-postgres'),
    preferredPort: 54339,
    ephemeralDurability: true,
  });
  await server.ensureDatabase('pizzeria_test');
  process.env.TEST_DATABASE_URL = server.url('pizzeria_test');
  (globalThis as { __EMBEDDED_PG__?: Server }).__EMBEDDED_PG__ = server;
}

async function startReplicatedSuite(): Promise<void> {
  const { startReplicatedPostgres } = (await tsImport('./replicated-postgres.ts', import.meta.url)) as {
    startReplicatedPostgres: typeof StartReplicated;
  };
  const pair = await startReplicatedPostgres();
  (globalThis as { __REPLICATED_PG__?: ReplicatedPostgres }).__REPLICATED_PG__ = pair;
  await pair.createDatabase('pizzeria_test');
  process.env.TEST_DATABASE_URL = pair.primary.url('pizzeria_test');
  process.env.TEST_REPLICA_URL = pair.replica.url('pizzeria_test');
}
