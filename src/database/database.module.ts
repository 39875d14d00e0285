import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { Database } from './database.js';
import { MIGRATIONS } from './migrations/index.js';

/** The schema comes from migrations run at start-up, never from synchronize. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        if (!config.databaseUrl) throw new Error('The database URL must be resolved before the app module is built');
        return {
          type: 'postgres' as const,
          url: config.databaseUrl,
          migrations: MIGRATIONS,
          migrationsRun: true,
          migrationsTransactionMode: 'each' as const,
          synchronize: false,
          logging: ['error' as const],
          poolSize: config.dbPoolSize,
          applicationName: 'pizzeria',
          extra: {
            statement_timeout: config.statementTimeoutMs,
            lock_timeout: config.lockTimeoutMs,
            idle_in_transaction_session_timeout: 60_000,
            connectionTimeoutMillis: 5_000,
          },
        };
      },
    }),
  ],
  providers: [{ provide: Database, useFactory: (dataSource: DataSource) => new Database(dataSource), inject: [DataSource] }],
  exports: [Database],
})
export class DatabaseModule {}
