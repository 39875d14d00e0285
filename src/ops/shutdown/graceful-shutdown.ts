import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { EmbeddedPostgresServer } from '../../database/embedded-postgres.js';
import { Drain } from './drain.js';

export interface ShutdownOptions {
  /** How long in-flight requests and commands get to finish. */
  timeoutMs: number;
  embedded?: EmbeddedPostgresServer;
  logger: Logger;
}

/**
 * The order that loses nothing: stop taking requests, let the ones in flight
 * (and their commands) finish, then close the app, in which the projections
 * finish their batch and stop and the pool is closed, and only then stop the
 * embedded PostgreSQL. Resolves true when everything in flight finished in time.
 */
export async function shutDownGracefully(app: INestApplication, options: ShutdownOptions): Promise<boolean> {
  const { logger } = options;
  const drain = app.get(Drain);
  const server = app.getHttpServer() as Server;

  drain.begin();
  server.close();
  server.closeIdleConnections();
  logger.info({ inFlight: drain.inFlight }, 'Shutting down: no new requests; waiting for those in flight');

  const drained = await drain.idle(options.timeoutMs);
  if (!drained) logger.warn({ inFlight: drain.inFlight }, `Requests still running after ${options.timeoutMs} ms: closing anyway`);
  // What is left are idle keep-alive connections and event streams.
  server.closeAllConnections();

  await app.close();
  logger.info('Application closed: projections stopped after their batch, database pool closed');
  if (options.embedded && !options.embedded.adopted) {
    await options.embedded.stop();
    logger.info('Embedded PostgreSQL stopped');
  }
  return drained;
}
