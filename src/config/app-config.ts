import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';

export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
  }
}

/**
 * Everything the app reads from its environment, parsed and validated once at
 * start-up. Nothing else in the app touches process.env.
 */
export class AppConfig {
  declare readonly nodeEnv: 'development' | 'production' | 'test';
  declare readonly host: string;
  declare readonly port: number;
  declare readonly databaseUrl: string | undefined;
  declare readonly embeddedPgDir: string;
  declare readonly embeddedPgPort: number;
  declare readonly dbPoolSize: number;
  declare readonly staffApiToken: string;
  declare readonly staffTokenGenerated: boolean;
  declare readonly snapshotEvery: number;
  declare readonly bodyLimit: string;
  declare readonly commandRetries: number;
  declare readonly readYourWritesTimeoutMs: number;
  declare readonly statementTimeoutMs: number;
  declare readonly projectionLockRetryMs: number;
  declare readonly writeRateLimitPerMinute: number;
  declare readonly lockTimeoutMs: number;

  constructor(values: Omit<AppConfig, 'with'>) {
    Object.assign(this, values);
  }

  static fromEnv(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): AppConfig {
    const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'production', 'test'] as const, 'development');
    const token = optional(env, 'STAFF_API_TOKEN');
    if (nodeEnv === 'production' && !token) {
      throw new ConfigError('STAFF_API_TOKEN', 'is required when NODE_ENV=production');
    }
    if (token !== undefined && token.length < 16) {
      throw new ConfigError('STAFF_API_TOKEN', 'must be at least 16 characters');
    }
    const databaseUrl = optional(env, 'DATABASE_URL');
    if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
      throw new ConfigError('DATABASE_URL', 'must be a postgres:// or postgresql:// URL');
    }
    return new AppConfig({
      nodeEnv,
      host: optional(env, 'HOST') ?? '0.0.0.0',
      port: integer(env, 'PORT', 3000, 0, 65535),
      databaseUrl,
      embeddedPgDir: resolve(cwd, optional(env, 'EMBEDDED_PG_DIR') ?? '.data/postgres'),
      embeddedPgPort: integer(env, 'EMBEDDED_PG_PORT', 54329, 1024, 65535),
      dbPoolSize: integer(env, 'DB_POOL_SIZE', 10, 1, 200),
      staffApiToken: token ?? randomBytes(24).toString('base64url'),
      staffTokenGenerated: token === undefined,
      snapshotEvery: integer(env, 'SNAPSHOT_EVERY', 50, 0, 1_000_000),
      bodyLimit: optional(env, 'BODY_LIMIT') ?? '64kb',
      commandRetries: integer(env, 'COMMAND_RETRIES', 10, 0, 1000),
      readYourWritesTimeoutMs: integer(env, 'READ_YOUR_WRITES_TIMEOUT_MS', 5000, 0, 60_000),
      statementTimeoutMs: integer(env, 'DB_STATEMENT_TIMEOUT_MS', 15_000, 0, 3_600_000),
      projectionLockRetryMs: integer(env, 'PROJECTION_LOCK_RETRY_MS', 1_000, 10, 60_000),
      writeRateLimitPerMinute: integer(env, 'RATE_LIMIT_WRITES_PER_MINUTE', 600, 0, 10_000_000),
      lockTimeoutMs: integer(env, 'DB_LOCK_TIMEOUT_MS', 5_000, 0, 3_600_000),
    });
  }

  /** Returns a copy with some values replaced; tests use it to point at their own database. */
  with(overrides: Partial<AppConfig>): AppConfig {
    return new AppConfig({ ...this, ...overrides });
  }
}

function optional(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, allowed: readonly T[], fallback: T): T {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}
