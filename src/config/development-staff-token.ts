import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The bootstrap token of a development machine with no STAFF_API_TOKEN: made
 * once and kept in a file beside the embedded database's data (`.data/`), so
 * what a developer signs in with survives a restart. Readable by its owner
 * only. Never used in production, where STAFF_API_TOKEN is required.
 */
export function developmentStaffToken(dataDir: string): { token: string; file: string } {
  const file = join(dataDir, 'staff-api-token');
  try {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept.length >= 16) return { token: kept, file };
  } catch {
    // Not made yet: make it below.
  }
  const token = randomBytes(24).toString('base64url');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, file };
}
