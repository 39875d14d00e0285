import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AppConfig, ConfigError } from './app-config.js';
import { ENVIRONMENT_VARIABLES, Environment, validateEnvironment } from './environment.js';
import { loadConfig } from './load-config.js';

function problem(env: Record<string, string>): ConfigError {
  try {
    AppConfig.fromEnv(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

describe('configuration', () => {
  it('has a default for every variable, so an empty environment starts in development', () => {
    const config = AppConfig.fromEnv({}, '/srv/pizzeria');
    expect(config).toMatchObject({
      nodeEnv: 'development',
      host: '0.0.0.0',
      port: 3000,
      databaseUrl: undefined,
      embeddedPgDir: '/srv/pizzeria/.data/postgres',
      dbPoolSize: 10,
      logLevel: 'info',
      logFormat: 'json',
      shutdownTimeoutMs: 10_000,
      staffTokenGenerated: true,
    });
    expect(config.staffApiToken.length).toBeGreaterThanOrEqual(16);
  });

  it('reads, trims and converts the variables', () => {
    const config = AppConfig.fromEnv({
      PORT: ' 8080 ',
      DB_POOL_SIZE: '25',
      DATABASE_URL: 'postgresql://u:p@db:5432/pizzeria',
      LOG_LEVEL: 'debug',
      STAFF_API_TOKEN: 'a-staff-token-of-32-characters!!',
    });
    expect(config).toMatchObject({
      port: 8080,
      dbPoolSize: 25,
      databaseUrl: 'postgresql://u:p@db:5432/pizzeria',
      logLevel: 'debug',
      staffTokenGenerated: false,
    });
  });

  it('treats an empty value as unset', () => {
    expect(AppConfig.fromEnv({ PORT: '', DATABASE_URL: '', LOG_LEVEL: '  ' })).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      logLevel: 'info',
    });
  });

  const refuses = (env: Record<string, string>, variable: string, message: string) => {
    const error = problem(env);
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(message);
    expect(error.message).toMatch(/^Invalid configuration: /);
  };

  it.each([
    ['PORT', 'abc', 'must be a whole number, got "abc"'],
    ['PORT', '70000', 'must be between 0 and 65535, got "70000"'],
    ['PORT', '3e3', 'must be a whole number'],
    ['DB_POOL_SIZE', '0', 'must be between 1 and 200'],
    ['SHUTDOWN_TIMEOUT_MS', '-1', 'must be a whole number'],
  ])('refuses %s=%s', (variable, value, message) => refuses({ [variable]: value }, variable, `${variable} ${message}`));

  it.each([
    [{ NODE_ENV: 'staging' }, 'NODE_ENV', 'NODE_ENV must be one of development, production, test, got "staging"'],
    [{ NODE_ENV: 'production' }, 'STAFF_API_TOKEN', 'STAFF_API_TOKEN is required when NODE_ENV=production'],
    [{ STAFF_API_TOKEN: 'short' }, 'STAFF_API_TOKEN', 'STAFF_API_TOKEN must be at least 16 characters'],
    [{ DATABASE_URL: 'mysql://db/pizzeria' }, 'DATABASE_URL', 'DATABASE_URL must be a postgres:// or postgresql:// URL'],
    [{ BODY_LIMIT: 'huge' }, 'BODY_LIMIT', 'BODY_LIMIT must be a size such as 64kb or 1mb'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent'],
    [{ LOG_FORMAT: 'xml' }, 'LOG_FORMAT', 'LOG_FORMAT must be one of json, pretty'],
  ])('refuses %j, naming %s', refuses);

  it('names every bad variable at once', () => {
    const error = problem({ PORT: 'x', DB_POOL_SIZE: '999', LOG_LEVEL: 'loud' });
    expect(error.problems.map((p) => p.variable).sort()).toEqual(['DB_POOL_SIZE', 'LOG_LEVEL', 'PORT']);
    expect(error.message).toContain('PORT must be a whole number');
    expect(error.message).toContain('DB_POOL_SIZE must be between 1 and 200');
  });

  it('ignores variables it does not know', () => {
    expect(() => validateEnvironment({ PATH: '/usr/bin', SOMETHING_ELSE: 'x' })).not.toThrow();
  });

  it('reads the replicas as a list, with their defaults, and refuses a bad one without repeating it', () => {
    expect(AppConfig.fromEnv({})).toMatchObject({
      databaseReplicaUrls: [],
      replicaMaxLagSeconds: 10,
      replicaCheckMs: 1_000,
      replicaWaitMs: 500,
    });
    expect(
      AppConfig.fromEnv({
        DATABASE_REPLICA_URLS: ' postgres://u:p@replica-1:5432/pizzeria , postgresql://replica-2/pizzeria ',
        DATABASE_REPLICA_MAX_LAG_SECONDS: '5',
        DATABASE_REPLICA_CHECK_MS: '250',
      }),
    ).toMatchObject({
      databaseReplicaUrls: ['postgres://u:p@replica-1:5432/pizzeria', 'postgresql://replica-2/pizzeria'],
      replicaMaxLagSeconds: 5,
      replicaCheckMs: 250,
    });
    for (const bad of ['mysql://u:hunter2@db/x', 'postgres://u:hunter2@db/x,', 'postgres://u:hunter2@db/x,,postgres://b/y']) {
      const error = problem({ DATABASE_REPLICA_URLS: bad });
      expect(error.variable).toBe('DATABASE_REPLICA_URLS');
      expect(error.message).not.toContain('hunter2');
    }
    expect(problem({ DATABASE_REPLICA_CHECK_MS: '10' }).variable).toBe('DATABASE_REPLICA_CHECK_MS');
    expect(problem({ DATABASE_REPLICA_MAX_LAG_SECONDS: '0' }).variable).toBe('DATABASE_REPLICA_MAX_LAG_SECONDS');
  });

  it('lists every variable in .env.example, with the same default', () => {
    const example = new Map(
      readFileSync(resolve(process.cwd(), '.env.example'), 'utf8')
        .split('\n')
        .map((line) => /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim()))
        .filter((match): match is RegExpExecArray => match !== null)
        .map((match) => [match[1], match[2]]),
    );
    const defaults = new Environment();
    const expected = new Map(
      ENVIRONMENT_VARIABLES.map((name) => [name, String((defaults as unknown as Record<string, unknown>)[name] ?? '')]),
    );
    expect(Object.fromEntries(example)).toEqual(Object.fromEntries(expected));
  });

  it('loads .env through @nestjs/config, with the real environment winning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pizzeria-config-'));
    const saved = { ...process.env };
    try {
      writeFileSync(join(dir, '.env'), 'DB_POOL_SIZE=33\nSNAPSHOT_EVERY=7\n');
      process.env.SNAPSHOT_EVERY = '9';
      delete process.env.DB_POOL_SIZE;
      const config = await loadConfig(dir);
      expect(config).toMatchObject({ dbPoolSize: 33, snapshotEvery: 9, embeddedPgDir: join(dir, '.data/postgres') });

      writeFileSync(join(dir, '.env'), 'PORT=not-a-port\n');
      delete process.env.PORT;
      await expect(loadConfig(dir)).rejects.toThrow(/PORT must be a whole number, got "not-a-port"/);
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
