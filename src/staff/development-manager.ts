import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BOOTSTRAP_ACTOR } from '../common/auth/actor.js';
import { Database } from '../database/database.js';
import { StaffAccounts } from './staff-accounts.service.js';

export const DEVELOPMENT_MANAGER_LOGIN = 'manager';

/** What a developer signs in to the web UI with on this machine. */
export interface DevelopmentManager {
  readonly login: string;
  readonly password: string;
  readonly file: string;
}

/**
 * The first run of `npm start` on a development machine has no staff account
 * to sign in with: this makes one, `manager`, with a generated password kept
 * beside the embedded database's data (`.data/dev-manager-password`, owner
 * only), so the same sign-in works after every restart. It does nothing once
 * any account exists but the one it made, and never runs outside development.
 */
export async function developmentManager(
  app: { get<T>(type: new (...args: never[]) => T): T },
  dataDir: string,
): Promise<DevelopmentManager | undefined> {
  const file = join(dataDir, 'dev-manager-password');
  const kept = await readFile(file, 'utf8').then(
    (text) => text.trim(),
    () => undefined,
  );
  const [{ accounts, mine }] = await app
    .get(Database)
    .query<{ accounts: number; mine: boolean }>('SELECT count(*)::int AS accounts, bool_or(login = $1) AS mine FROM staff_accounts', [
      DEVELOPMENT_MANAGER_LOGIN,
    ]);
  if (kept && mine) return { login: DEVELOPMENT_MANAGER_LOGIN, password: kept, file };
  if (accounts > 0) return undefined;
  const password = randomBytes(12).toString('base64url');
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  const by = { actor: BOOTSTRAP_ACTOR, correlationId: `development-manager-${Date.now()}` };
  await app.get(StaffAccounts).create({ login: DEVELOPMENT_MANAGER_LOGIN, name: 'Manager', role: 'manager', password }, by);
  return { login: DEVELOPMENT_MANAGER_LOGIN, password, file };
}
