import { randomBytes, randomUUID } from 'node:crypto';
import { formatSecretKeys, type SecretKey } from '../src/config/secret-keys.js';
import { SecretCipher } from '../src/webhooks/secrets/secret-cipher.js';
import { runTask, useTaskDatabase } from './support/cli-task.js';
import { distFile, spawnNode } from './support/spawned-process.js';

const key = (id: string): SecretKey => ({ id, key: randomBytes(32) });
const [K1, K2, K3] = [key('k1'), key('k2'), key('k3')];

/** npm run <task> is node dist/cli/<file> after the build. */
const run = (file: string, keys: SecretKey[], env: Record<string, string>) =>
  runTask(file, [], { ...env, WEBHOOK_SECRET_KEYS: formatSecretKeys(keys) });

describe('webhook secrets from the command line (e2e, node dist/cli/*)', () => {
  const db = useTaskDatabase();
  const plaintext = `whsec_${randomBytes(32).toString('base64url')}`;
  const previous = `whsec_${randomBytes(32).toString('base64url')}`;
  const id = randomUUID();

  const stored = async () =>
    (
      await db.client.query<{ secret: string; previous_secret: string | null }>(
        'SELECT secret, previous_secret FROM webhooks WHERE id = $1',
        [id],
      )
    ).rows[0];

  it('migrate encrypts the plaintext secrets an older version stored, once', async () => {
    expect(await run('cli/migrate.js', [K1], db.env)).toMatchObject({ code: 0 });
    await db.client.query(`INSERT INTO webhooks (id, url, event_types, secret) VALUES ($1, 'http://127.0.0.1:9/hook', '{*}', $2)`, [
      id,
      plaintext,
    ]);

    const sealing = await run('cli/migrate.js', [K1], db.env);
    expect(sealing.code).toBe(0);
    expect(sealing.stderr).toContain('encrypted 1 webhook secret(s) stored in plaintext');
    const row = await stored();
    expect(row.secret.startsWith('v1.k1.')).toBe(true);
    expect(new SecretCipher([K1]).open(row.secret)).toBe(plaintext);

    const again = await run('cli/migrate.js', [K1], db.env);
    expect(again.stderr).not.toContain('encrypted');
    expect((await stored()).secret).toBe(row.secret);
  }, 60_000);

  it('webhooks:reencrypt rewrites every secret, current and previous, under the first key; again changes nothing', async () => {
    await db.client.query(
      `UPDATE webhooks SET previous_secret = $2, previous_secret_expires_at = now() + interval '1 hour' WHERE id = $1`,
      [id, new SecretCipher([K1]).seal(previous)],
    );

    const result = await run('cli/reencrypt-webhook-secrets.js', [K2, K1], db.env);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout.trim())).toEqual({ keyId: 'k2', resealed: 2, unreadable: [] });
    expect(result.stderr).toContain('re-encrypted 2 webhook secret(s) under key "k2"');
    const row = await stored();
    expect([row.secret.slice(0, 6), row.previous_secret!.slice(0, 6)]).toEqual(['v1.k2.', 'v1.k2.']);
    const onlyK2 = new SecretCipher([K2]);
    expect([onlyK2.open(row.secret), onlyK2.open(row.previous_secret!)]).toEqual([plaintext, previous]);

    const again = await run('cli/reencrypt-webhook-secrets.js', [K2, K1], db.env);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout.trim())).toMatchObject({ resealed: 0 });
    expect(await stored()).toEqual(row);
  }, 60_000);

  it('webhooks:reencrypt exits 1 naming each secret no configured key opens, and leaves it as it is', async () => {
    const before = await stored();
    const result = await run('cli/reencrypt-webhook-secrets.js', [K3], db.env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('2 secret(s) open with no key in WEBHOOK_SECRET_KEYS, left as they are');
    expect(result.stderr).toContain(`${id} secret: it was encrypted with key "k2", which is not in WEBHOOK_SECRET_KEYS`);
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(await stored()).toEqual(before);
  }, 60_000);

  it('the app refuses to start in production without WEBHOOK_SECRET_KEYS, naming it', async () => {
    const app = spawnNode(distFile('main.js'), [], {
      ...db.env,
      NODE_ENV: 'production',
      STAFF_API_TOKEN: 'a-staff-token-of-32-characters!!',
    });
    expect((await app.exit(30_000)).code).toBe(1);
    expect(app.stderr.join('\n')).toContain('Invalid configuration: WEBHOOK_SECRET_KEYS is required when NODE_ENV=production');
  }, 60_000);
});
