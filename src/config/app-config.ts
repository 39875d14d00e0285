import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { type Environment, validateEnvironment } from './environment.js';
import { parseSecretKeys, type SecretKey } from './secret-keys.js';
import { parseMasterKey } from '../personal-data/master-key.js';

export { ConfigError } from './environment.js';

/**
 * The typed view of the configuration every module injects. Its values come
 * from the validated Environment (see environment.ts and load-config.ts);
 * nothing else in the app touches process.env.
 */
export class AppConfig {
  declare readonly nodeEnv: Environment['NODE_ENV'];
  declare readonly host: string;
  declare readonly port: number;
  declare readonly databaseUrl: string | undefined;
  /** Hot standbys the queries read from (DATABASE_REPLICA_URLS); empty: every read goes to the primary. */
  declare readonly databaseReplicaUrls: readonly string[];
  /** A replica whose replay is further behind than this leaves the rotation until it has caught up. */
  declare readonly replicaMaxLagSeconds: number;
  /** How often each replica is checked (reachable, still a standby, how far behind). */
  declare readonly replicaCheckMs: number;
  /** How long a query with minPosition waits for a replica to replay the write before the primary answers it. */
  declare readonly replicaWaitMs: number;
  declare readonly embeddedPgDir: string;
  declare readonly embeddedPgPort: number;
  declare readonly dbPoolSize: number;
  declare readonly staffApiToken: string;
  /** No STAFF_API_TOKEN was set: the token is a made-up one (in development, the one kept in staffTokenFile). */
  declare readonly staffTokenGenerated: boolean;
  declare readonly staffTokenFile?: string;
  /** A session ends after this long without a request... */
  declare readonly sessionIdleSeconds: number;
  /** ...or this long after sign-in, whichever comes first. */
  declare readonly sessionMaxAgeSeconds: number;
  /** Failed sign-ins allowed per login, and per client address, within signInFailureWindowSeconds; then 429. */
  declare readonly signInMaxFailuresPerLogin: number;
  declare readonly signInMaxFailuresPerAddress: number;
  declare readonly signInFailureWindowSeconds: number;
  declare readonly snapshotEvery: number;
  declare readonly bodyLimit: string;
  /** bodyLimit in bytes (64kb is 65,536), as Fastify takes it. */
  declare readonly bodyLimitBytes: number;
  declare readonly commandRetries: number;
  declare readonly readYourWritesTimeoutMs: number;
  declare readonly statementTimeoutMs: number;
  declare readonly projectionLockRetryMs: number;
  declare readonly writeRateLimitPerMinute: number;
  /** memory: each instance counts on its own; postgres: one count across all instances (window_counts). */
  declare readonly rateLimitStore: Environment['RATE_LIMIT_STORE'];
  /** The proxies whose X-Forwarded-For is believed (TRUST_PROXY); empty: none, the client is the connection's peer. */
  declare readonly trustProxy: readonly string[];
  declare readonly lockTimeoutMs: number;
  declare readonly logLevel: Environment['LOG_LEVEL'];
  declare readonly logFormat: Environment['LOG_FORMAT'];
  declare readonly shutdownTimeoutMs: number;
  declare readonly healthMaxLagEvents: number;
  declare readonly healthMaxLagSeconds: number;
  /** Hosts webhooks may deliver to; empty: any public host, never a loopback, private or link-local address. */
  declare readonly webhookAllowedHosts: readonly string[];
  /** Where a phone number without a +country code is read. */
  declare readonly phoneDefaultRegion: string;
  declare readonly webhookTimeoutMs: number;
  /** Cap of the exponential backoff between delivery attempts. */
  declare readonly webhookRetryMaxMs: number;
  /** The keys webhook secrets are encrypted with, the first one for new ciphertexts; empty: use webhookSecretKeyFile. */
  declare readonly webhookSecretKeys: readonly SecretKey[];
  /** Outside production without WEBHOOK_SECRET_KEYS: a key generated once and kept here, beside the embedded database. */
  declare readonly webhookSecretKeyFile: string;
  /** How long a rotated-out webhook secret still signs deliveries beside the new one. */
  declare readonly webhookSecretRotationOverlapSeconds: number;
  /** The key that wraps every personal-data key (PII_MASTER_KEY); undefined: use piiMasterKeyFile (never in production). */
  declare readonly piiMasterKey: Buffer | undefined;
  /** Outside production without PII_MASTER_KEY: a key generated once and kept here, beside the embedded database. */
  declare readonly piiMasterKeyFile: string;
  /** Customers whose orders all ended longer ago than this many days are erased; 0: never. */
  declare readonly piiRetentionDays: number;
  declare readonly piiRetentionCheckSeconds: number;

  constructor(values: Omit<AppConfig, 'with'>) {
    Object.assign(this, values);
  }

  /** Validates a set of variables and builds the config; throws ConfigError naming each bad variable. */
  static fromEnv(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): AppConfig {
    return AppConfig.fromEnvironment(validateEnvironment(env), cwd);
  }

