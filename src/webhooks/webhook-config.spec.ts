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
