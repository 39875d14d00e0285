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

/** The real AppModule on a fresh database of its own (migrations run by the app at start-up). */
export async function startTestApp(
  overrides: Partial<AppConfig> = {},
  options: { logDestination?: DestinationStream } = {},
): Promise<TestApp> {
  const database = await createTestDatabase({ migrate: false });
  const config = AppConfig.fromEnv({ NODE_ENV: 'test', STAFF_API_TOKEN: STAFF_TOKEN }).with({
    databaseUrl: database.url,
    // Suites fire many writes from one address; the limit has its own test.
    writeRateLimitPerMinute: 0,
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

export const MARGHERITA_ORDER = {
  customer: { name: 'Ana', phone: '+34 600 111 222', address: 'Calle Mayor 1, Madrid' },
  items: [{ pizzaId: 'margherita', size: 'large', quantity: 2, toppings: ['extra-cheese'] }],
};
