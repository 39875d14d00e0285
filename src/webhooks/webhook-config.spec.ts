import { AppConfig, ConfigError } from '../config/app-config.js';

describe('webhook configuration', () => {
  it('defaults to any public host, 5 s per attempt and a one-minute backoff cap', () => {
    expect(AppConfig.fromEnv({})).toMatchObject({ webhookAllowedHosts: [], webhookTimeoutMs: 5_000, webhookRetryMaxMs: 60_000 });
  });

  it('reads the allow-list as comma-separated hosts, IPs and wildcards', () => {
    const config = AppConfig.fromEnv({
      WEBHOOK_ALLOWED_HOSTS: ' 127.0.0.1, *.example.com,hooks.partner.io ,[::1] ',
      WEBHOOK_TIMEOUT_MS: '2500',
      WEBHOOK_RETRY_MAX_MS: '20',
    });
    expect(config).toMatchObject({
      webhookAllowedHosts: ['127.0.0.1', '*.example.com', 'hooks.partner.io', '[::1]'],
      webhookTimeoutMs: 2_500,
      webhookRetryMaxMs: 20,
    });
  });

  it.each([
    [{ WEBHOOK_ALLOWED_HOSTS: 'https://hooks.example.com' }, 'WEBHOOK_ALLOWED_HOSTS'],
    [{ WEBHOOK_ALLOWED_HOSTS: 'example.com/hooks' }, 'WEBHOOK_ALLOWED_HOSTS'],
    [{ WEBHOOK_ALLOWED_HOSTS: 'a.com;b.com' }, 'WEBHOOK_ALLOWED_HOSTS'],
    [{ WEBHOOK_TIMEOUT_MS: '0' }, 'WEBHOOK_TIMEOUT_MS'],
    [{ WEBHOOK_RETRY_MAX_MS: 'soon' }, 'WEBHOOK_RETRY_MAX_MS'],
  ])('refuses %j', (env, variable) => {
    expect(() => AppConfig.fromEnv(env)).toThrow(ConfigError);
    expect(() => AppConfig.fromEnv(env)).toThrow(new RegExp(`^Invalid configuration: ${variable} `));
  });
});

describe('webhook secret keys configuration', () => {
  const KEY = Buffer.alloc(32, 7).toString('base64');

  it('defaults to no keys (a generated key file outside production) and a one-day rotation overlap', () => {
    expect(AppConfig.fromEnv({})).toMatchObject({ webhookSecretKeys: [], webhookSecretRotationOverlapSeconds: 86_400 });
  });

  it('reads keyId:base64 entries, in order', () => {
    const config = AppConfig.fromEnv({ WEBHOOK_SECRET_KEYS: ` k2:${KEY} ,k1:${KEY}`, WEBHOOK_SECRET_ROTATION_OVERLAP_SECONDS: '60' });
    expect(config.webhookSecretKeys.map((key) => [key.id, key.key.length])).toEqual([
      ['k2', 32],
      ['k1', 32],
    ]);
    expect(config.webhookSecretRotationOverlapSeconds).toBe(60);
  });

  it('is required in production', () => {
    const env = { NODE_ENV: 'production', STAFF_API_TOKEN: 'a-staff-token-of-32-characters!!' };
    expect(() => AppConfig.fromEnv(env)).toThrow(new ConfigError('WEBHOOK_SECRET_KEYS', 'is required when NODE_ENV=production').message);
    expect(AppConfig.fromEnv({ ...env, WEBHOOK_SECRET_KEYS: `prod:${KEY}`, PII_MASTER_KEY: KEY }).webhookSecretKeys).toHaveLength(1);
  });

  it.each([
    ['k1', 'entry 1 is not keyId:base64-key'],
    [`k1:${Buffer.alloc(16).toString('base64')}`, 'key "k1" must be 32 bytes in base64'],
    [`k1:${KEY},k1:${KEY}`, 'key id "k1" appears twice'],
    [`k.1:${KEY}`, 'entry 1 has a key id that is not 1-32 of A-Z a-z 0-9 _ -'],
    [`k1:${KEY},`, 'entry 2 is not keyId:base64-key'],
    [`k1:not*base64`, 'key "k1" must be 32 bytes in base64'],
  ])('refuses %s, naming the entry and never the key', (value, problem) => {
    for (const env of [
      { WEBHOOK_SECRET_KEYS: value },
      { NODE_ENV: 'production', STAFF_API_TOKEN: 'a-staff-token-of-32-characters!!', WEBHOOK_SECRET_KEYS: value },
    ]) {
      let message = '';
      try {
        AppConfig.fromEnv(env);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).variable).toBe('WEBHOOK_SECRET_KEYS');
        message = (error as Error).message;
      }
      expect(message).toMatch(/^Invalid configuration: WEBHOOK_SECRET_KEYS must be a comma-separated list of keyId:base64-key entries: /);
      expect(message).toContain(problem);
      expect(message).not.toContain(KEY);
    }
  });
});
