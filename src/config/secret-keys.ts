/** One key of WEBHOOK_SECRET_KEYS: the id stored beside each ciphertext, and 32 bytes of AES-256 key. */
export interface SecretKey {
  readonly id: string;
  readonly key: Buffer;
}

/** A key id goes into the stored text between dots, so it has none itself. */
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
export const SECRET_KEY_BYTES = 32;

/**
 * Reads `keyId:base64-of-32-bytes[,keyId:...]`; the first key encrypts, all of
 * them decrypt. A problem names the entry and never echoes key material.
 */
export function parseSecretKeys(text: string): { keys: SecretKey[] } | { problem: string } {
  const entries = text.split(',').map((entry) => entry.trim());
  const keys: SecretKey[] = [];
  for (const [index, entry] of entries.entries()) {
    const where = `entry ${index + 1}`;
    const colon = entry.indexOf(':');
    if (colon < 0) return { problem: `${where} is not keyId:base64-key` };
    const id = entry.slice(0, colon).trim();
    const encoded = entry.slice(colon + 1).trim();
    if (!KEY_ID.test(id)) return { problem: `${where} has a key id that is not 1-32 of A-Z a-z 0-9 _ -` };
    if (keys.some((key) => key.id === id)) return { problem: `key id "${id}" appears twice` };
    const key = BASE64.test(encoded) ? Buffer.from(encoded, 'base64') : undefined;
    if (!key || key.length !== SECRET_KEY_BYTES) {
      return { problem: `key "${id}" must be ${SECRET_KEY_BYTES} bytes in base64 (openssl rand -base64 32)` };
    }
    keys.push({ id, key });
  }
  return { keys };
}

export function formatSecretKeys(keys: readonly SecretKey[]): string {
  return keys.map((key) => `${key.id}:${key.key.toString('base64')}`).join(',');
}
