import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KEY_BYTES } from './personal-data-crypto.js';

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** PII_MASTER_KEY's form: 32 bytes in base64 (openssl rand -base64 32). A problem never echoes the value. */
export function parseMasterKey(text: string): { key: Buffer } | { problem: string } {
  const trimmed = text.trim();
  const key = BASE64.test(trimmed) ? Buffer.from(trimmed, 'base64') : undefined;
  if (!key || key.length !== KEY_BYTES) return { problem: `must be ${KEY_BYTES} bytes in base64 (openssl rand -base64 32)` };
  return { key };
}

export interface LoadedMasterKey {
  readonly key: Buffer;
  /** Set when the key came from the development key file, not PII_MASTER_KEY. */
  readonly file?: string;
}

/**
 * PII_MASTER_KEY when set. Otherwise (development and tests; production
 * requires the variable) one key generated on first use and kept in `file`,
 * beside the embedded database's folder, mode 0600, as the webhook secret key
 * is: a restart still opens what the last run wrapped. Instances starting
 * together agree on one key: the file is written aside and hard-linked into
 * place, which fails when it exists.
 */
export async function loadMasterKey(configured: Buffer | undefined, file: string, production: boolean): Promise<LoadedMasterKey> {
  if (configured) return { key: configured };
  if (production) throw new Error('PII_MASTER_KEY is required when NODE_ENV=production');
  const existing = await readKeyFile(file);
  if (existing) return { key: existing, file };
  await mkdir(dirname(file), { recursive: true, mode: 0o755 });
  const aside = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(aside, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600 });
  try {
    await link(aside, file).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  } finally {
    await unlink(aside).catch(() => undefined);
  }
  const created = await readKeyFile(file);
  if (!created) throw new Error(`${file} holds no personal-data master key`);
  return { key: created, file };
}

async function readKeyFile(file: string): Promise<Buffer | undefined> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (text === undefined) return undefined;
  const parsed = parseMasterKey(text);
  if ('problem' in parsed) throw new Error(`${file} is not a personal-data master key file: it ${parsed.problem}`);
  return parsed.key;
}
