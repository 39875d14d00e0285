import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AppConfig } from '../../config/app-config.js';
import { formatSecretKeys, parseSecretKeys, SECRET_KEY_BYTES, type SecretKey } from '../../config/secret-keys.js';

export interface LoadedSecretKeys {
  readonly keys: readonly SecretKey[];
  /** The file the keys came from when WEBHOOK_SECRET_KEYS is unset (never in production: the schema requires it there). */
  readonly file?: string;
}

/**
 * WEBHOOK_SECRET_KEYS when set. Otherwise (development and tests) one key,
 * generated on first use and kept in a file beside the embedded database's
 * folder, mode 0600, so a restart still opens what the last run encrypted.
 * Instances starting together agree on one key: the file is created whole
 * (written aside, then hard-linked into place, which fails if it exists).
 */
export async function loadWebhookSecretKeys(config: AppConfig): Promise<LoadedSecretKeys> {
  if (config.webhookSecretKeys.length > 0) return { keys: config.webhookSecretKeys };
  if (config.nodeEnv === 'production') throw new Error('WEBHOOK_SECRET_KEYS is required when NODE_ENV=production');
  const file = config.webhookSecretKeyFile;
  const existing = await readKeyFile(file);
  if (existing) return { keys: existing, file };
  await mkdir(dirname(file), { recursive: true, mode: 0o755 });
  const aside = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(aside, `${formatSecretKeys([{ id: 'local', key: randomBytes(SECRET_KEY_BYTES) }])}\n`, { mode: 0o600 });
  try {
    await link(aside, file).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  } finally {
    await unlink(aside).catch(() => undefined);
  }
  const created = await readKeyFile(file);
  if (!created) throw new Error(`${file} holds no webhook secret key`);
  return { keys: created, file };
}

async function readKeyFile(file: string): Promise<SecretKey[] | undefined> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (text === undefined) return undefined;
  const parsed = parseSecretKeys(text.trim());
  if ('problem' in parsed) throw new Error(`${file} is not a webhook secret key file: ${parsed.problem}`);
  return parsed.keys;
}
