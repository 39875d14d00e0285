import { AppError } from '../common/errors/app-error.js';
import { WebhookUrlPolicy, hostMatches, isPublicAddress } from './webhook-url-policy.js';

function expectAllowed(policy: WebhookUrlPolicy, url: string): void {
  expect(refusal(policy, url)).toBe('allowed');
}

function refusal(policy: WebhookUrlPolicy, url: string): { code: string; message: string } | 'allowed' {
  try {
    policy.check(url);
    return 'allowed';
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { code: error.code, message: error.message };
  }
}

describe('webhook URL policy', () => {
  describe('without WEBHOOK_ALLOWED_HOSTS: any public host', () => {
    const policy = new WebhookUrlPolicy([]);

    it.each([
      'https://hooks.example.com/pizzeria',
      'http://hooks.example.com:8080/in?token=abc',
      'https://93.184.216.34/hook',
      'https://[2606:2800:220:1:248:1893:25c8:1946]/hook',
    ])('allows %s', (url) => expectAllowed(policy, url));

    it.each([
      ['http://127.0.0.1/hook', '127.0.0.1'],
      ['http://2130706433/hook', '127.0.0.1'],
      ['http://0x7f.1/hook', '127.0.0.1'],
      ['http://10.1.2.3/hook', '10.1.2.3'],
      ['http://172.20.0.5/hook', '172.20.0.5'],
      ['http://192.168.1.10/hook', '192.168.1.10'],
      ['http://169.254.169.254/latest/meta-data', '169.254.169.254'],
      ['http://100.64.0.1/hook', '100.64.0.1'],
      ['http://0.0.0.0/hook', '0.0.0.0'],
      ['http://[::1]/hook', '::1'],
      ['http://[fd00::1]/hook', 'fd00::1'],
      ['http://[fe80::1]/hook', 'fe80::1'],
      ['http://[::ffff:10.0.0.1]/hook', '::ffff:a00:1'],
      ['http://localhost:3000/admin', 'localhost'],
      ['http://api.localhost/hook', 'api.localhost'],
      ['http://intranet/hook', 'intranet'],
    ])('refuses %s', (url, host) => {
      expect(refusal(policy, url)).toEqual({
        code: 'WEBHOOK_URL_NOT_ALLOWED',
        message: expect.stringContaining(`Deliveries to ${host} are not allowed`),
      });
    });

    it('checks the addresses a name resolves to when it connects', () => {
      expect(policy.publicOnly).toBe(true);
      expect(policy.lookup).toBeInstanceOf(Function);
    });
  });

  describe('with WEBHOOK_ALLOWED_HOSTS: only the hosts listed', () => {
    const policy = new WebhookUrlPolicy(['127.0.0.1', '*.Example.com', 'hooks.partner.io.', '[::1]']);

    it.each([
      'http://127.0.0.1:4000/hook',
      'https://a.example.com/x',
      'https://a.b.example.com/x',
      'https://HOOKS.partner.io/x',
      'http://[::1]:9/x',
    ])('allows %s', (url) => expectAllowed(policy, url));

    it.each(['https://example.com/x', 'https://evilexample.com/x', 'http://127.0.0.2/x', 'https://partner.io/x', 'http://10.0.0.1/x'])(
      'refuses %s',
      (url) => {
        expect(refusal(policy, url)).toEqual({
          code: 'WEBHOOK_URL_NOT_ALLOWED',
          message: expect.stringContaining('not in WEBHOOK_ALLOWED_HOSTS'),
        });
      },
    );

    it('leaves name resolution alone: the hosts were allowed on purpose', () => {
      expect(policy.lookup).toBeUndefined();
    });
  });

  it('refuses schemes other than http and https with WEBHOOK_URL_NOT_ALLOWED', () => {
    const policy = new WebhookUrlPolicy(['*']);
    for (const url of ['ftp://files.example.com/x', 'file:///etc/passwd', 'gopher://example.com/', 'javascript:alert(1)']) {
      expect(refusal(policy, url)).toEqual({ code: 'WEBHOOK_URL_NOT_ALLOWED', message: expect.stringContaining('must use http or https') });
    }
    expect(refusal(policy, 'http://10.0.0.1/hook')).toBe('allowed');
  });

  it('refuses what is not a URL, or carries credentials, with VALIDATION_FAILED', () => {
    const policy = new WebhookUrlPolicy([]);
    expect(refusal(policy, 'hooks.example.com/x')).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'url must be an absolute http or https URL',
    });
    expect(refusal(policy, 'https://user:secret@hooks.example.com/x')).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'url must not contain a user name or password',
    });
    expect(refusal(policy, `https://hooks.example.com/${'a'.repeat(2100)}`)).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'url must be at most 2048 characters',
    });
  });

  it('matches wildcards on whole labels only', () => {
    expect(hostMatches('*.example.com', 'a.example.com')).toBe(true);
    expect(hostMatches('*.example.com', 'example.com')).toBe(false);
    expect(hostMatches('*.example.com', 'badexample.com')).toBe(false);
    expect(hostMatches('*', 'anything.at.all')).toBe(true);
  });

  it('tells public addresses from the rest', () => {
    expect(['8.8.8.8', '1.1.1.1', '2001:4860:4860::8888'].map(isPublicAddress)).toEqual([true, true, true]);
    expect(
      ['127.0.0.53', '10.0.0.1', '192.168.0.1', '169.254.1.1', '::1', 'fc00::1', '::ffff:127.0.0.1', 'not-an-ip'].map(isPublicAddress),
    ).toEqual(Array(8).fill(false));
  });
});
