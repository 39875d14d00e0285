import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApp } from './bootstrap.js';
import { ConfigError } from './config/app-config.js';
import { loadConfig } from './config/load-config.js';
import type { EmbeddedPostgresServer } from './database/embedded-postgres.js';
import { resolveDatabase } from './database/resolve-database.js';
import { createRootLogger } from './ops/logging/logging.js';
import { shutDownGracefully } from './ops/shutdown/graceful-shutdown.js';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

interface Running {
  logger: Logger;
  shutdownTimeoutMs: number;
  embedded?: EmbeddedPostgresServer;
  app?: INestApplication;
  /** Set when a signal arrives before start-up has finished; start-up then stops instead of listening. */
  stopRequested?: string;
  stopping?: Promise<void>;
}

async function main(): Promise<void> {
  let config;
  try {
    config = await loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const root = createRootLogger(config);
  const running: Running = { logger: root.child({ context: 'Pizzeria' }), shutdownTimeoutMs: config.shutdownTimeoutMs };
  handleSignals(running);

  try {
    const database = await resolveDatabase(config, (line) => running.logger.info({ context: 'EmbeddedPostgres' }, line));
    running.embedded = database.embedded;
    if (running.stopRequested) return stop(running, running.stopRequested);

    running.app = await createApp(database.config, { shutdownHooks: false, rootLogger: root });
    await running.app.listen(config.port, config.host);
  } catch (error) {
    // Without this the embedded server would outlive the failed start (exit hooks can't wait).
    if (running.embedded && !running.embedded.adopted) await running.embedded.stop().catch(() => undefined);
    throw error;
  }
  if (running.stopRequested) return stop(running, running.stopRequested);

  const { port } = running.app.getHttpServer().address() as AddressInfo;
  running.logger.info({ port }, `Pizzeria listening on http://localhost:${port}`);
  if (config.staffTokenGenerated) {
    running.logger.warn(`No STAFF_API_TOKEN set: generated one for this run: ${config.staffApiToken}`);
  }
}

/**
 * embedded-postgres installs an exit hook (async-exit-hook) that, on SIGINT or
 * SIGTERM, stops its servers and exits straight away, under the requests still
 * in flight. The app's own order has to be the only one, so its listeners go.
 * A second Ctrl-C (no listener left) ends the process at once.
 */
function handleSignals(running: Running): void {
  for (const signal of SIGNALS) {
    process.removeAllListeners(signal);
    process.once(signal, () => {
      if (running.app?.getHttpServer().listening) void stop(running, signal);
      else running.stopRequested ??= signal;
    });
  }
}

function stop(running: Running, reason: string): Promise<void> {
  running.stopping ??= (async () => {
    const { logger } = running;
    logger.info({ signal: reason }, `${reason} received: shutting down gracefully`);
    const deadline = setTimeout(() => {
      logger.fatal(`Shutdown did not finish within ${running.shutdownTimeoutMs + 15_000} ms: exiting`);
      logger.flush(() => process.exit(1));
    }, running.shutdownTimeoutMs + 15_000);
    deadline.unref();
    let code = 0;
    try {
      if (running.app) {
        const drained = await shutDownGracefully(running.app, { timeoutMs: running.shutdownTimeoutMs, embedded: running.embedded, logger });
        code = drained ? 0 : 1;
      } else if (running.embedded && !running.embedded.adopted) {
        await running.embedded.stop();
      }
      logger.info({ exitCode: code }, 'Stopped');
    } catch (error) {
      code = 1;
      logger.error({ err: error }, 'Shutdown failed');
    }
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
    process.exit(code);
  })();
  return running.stopping;
}

main().catch((error: unknown) => {
  process.stderr.write(`Pizzeria failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
