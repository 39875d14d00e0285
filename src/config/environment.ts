import { plainToInstance, Transform } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
  type ValidationArguments,
  validateSync,
} from 'class-validator';
import { parseSecretKeys } from './secret-keys.js';
import { parseMasterKey } from '../personal-data/master-key.js';

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
    /** Every bad variable and what is wrong with it, the first one included. */
    readonly problems: ReadonlyArray<{ variable: string; problem: string }> = [{ variable, problem }],
  ) {
    super(`Invalid configuration: ${problems.map((p) => `${p.variable} ${p.problem}`).join('; ')}`);
    this.name = 'ConfigError';
  }
}

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const LOG_FORMATS = ['json', 'pretty'] as const;
export const RATE_LIMIT_STORES = ['memory', 'postgres'] as const;

/** One entry of a host allow-list: `*`, a host name (optionally `*.`-prefixed), or an IPv4 or IPv6 address. */
const HOST_ENTRY = String.raw`(\*|(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.?|\[?[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*\]?)`;
const HOST_LIST = new RegExp(String.raw`^\s*(${HOST_ENTRY}(\s*,\s*${HOST_ENTRY})*)?\s*$`);

/** One proxy the app may believe about X-Forwarded-For: an IPv4 or IPv6 address, a CIDR range, or one of proxy-addr's names. */
const PROXY_ENTRY = String.raw`(loopback|linklocal|uniquelocal|[0-9.]+(\/\d{1,2})?|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(\/\d{1,3})?)`;
const PROXY_LIST = new RegExp(String.raw`^\s*(${PROXY_ENTRY}(\s*,\s*${PROXY_ENTRY})*)?\s*$`);

/** One or more postgres:// URLs, comma-separated (a URL's own characters never include a comma unescaped). */
const URL_LIST = /^\s*postgres(ql)?:\/\/[^\s,]+(\s*,\s*postgres(ql)?:\/\/[^\s,]+)*\s*$/;

const got = (args: ValidationArguments) => `, got "${String(args.value)}"`;

/** A whole number in a range; the raw string must be digits only, so "0x10" or "1e3" are refused. */
function WholeNumber(min: number, max: number): PropertyDecorator {
  return (target, key) => {
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))(target, key);
    IsInt({ message: (args) => `must be a whole number${got(args)}` })(target, key);
    Min(min, { message: (args) => `must be between ${min} and ${max}${got(args)}` })(target, key);
    Max(max, { message: (args) => `must be between ${min} and ${max}${got(args)}` })(target, key);
  };
}

/** A WEBHOOK_SECRET_KEYS list; its message names the bad entry, never the key material. */
function SecretKeyList(): PropertyDecorator {
  const problem = (value: unknown): string | undefined => {
    const parsed = parseSecretKeys(String(value));
    return 'problem' in parsed ? parsed.problem : undefined;
  };
  return ValidateBy({
    name: 'secretKeyList',
    validator: {
      validate: (value) => typeof value === 'string' && problem(value) === undefined,
      defaultMessage: (args) => `must be a comma-separated list of keyId:base64-key entries: ${problem(args?.value)}`,
    },
  });
}

/** PII_MASTER_KEY: 32 bytes in base64; its message never echoes the value. */
function MasterKey(): PropertyDecorator {
  const problem = (value: unknown): string | undefined => {
    const parsed = parseMasterKey(String(value));
    return 'problem' in parsed ? parsed.problem : undefined;
  };
  return ValidateBy({
    name: 'masterKey',
    validator: {
      validate: (value) => typeof value === 'string' && problem(value) === undefined,
      defaultMessage: (args) => `${problem(args?.value)}`,
    },
  });
}

/** Optional, but required with NODE_ENV=production; when given, the rules after it apply. */
function RequiredInProduction(): PropertyDecorator {
  return (target, key) => {
    ValidateIf((env: Environment, value: unknown) => env.NODE_ENV === 'production' || value !== undefined)(target, key);
    IsDefined({ message: 'is required when NODE_ENV=production' })(target, key);
  };
}

function OneOf(allowed: readonly string[]): PropertyDecorator {
  return IsIn(allowed, { message: (args) => `must be one of ${allowed.join(', ')}${got(args)}` });
}

/**
 * Every environment variable the app reads, with its default: the schema that
 * @nestjs/config's `validate` hook runs once at start-up. An empty value counts
 * as unset. `.env.example` lists the same names and defaults (a test keeps them
 * in step).
 */
export class Environment {
  @OneOf(NODE_ENVS) NODE_ENV: (typeof NODE_ENVS)[number] = 'development';

  @IsString()
  @IsNotEmpty()
  HOST = '0.0.0.0';

  @WholeNumber(0, 65535) PORT = 3000;

  @ValidateIf((env: Environment) => env.DATABASE_URL !== undefined)
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string = undefined;

  // The message never repeats the value: a URL may hold a password.
  @ValidateIf((env: Environment) => env.DATABASE_REPLICA_URLS !== undefined)
  @Matches(URL_LIST, { message: 'must be one or more postgres:// or postgresql:// URLs, comma-separated' })
  DATABASE_REPLICA_URLS?: string = undefined;

  @WholeNumber(1, 86_400) DATABASE_REPLICA_MAX_LAG_SECONDS = 10;

  @WholeNumber(100, 60_000) DATABASE_REPLICA_CHECK_MS = 1_000;

