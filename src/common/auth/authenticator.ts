import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Database } from '../../database/database.js';
import type { ErrorCode } from '../errors/error-catalogue.js';
import { BOOTSTRAP_ACTOR, type StaffActor } from './actor.js';
import { isStaffRole } from './staff-roles.js';
import { StaffToken } from './staff-token.js';

/** Personal API tokens start so, which tells them from the bootstrap token without a lookup. */
export const PERSONAL_TOKEN_PREFIX = 'pzs_';

/** Writes of a token's last use at most this often: the list shows the minute, not every request. */
const LAST_USE_EVERY_MS = 60_000;

/** What a request's credentials say about who sends it. */
export type Identity =
  | { readonly verdict: 'missing' }
  | {
      readonly verdict: 'invalid';
      readonly code: Extract<ErrorCode, 'STAFF_TOKEN_INVALID' | 'STAFF_TOKEN_REVOKED' | 'STAFF_ACCOUNT_DISABLED'>;
    }
  | { readonly verdict: 'staff'; readonly actor: StaffActor };

export const NO_CREDENTIALS: Identity = { verdict: 'missing' };

interface TokenRow {
  token_id: string;
  revoked: boolean;
  last_used_at: Date | null;
  account_id: string;
  name: string;
  role: string;
  enabled: boolean;
}

/**
 * Checks a bearer token: the deployment's STAFF_API_TOKEN (a manager, with no
 * name), or a personal API token, looked up by its hash in the database on
 * every request, so a revoked token or a disabled account stops working on
 * the very next request, on every instance.
 */
@Injectable()
export class Authenticator {
  private readonly logger = new Logger(Authenticator.name);

  constructor(
    private readonly bootstrap: StaffToken,
    private readonly db: Database,
  ) {}

  async identify(authorization: string | undefined): Promise<Identity> {
    const token = bearerToken(authorization);
    if (token === undefined) return authorization ? { verdict: 'invalid', code: 'STAFF_TOKEN_INVALID' } : NO_CREDENTIALS;
    if (!token.startsWith(PERSONAL_TOKEN_PREFIX)) {
      return this.bootstrap.check(authorization) === 'staff' ? { verdict: 'staff', actor: BOOTSTRAP_ACTOR } : INVALID;
    }
    const [row] = await this.db.prepared<TokenRow>(
      `SELECT t.id AS token_id, t.revoked_at IS NOT NULL AS revoked, t.last_used_at, a.id AS account_id, a.name, a.role, a.enabled
         FROM staff_tokens t JOIN staff_accounts a ON a.id = t.account_id
        WHERE t.token_hash = $1`,
      [tokenHash(token)],
    );
    if (!row) return INVALID;
    if (row.revoked) return { verdict: 'invalid', code: 'STAFF_TOKEN_REVOKED' };
    if (!row.enabled) return { verdict: 'invalid', code: 'STAFF_ACCOUNT_DISABLED' };
    if (!isStaffRole(row.role)) return INVALID;
    if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > LAST_USE_EVERY_MS) this.noteUse(row.token_id);
    return { verdict: 'staff', actor: { kind: 'staff', id: row.account_id, name: row.name, role: row.role } };
  }

  /** Not awaited: a request never waits for, nor fails on, the record of its own token's use. */
  private noteUse(tokenId: string): void {
    this.db
      .prepared('UPDATE staff_tokens SET last_used_at = now() WHERE id = $1', [tokenId])
      .catch((error: Error) => this.logger.warn(`Could not record the use of token ${tokenId}: ${error.message}`));
  }
}

const INVALID: Identity = { verdict: 'invalid', code: 'STAFF_TOKEN_INVALID' };

function bearerToken(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  return /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
}

/** What staff_tokens stores of a token: its SHA-256. */
export function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
