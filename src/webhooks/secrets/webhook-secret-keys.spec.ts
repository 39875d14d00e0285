import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from '../../config/app-config.js';
import { loadWebhookSecretKeys } from './webhook-secret-keys.js';

describe('the webhook secret keys', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pizzeria-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('come from WEBHOOK_SECRET_KEYS when it is set, the first one encrypting', async () => {
    const [a, b] = [randomBytes(32), randomBytes(32)];
    const config = AppConfig.fromEnv({ WEBHOOK_SECRET_KEYS: `new:${a.toString('base64')}, old:${b.toString('base64url')}` }, dir);
    const loaded = await loadWebhookSecretKeys(config);
    expect(loaded.file).toBeUndefined();
    expect(loaded.keys.map((k) => [k.id, k.key.equals(k.id === 'new' ? a : b)])).toEqual([
      ['new', true],
      ['old', true],
    ]);
  });

  it('are generated once outside production, in a 0600 file beside the embedded database, and read again after', async () => {
    const config = AppConfig.fromEnv({ NODE_ENV: 'test' }, dir);
    expect(config.webhookSecretKeyFile).toBe(join(dir, '.data/webhook-secret-keys'));
    const concurrent = await Promise.all([1, 2, 3, 4].map(() => loadWebhookSecretKeys(config)));
    const first = concurrent[0];
    expect(first.file).toBe(config.webhookSecretKeyFile);
    expect(first.keys).toHaveLength(1);
    for (const loaded of concurrent) expect(loaded.keys[0].key.equals(first.keys[0].key)).toBe(true);
    expect(statSync(config.webhookSecretKeyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(config.webhookSecretKeyFile, 'utf8')).toMatch(/^local:[A-Za-z0-9+/]{43}=\n$/);

    const again = await loadWebhookSecretKeys(AppConfig.fromEnv({ NODE_ENV: 'development' }, dir));
    expect(again.keys[0].key.equals(first.keys[0].key)).toBe(true);
  });
});
