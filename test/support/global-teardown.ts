import type { EmbeddedPostgresServer } from '../../src/database/embedded-postgres.js';
import type { ReplicatedPostgres } from './replicated-postgres.js';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __EMBEDDED_PG__?: EmbeddedPostgresServer }).__EMBEDDED_PG__?.stop();
  await (globalThis as { __REPLICATED_PG__?: ReplicatedPostgres }).__REPLICATED_PG__?.destroy();
}
