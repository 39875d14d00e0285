import request from 'supertest';
import { createApp } from '../../src/bootstrap.js';
import type { TestApp } from './test-app.js';

/**
 * A second instance of the app on the database of `t`, with its configuration:
 * what a load balancer would send to, or the app after a restart. Closing it
 * leaves the database to `t`.
 */
export async function startSibling(t: TestApp): Promise<TestApp> {
  const app = await createApp(t.config, { logger: false });
  await app.init();
  return { ...t, app, http: () => request(app.getHttpServer()), close: () => app.close() };
}
