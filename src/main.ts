import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { createApp } from './bootstrap.js';
import { ConfigError } from './config/app-config.js';
import { MasterKeyMismatch } from './personal-data/keyring.js';
import { loadConfig } from './config/load-config.js';
import { resolveDatabase } from './database/resolve-database.js';
import { createRootLogger } from './ops/logging/logging.js';
import { developmentManager } from './staff/development-manager.js';
import { stopOnSignals, stopProcess, type RunningProcess } from './ops/shutdown/process-stop.js';

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
  const running: RunningProcess = { logger: root.child({ context: 'Pizzeria' }), shutdownTimeoutMs: config.shutdownTimeoutMs };
  stopOnSignals(running);

  try {
    const database = await resolveDatabase(config, (line) => running.logger.info({ context: 'EmbeddedPostgres' }, line));
    running.embedded = database.embedded;
    if (running.stopRequested) return stopProcess(running, running.stopRequested);

    running.app = await createApp(database.config, { shutdownHooks: false, rootLogger: root });
    await running.app.listen(config.port, config.host);
  } catch (error) {
    // Without this the embedded server would outlive the failed start (exit hooks can't wait).
    if (running.embedded && !running.embedded.adopted) await running.embedded.stop().catch(() => undefined);
    throw error;
  }
  if (running.stopRequested) return stopProcess(running, running.stopRequested);

  const { port } = (running.app.getHttpServer() as Server).address() as AddressInfo;
  running.logger.info({ port }, `Pizzeria listening on http://localhost:${port}`);
  if (config.nodeEnv === 'development') {
    const manager = await developmentManager(running.app, dirname(config.embeddedPgDir));
    if (manager) {
      running.logger.warn(
        `Development sign-in for /kitchen and /dashboard: ${manager.login} / ${manager.password} (kept in ${manager.file})`,
      );
    }
  }
  if (config.staffTokenGenerated) {
    running.logger.warn(
      config.staffTokenFile
        ? `No STAFF_API_TOKEN set: using the development token kept in ${config.staffTokenFile}: ${config.staffApiToken}`
        : `No STAFF_API_TOKEN set: generated one for this run: ${config.staffApiToken}`,
    );
  }
}

main().catch((error: unknown) => {
  // A wrong master key is the operator's to fix, like a bad variable: its message says how, no stack needed.
  const told = error instanceof MasterKeyMismatch ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`Pizzeria failed to start: ${told}\n`);
  process.exit(1);
});