  @WholeNumber(0, 60_000) DATABASE_REPLICA_WAIT_MS = 500;

  @IsString()
  @IsNotEmpty()
  EMBEDDED_PG_DIR = '.data/postgres';

  @WholeNumber(1024, 65535) EMBEDDED_PG_PORT = 54329;

  @WholeNumber(1, 200) DB_POOL_SIZE = 10;

  @RequiredInProduction()
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters' })
  STAFF_API_TOKEN?: string = undefined;

  @WholeNumber(60, 31_536_000) STAFF_SESSION_IDLE_SECONDS = 7_200;

  @WholeNumber(60, 31_536_000) STAFF_SESSION_MAX_AGE_SECONDS = 43_200;

  @WholeNumber(1, 1_000_000) SIGN_IN_MAX_FAILURES_PER_LOGIN = 5;

  @WholeNumber(1, 1_000_000) SIGN_IN_MAX_FAILURES_PER_ADDRESS = 20;

  @WholeNumber(1, 86_400) SIGN_IN_FAILURE_WINDOW_SECONDS = 900;

  @WholeNumber(0, 1_000_000) SNAPSHOT_EVERY = 50;

  @Matches(/^\d+\s*(b|kb|mb)?$/i, { message: (args) => `must be a size such as 64kb or 1mb${got(args)}` })
  BODY_LIMIT = '64kb';

  @WholeNumber(0, 1000) COMMAND_RETRIES = 10;

  @WholeNumber(0, 60_000) READ_YOUR_WRITES_TIMEOUT_MS = 5000;

  @WholeNumber(0, 3_600_000) DB_STATEMENT_TIMEOUT_MS = 15_000;

  @WholeNumber(0, 3_600_000) DB_LOCK_TIMEOUT_MS = 5_000;

  @WholeNumber(10, 60_000) PROJECTION_LOCK_RETRY_MS = 1_000;

  @WholeNumber(0, 10_000_000) RATE_LIMIT_WRITES_PER_MINUTE = 600;

  @OneOf(RATE_LIMIT_STORES) RATE_LIMIT_STORE: (typeof RATE_LIMIT_STORES)[number] = 'memory';

  @Matches(PROXY_LIST, {
    message: (args) => `must be a comma-separated list of proxy addresses or CIDR ranges (or loopback, linklocal, uniquelocal)${got(args)}`,
  })
  TRUST_PROXY = '';

  @OneOf(LOG_LEVELS) LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  @OneOf(LOG_FORMATS) LOG_FORMAT: (typeof LOG_FORMATS)[number] = 'json';

  @WholeNumber(0, 600_000) SHUTDOWN_TIMEOUT_MS = 10_000;

  @WholeNumber(0, 1_000_000_000) HEALTH_MAX_LAG_EVENTS = 1_000;

  @WholeNumber(0, 86_400) HEALTH_MAX_LAG_SECONDS = 30;

  @Matches(HOST_LIST, {
    message: (args) => `must be a comma-separated list of host names, IP addresses or *.domain wildcards${got(args)}`,
  })
  WEBHOOK_ALLOWED_HOSTS = '';

  @Matches(/^[A-Z]{2}$/, { message: (args) => `must be a two-letter ISO 3166 country code such as GB or ES${got(args)}` })
  PHONE_DEFAULT_REGION = 'GB';

  @WholeNumber(100, 600_000) WEBHOOK_TIMEOUT_MS = 5_000;

  @WholeNumber(1, 86_400_000) WEBHOOK_RETRY_MAX_MS = 60_000;

  @RequiredInProduction()
  @SecretKeyList()
  WEBHOOK_SECRET_KEYS?: string = undefined;

  @WholeNumber(0, 31_536_000) WEBHOOK_SECRET_ROTATION_OVERLAP_SECONDS = 86_400;

  @RequiredInProduction()
  @MasterKey()
  PII_MASTER_KEY?: string = undefined;

  @WholeNumber(0, 36_500) PII_RETENTION_DAYS = 0;

  @WholeNumber(1, 86_400) PII_RETENTION_CHECK_SECONDS = 3_600;
}

/** The variable names, in declaration order. */
export const ENVIRONMENT_VARIABLES: readonly string[] = Object.keys(new Environment());

/**
 * The `validate` function of @nestjs/config's ConfigModule (the class-validator
 * recipe in the Nest docs): keeps only the variables above, drops empty ones so
 * their defaults apply, converts and checks each, and names every bad one.
 */
export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const known: Record<string, unknown> = {};
  for (const name of ENVIRONMENT_VARIABLES) {
    const value = typeof raw[name] === 'string' ? raw[name].trim() : raw[name];
    if (value !== undefined && value !== '') known[name] = value;
  }
  const environment = plainToInstance(Environment, known, { exposeDefaultValues: true });
  const errors = validateSync(environment, { skipMissingProperties: false, forbidUnknownValues: true });
  if (errors.length > 0) {
    const problems = errors.map((error) => {
      const constraints = error.constraints ?? {};
      const message = constraints.isDefined ?? Object.values(constraints)[0] ?? 'is invalid';
      const problem = message.startsWith(`${error.property} `) ? message.slice(error.property.length + 1) : message;
      return { variable: error.property, problem };
    });
    throw new ConfigError(problems[0].variable, problems[0].problem, problems);
  }
  return environment;
}