  static fromEnvironment(env: Environment, cwd = process.cwd()): AppConfig {
    return new AppConfig({
      nodeEnv: env.NODE_ENV,
      host: env.HOST,
      port: env.PORT,
      databaseUrl: env.DATABASE_URL,
      databaseReplicaUrls: list(env.DATABASE_REPLICA_URLS ?? ''),
      replicaMaxLagSeconds: env.DATABASE_REPLICA_MAX_LAG_SECONDS,
      replicaCheckMs: env.DATABASE_REPLICA_CHECK_MS,
      replicaWaitMs: env.DATABASE_REPLICA_WAIT_MS,
      embeddedPgDir: resolve(cwd, env.EMBEDDED_PG_DIR),
      embeddedPgPort: env.EMBEDDED_PG_PORT,
      dbPoolSize: env.DB_POOL_SIZE,
      staffApiToken: env.STAFF_API_TOKEN ?? randomBytes(24).toString('base64url'),
      staffTokenGenerated: env.STAFF_API_TOKEN === undefined,
      sessionIdleSeconds: env.STAFF_SESSION_IDLE_SECONDS,
      sessionMaxAgeSeconds: env.STAFF_SESSION_MAX_AGE_SECONDS,
      signInMaxFailuresPerLogin: env.SIGN_IN_MAX_FAILURES_PER_LOGIN,
      signInMaxFailuresPerAddress: env.SIGN_IN_MAX_FAILURES_PER_ADDRESS,
      signInFailureWindowSeconds: env.SIGN_IN_FAILURE_WINDOW_SECONDS,
      snapshotEvery: env.SNAPSHOT_EVERY,
      bodyLimit: env.BODY_LIMIT,
      bodyLimitBytes: byteSize(env.BODY_LIMIT),
      commandRetries: env.COMMAND_RETRIES,
      readYourWritesTimeoutMs: env.READ_YOUR_WRITES_TIMEOUT_MS,
      statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
      projectionLockRetryMs: env.PROJECTION_LOCK_RETRY_MS,
      writeRateLimitPerMinute: env.RATE_LIMIT_WRITES_PER_MINUTE,
      rateLimitStore: env.RATE_LIMIT_STORE,
      trustProxy: list(env.TRUST_PROXY),
      lockTimeoutMs: env.DB_LOCK_TIMEOUT_MS,
      logLevel: env.LOG_LEVEL,
      logFormat: env.LOG_FORMAT,
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
      healthMaxLagEvents: env.HEALTH_MAX_LAG_EVENTS,
      healthMaxLagSeconds: env.HEALTH_MAX_LAG_SECONDS,
      webhookAllowedHosts: list(env.WEBHOOK_ALLOWED_HOSTS),
      phoneDefaultRegion: env.PHONE_DEFAULT_REGION,
      webhookTimeoutMs: env.WEBHOOK_TIMEOUT_MS,
      webhookRetryMaxMs: env.WEBHOOK_RETRY_MAX_MS,
      webhookSecretKeys: secretKeysOf(env.WEBHOOK_SECRET_KEYS),
      webhookSecretKeyFile: join(dirname(resolve(cwd, env.EMBEDDED_PG_DIR)), 'webhook-secret-keys'),
      webhookSecretRotationOverlapSeconds: env.WEBHOOK_SECRET_ROTATION_OVERLAP_SECONDS,
      piiMasterKey: masterKeyOf(env.PII_MASTER_KEY),
      piiMasterKeyFile: join(dirname(resolve(cwd, env.EMBEDDED_PG_DIR)), 'pii-master-key'),
      piiRetentionDays: env.PII_RETENTION_DAYS,
      piiRetentionCheckSeconds: env.PII_RETENTION_CHECK_SECONDS,
    });
  }

  /** Returns a copy with some values replaced; tests use it to point at their own database. */
  with(overrides: Partial<AppConfig>): AppConfig {
    return new AppConfig({ ...this, ...overrides });
  }
}

/** 'a, b,' → ['a', 'b'] */
function list(value: string): string[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/** Already validated by the schema: an unset variable is no keys. */
function secretKeysOf(text: string | undefined): SecretKey[] {
  if (text === undefined) return [];
  const parsed = parseSecretKeys(text);
  if ('problem' in parsed) throw new Error(`WEBHOOK_SECRET_KEYS was not validated: ${parsed.problem}`);
  return parsed.keys;
}

/** Already validated by the schema. */
function masterKeyOf(text: string | undefined): Buffer | undefined {
  if (text === undefined) return undefined;
  const parsed = parseMasterKey(text);
  if ('problem' in parsed) throw new Error(`PII_MASTER_KEY was not validated: it ${parsed.problem}`);
  return parsed.key;
}

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

/** '64kb' → 65536: the sizes BODY_LIMIT takes (validated in environment.ts). */
function byteSize(size: string): number {
  const [, amount, unit] = /^(\d+)\s*(b|kb|mb)?$/i.exec(size.trim()) ?? [];
  return Number(amount) * UNITS[(unit ?? 'b').toLowerCase()];
}
