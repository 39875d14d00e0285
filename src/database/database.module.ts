import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { AdvisoryLocks } from './advisory-locks.js';
import { Database } from './database.js';
import { ReadReplicas } from './replicas/read-replicas.js';
import { MIGRATIONS } from './migrations/index.js';
import { runMigrationsExclusively } from './run-migrations.js';

/** The DataSource options the app runs with; the benchmark opens its pool with the same. */
export function dataSourceOptions(config: AppConfig): DataSourceOptions {
  if (!config.databaseUrl) throw new Error('The database URL must be resolved before the app module is built');
  return {
    type: 'postgres',
    url: config.databaseUrl,
    migrations: MIGRATIONS,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['error'],
    poolSize: config.dbPoolSize,
    applicationName: 'pizzeria',
    extra: {
      statement_timeout: config.statementTimeoutMs,
      lock_timeout: config.lockTimeoutMs,
      idle_in_transaction_session_timeout: 60_000,
      connectionTimeoutMillis: 5_000,
    },
  };
}

/** The schema comes from migrations run at start-up, never from synchronize. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      // Not through migrationsRun: instances starting together would run the same migrations at once.
      useFactory: (config: AppConfig) => ({ ...dataSourceOptions(config), migrationsRun: false }),
      dataSourceFactory: async (options) => {
        const dataSource = await new DataSource(options!).initialize();
        try {
          await runMigrationsExclusively(dataSource);
        } catch (error) {
          await dataSource.destroy().catch(() => undefined);
          throw error;
        }
        return dataSource;
      },
    }),
  ],
  providers: [
    { provide: Database, useFactory: (dataSource: DataSource) => new Database(dataSource), inject: [DataSource] },
    // One lock connection per instance, for every subscription that runs in one instance at a time.
    {
      provide: AdvisoryLocks,
      useFactory: (db: Database, config: AppConfig) => new AdvisoryLocks(db.pool.options, config.projectionLockRetryMs),
      inject: [Database, AppConfig],
    },
    // The hot standbys queries read from (DATABASE_REPLICA_URLS), with their health checks.
    ReadReplicas,
  ],
  exports: [Database, AdvisoryLocks, ReadReplicas],
})
export class DatabaseModule {}
