import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestPinoLogger } from '../ops/logging/nest-pino-logger.js';
import { pino } from 'pino';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module.js';
import { type AppConfig, ConfigError } from '../config/app-config.js';
import { loadConfig } from '../config/load-config.js';
import type { EmbeddedPostgresServer } from '../database/embedded-postgres.js';
import { Database } from '../database/database.js';
import { dataSourceOptions } from '../database/database.module.js';
import { resolveDatabase } from '../database/resolve-database.js';
import { runMigrationsExclusively } from '../database/run-migrations.js';

export class UsageError extends Error {}

/** The task ran and found something wrong, which its message explains: exit code 1, no stack. */
export class TaskFailed extends Error {}

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
      error instanceof ConfigError || error instanceof UsageError || error instanceof TaskFailed
        ? error.message
        : `${name} failed: ${(error as Error).stack ?? String(error)}`,
    );
  } finally {
    if (embedded && !embedded.adopted) await embedded.stop().catch(() => undefined);
  }
  process.exit(code);
}

/**
 * Only the database, migrated (under the migrations lock, as the app does):
 * for a task that needs no module of the app, and must not start any (no
 * projection or webhook delivery running in the task's process).
 */
export async function withDatabase<T>(config: AppConfig, work: (db: Database) => Promise<T>): Promise<T> {
  const dataSource = new DataSource({ ...dataSourceOptions(config), migrationsRun: false, logging: false });
  await dataSource.initialize();
  try {
    await runMigrationsExclusively(dataSource);
    return await work(new Database(dataSource));
  } finally {
    await dataSource.destroy();
  }
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
