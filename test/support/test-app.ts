import type { INestApplication } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import request from 'supertest';
import { createApp } from '../../src/bootstrap.js';
import { AppConfig } from '../../src/config/app-config.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export const STAFF_TOKEN = 'test-staff-token-0123456789';

export interface TestApp {
  readonly app: INestApplication;
  readonly database: TestDatabase;
  readonly config: AppConfig;
  /** supertest against the running app */
  http(): ReturnType<typeof request>;
  staff: { Authorization: string };
  close(): Promise<void>;
}

/**
 * The real AppModule on a fresh database of its own (migrations run by the app at start-up),
 * or on the one given. Under TEST_WITH_REPLICA=1 (npm run test:replica) the suite's server is a
 * primary with a hot standby (see global-setup.ts), and the app reads from the standby's copy
 * of its database, as DATABASE_REPLICA_URLS would have it.
 */
export async function startTestApp(
  overrides: Partial<AppConfig> = {},
  options: { logDestination?: DestinationStream; database?: TestDatabase } = {},
): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase({ migrate: false }));
  const config = AppConfig.fromEnv({ NODE_ENV: 'test', STAFF_API_TOKEN: STAFF_TOKEN }).with({
    databaseUrl: database.url,
    // Suites fire many writes from one address; the limit has its own test.
    writeRateLimitPerMinute: 0,
    ...suiteReplica(database.name),
    ...overrides,
  });
  const app = await createApp(config, { logger: false, logDestination: options.logDestination });
  await app.init();
  return {
    app,
    database,
    config,
    http: () => request(app.getHttpServer()),
    staff: { Authorization: `Bearer ${STAFF_TOKEN}` },
    async close() {
      await app.close();
      await database.drop();
    },
  };
}

/** The suite's standby copy of `database`, when the suite runs with one (TEST_REPLICA_URL, set by global setup). */
function suiteReplica(database: string): Partial<AppConfig> {
  const replica = process.env.TEST_REPLICA_URL;
  if (!replica) return {};
  const url = new URL(replica);
  url.pathname = `/${database}`;
  // Checked often, so a database created a moment ago on the primary joins the rotation soon after start-up.
  return { databaseReplicaUrls: [url.toString()], replicaCheckMs: 200 };
}

export const MARGHERITA_ORDER = {
  customer: { name: 'Ana', phone: '+34 600 111 222', address: 'Calle Mayor 1, Madrid' },
  items: [{ pizzaId: 'margherita', size: 'large', quantity: 2, toppings: ['extra-cheese'] }],
};
