import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestPinoLogger } from '../ops/logging/nest-pino-logger.js';
import { pino } from 'pino';
import { AppModule } from '../app.module.js';
import { type AppConfig, ConfigError } from '../config/app-config.js';
import { loadConfig } from '../config/load-config.js';
import type { EmbeddedPostgresServer } from '../database/embedded-postgres.js';
import { resolveDatabase } from '../database/resolve-database.js';

export class UsageError extends Error {}

export interface CliContext {
  config: AppConfig;
  /** Lines for a person go to stderr; stdout is kept for the command's output. */
  say(line: string): void;
}

/**
 * Runs one command-line task with the database `npm start` uses (DATABASE_URL,
 * or the embedded server: adopted when the app already runs it, else started
 * here and stopped afterwards). Logs are JSON on stderr, at warn unless
 * --verbose. Exit code 0 on success, 2 on a usage error, 1 otherwise.
 */
export async function runCli(name: string, task: (cli: CliContext) => Promise<void>): Promise<void> {
  const say = (line: string) => process.stderr.write(`${line}\n`);
  let embedded: EmbeddedPostgresServer | undefined;
  let code = 0;
  try {
    const loaded = await loadConfig();
    const verbose = process.argv.includes('--verbose');
    const { config, embedded: server } = await resolveDatabase(
      loaded.with({ logLevel: verbose ? loaded.logLevel : 'warn' }),
      (line) => verbose && say(line),
    );
    embedded = server;
    await task({ config, say });
  } catch (error) {
    code = error instanceof UsageError ? 2 : 1;
    say(
      error instanceof ConfigError || error instanceof UsageError
        ? error.message
        : `${name} failed: ${(error as Error).stack ?? String(error)}`,
    );
  } finally {
    if (embedded && !embedded.adopted) await embedded.stop().catch(() => undefined);
  }
  process.exit(code);
}

/** The whole app without its HTTP server: the same modules, projections and command handlers. */
export async function withAppContext<T>(config: AppConfig, work: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot(config, { logDestination: pino.destination({ fd: 2, sync: true }) }),
    {
      bufferLogs: true,
      abortOnError: false,
    },
  );
  app.useLogger(app.get(NestPinoLogger));
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}
