import { createCipheriv, createDecipheriv, createHmac, createSecretKey, randomFillSync, type KeyObject } from 'node:crypto';

/** AES-256 keys, the master key included, are 32 random bytes. */
export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A key or ciphertext that does not open: a wrong key, or altered bytes. Never carries key material. */
export class SealBroken extends Error {
  constructor(what: string) {
    super(`${what} does not open: a wrong key, or the stored bytes were altered`);
    this.name = 'SealBroken';
  }
}

// Random bytes are drawn from a pool filled 8 KiB at a time (as uuid-v7.ts does): an append
// needs a key and two IVs, and one randomFillSync per 8 KiB costs far less than three calls.
const POOL_SIZE = 8 * 1024;
const pool = Buffer.alloc(POOL_SIZE);
let offset = POOL_SIZE;

function random(bytes: number): Buffer {
  if (offset + bytes > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  // A copy of its own (not a slice of Node's allocation pool): the pool here is refilled in place.
  const out = Buffer.alloc(bytes);
  pool.copy(out, 0, offset, offset + bytes);
  pool.fill(0, offset, offset + bytes);
  offset += bytes;
  return out;
}

export function newKey(): Buffer {
  return random(KEY_BYTES);
}

/**
 * A key used many times (the master, keyring and index keys) as a KeyObject:
 * node:crypto turns a Buffer key into one on every call, which cost more than
 * the encryption itself.
 */
export function keyObject(key: Buffer): KeyObject {
  return createSecretKey(key);
}

export type Key = Buffer | KeyObject;

/**
 * AES-256-GCM (node:crypto): `iv (12) || ciphertext || tag (16)`. The
 * associated data binds a ciphertext to where it belongs (a key id, a field
 * list), so it can not be moved to another row and still open.
 */
export function seal(key: Key, plaintext: Buffer, aad: string): Buffer {
  const iv = random(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  return Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

export function open(key: Key, sealed: Buffer, aad: string, what: string): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new SealBroken(what);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new SealBroken(what);
  }
}

export function hmac(key: Key, text: string): Buffer {
  return createHmac('sha256', key).update(text, 'utf8').digest();
}
