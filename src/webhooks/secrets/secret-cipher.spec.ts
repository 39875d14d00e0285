import { randomBytes } from 'node:crypto';
import type { SecretKey } from '../../config/secret-keys.js';
import { SecretCipher, SecretUnreadable } from './secret-cipher.js';

const key = (id: string): SecretKey => ({ id, key: randomBytes(32) });
const SECRET = 'whsec_7Jq2x9Lh3VtQm0cR5sYpW8nB1dK4fG6aZ-eU_oI2rT0';

function unreadable(cipher: SecretCipher, stored: string): string {
  try {
    cipher.open(stored);
  } catch (error) {
    if (error instanceof SecretUnreadable) return error.reason;
    throw error;
  }
  throw new Error('expected the secret not to open');
}

describe('the webhook secret cipher', () => {
  const k1 = key('k1');
  const k2 = key('k2');

  it('opens what it sealed, and seals the same secret differently each time', () => {
    const cipher = new SecretCipher([k1]);
    const sealed = cipher.seal(SECRET);
    expect(sealed).toMatch(/^v1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain(SECRET);
    expect(cipher.open(sealed)).toBe(SECRET);
    expect(cipher.seal(SECRET)).not.toBe(sealed);
    expect(cipher.open(cipher.seal(''))).toBe('');
    expect(cipher.open(cipher.seal('ünïcode ✓'))).toBe('ünïcode ✓');
  });

  it('seals with the first key and opens with any key named by the stored key id', () => {
    const before = new SecretCipher([k1]).seal(SECRET);
    const rotated = new SecretCipher([k2, k1]);
    expect(rotated.currentKeyId).toBe('k2');
    expect(rotated.open(before)).toBe(SECRET);
    const after = rotated.seal(SECRET);
    expect(after.startsWith('v1.k2.')).toBe(true);
    expect(rotated.isCurrent(after)).toBe(true);
    expect(rotated.isCurrent(before)).toBe(false);
    expect(new SecretCipher([k2]).open(after)).toBe(SECRET);
  });

  it('fails cleanly, naming the key id, when the key is not configured', () => {
    const sealed = new SecretCipher([k1]).seal(SECRET);
    expect(unreadable(new SecretCipher([k2]), sealed)).toBe('it was encrypted with key "k1", which is not in WEBHOOK_SECRET_KEYS');
  });

  it('fails cleanly when another key is configured under the same id', () => {
    const sealed = new SecretCipher([k1]).seal(SECRET);
    expect(unreadable(new SecretCipher([key('k1')]), sealed)).toMatch(/^key "k1" does not open it/);
  });

  it('refuses a tampered ciphertext, iv, tag or key id', () => {
    const cipher = new SecretCipher([k1, k2]);
    const sealed = cipher.seal(SECRET);
    const [version, id, iv, body] = sealed.split('.');
    const flip = (text: string, at: number) => {
      const bytes = Buffer.from(text, 'base64url');
      bytes[at] ^= 0x01;
      return bytes.toString('base64url');
    };
    const bodyBytes = Buffer.from(body, 'base64url').length;
    for (const tampered of [
      [version, id, iv, flip(body, 0)].join('.'),
      [version, id, iv, flip(body, bodyBytes - 1)].join('.'),
      [version, id, flip(iv, 0), body].join('.'),
      // The same bytes claimed by the other key: the key id is authenticated too.
      [version, 'k2', iv, body].join('.'),
    ]) {
      expect(unreadable(cipher, tampered)).toMatch(/does not open it/);
    }
    expect(unreadable(cipher, [version, id, iv, body.slice(0, 8)].join('.'))).toMatch(/truncated/);
    expect(unreadable(cipher, SECRET)).toMatch(/not an encrypted secret/);
    expect(unreadable(cipher, 'v2.k1.aaaa.bbbb')).toMatch(/not an encrypted secret/);
  });

  it('tells sealed text from the plaintext of older rows', () => {
    expect(SecretCipher.isSealed(new SecretCipher([k1]).seal(SECRET))).toBe(true);
    expect(SecretCipher.isSealed(SECRET)).toBe(false);
  });
});
