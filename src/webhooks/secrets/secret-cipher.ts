import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretKey } from '../../config/secret-keys.js';

const FORMAT = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEALED = /^v1\.([A-Za-z0-9_-]{1,32})\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/;

/** A stored secret no configured key opens: its key is gone, or the text was altered. */
export class SecretUnreadable extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'SecretUnreadable';
  }
}

/**
 * AES-256-GCM over the webhook signing secrets, so the database holds no
 * secret a reader of a backup could sign with. The stored text is
 * `v1.<keyId>.<iv>.<ciphertext+tag>` (base64url): the key id says which key
 * opens it, so keys can be rotated one row at a time. The format and key id
 * are authenticated too, so a row can not be pointed at another key.
 */
export class SecretCipher {
  private readonly byId: ReadonlyMap<string, Buffer>;

  constructor(private readonly keys: readonly SecretKey[]) {
    if (keys.length === 0) throw new Error('SecretCipher needs at least one key');
    this.byId = new Map(keys.map((key) => [key.id, key.key]));
  }

  /** The id of the key new ciphertexts are made with. */
  get currentKeyId(): string {
    return this.keys[0].id;
  }

  seal(plaintext: string): string {
    const { id, key } = this.keys[0];
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(`${FORMAT}.${id}`));
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${FORMAT}.${id}.${iv.toString('base64url')}.${sealed.toString('base64url')}`;
  }

  /** The plaintext, or SecretUnreadable saying why not (never the key, never the text). */
  open(stored: string): string {
    const parts = SEALED.exec(stored);
    if (!parts) throw new SecretUnreadable('it is not an encrypted secret (v1.<keyId>.<iv>.<ciphertext>)');
    const [, id, ivText, sealedText] = parts;
    const key = this.byId.get(id);
    if (!key) throw new SecretUnreadable(`it was encrypted with key "${id}", which is not in WEBHOOK_SECRET_KEYS`);
    const iv = Buffer.from(ivText, 'base64url');
    const sealed = Buffer.from(sealedText, 'base64url');
    if (iv.length !== IV_BYTES || sealed.length < TAG_BYTES) throw new SecretUnreadable(`its ciphertext under key "${id}" is truncated`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(`${FORMAT}.${id}`));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretUnreadable(`key "${id}" does not open it: another key under the same id, or the stored text was altered`);
    }
  }

  static isSealed(stored: string): boolean {
    return stored.startsWith(`${FORMAT}.`);
  }

  /** True when the stored text is already under the current key: re-encrypting it would change nothing. */
  isCurrent(stored: string): boolean {
    return stored.startsWith(`${FORMAT}.${this.currentKeyId}.`);
  }
}
