import { Injectable, Logger } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Database } from '../../database/database.js';
import type { ErrorCode } from '../errors/error-catalogue.js';
import { BOOTSTRAP_ACTOR, type StaffActor } from './actor.js';
import { isStaffRole } from './staff-roles.js';
import { type SessionRow, StaffSessions } from './staff-sessions.js';
import { StaffToken } from './staff-token.js';

/** Personal API tokens start so, which tells them from the bootstrap token without a lookup. */
export const PERSONAL_TOKEN_PREFIX = 'pzs_';

/** Writes of a token's last use at most this often: the list shows the minute, not every request. */
const LAST_USE_EVERY_MS = 60_000;

/** Why a request's credentials name nobody. */
export type RefusedCredentials = Extract<
  ErrorCode,
  'STAFF_TOKEN_INVALID' | 'STAFF_TOKEN_REVOKED' | 'STAFF_ACCOUNT_DISABLED' | 'SESSION_INVALID' | 'SESSION_EXPIRED' | 'CSRF_TOKEN_INVALID'
>;

/** The session a request came with, for the routes that show or end it. */
export interface RequestSession {
  readonly idHash: Buffer;
  readonly csrfToken: string;
  readonly expiresAt: Date;
}

/** What a request's credentials say about who sends it. */
export type Identity =
  | { readonly verdict: 'missing' }
  | { readonly verdict: 'invalid'; readonly code: RefusedCredentials }
  | {
      readonly verdict: 'staff';
      readonly actor: StaffActor;
      /** The account's login; null for the bootstrap token. */
      readonly login: string | null;
      /** Present when a session cookie, not a bearer token, named the account. */
      readonly session?: RequestSession;
    };

/** What a request carries that may name a member of staff. */
export interface Credentials {
  readonly authorization?: string;
  /** The value of the session cookie. */
  readonly sessionCookie?: string;
  /** The X-CSRF-Token header. */
  readonly csrfToken?: string;
  /** POST, PUT, PATCH or DELETE: a cookie alone does not authorise it. */
  readonly unsafe: boolean;
}

export const NO_CREDENTIALS: Identity = { verdict: 'missing' };

interface TokenRow {
  token_id: string;
  revoked: boolean;
  last_used_at: Date | null;
  account_id: string;
  login: string;
  name: string;
  role: string;
  enabled: boolean;
}

/**
 * Checks a bearer token: the deployment's STAFF_API_TOKEN (a manager, with no
 * name), or a personal API token, looked up by its hash in the database on
 * every request, so a revoked token or a disabled account stops working on
 * the very next request, on every instance. Without a bearer token, the
 * session cookie of a signed-in browser, looked up the same way; on a request
 * that changes something it counts only with the session's CSRF token beside
 * it. A bearer token wins over a cookie: a browser never adds it by itself.
 */
@Injectable()
export class Authenticator {
  private readonly logger = new Logger(Authenticator.name);

  constructor(
    private readonly bootstrap: StaffToken,
    private readonly db: Database,
    private readonly sessions: StaffSessions,
  ) {}

  async identify(credentials: Credentials): Promise<Identity> {
    if (credentials.authorization !== undefined) return this.identifyToken(credentials.authorization);
    if (credentials.sessionCookie !== undefined) return this.identifySession(credentials);
    return NO_CREDENTIALS;
  }

  private async identifySession(credentials: Credentials): Promise<Identity> {
    const row = await this.sessions.find(credentials.sessionCookie as string);
    if (!row) return { verdict: 'invalid', code: 'SESSION_INVALID' };
    if (row.expired) return { verdict: 'invalid', code: 'SESSION_EXPIRED' };
    if (!row.enabled) return { verdict: 'invalid', code: 'STAFF_ACCOUNT_DISABLED' };
    if (!isStaffRole(row.role)) return { verdict: 'invalid', code: 'SESSION_INVALID' };
    if (credentials.unsafe && !csrfHolds(row, credentials.csrfToken)) return { verdict: 'invalid', code: 'CSRF_TOKEN_INVALID' };
    return {
      verdict: 'staff',
      actor: { kind: 'staff', id: row.account_id, name: row.name, role: row.role },
      login: row.login,
      session: { idHash: row.id_hash, csrfToken: row.csrf_token, expiresAt: row.expires_at },
    };
  }

  private async identifyToken(authorization: string): Promise<Identity> {
    const token = bearerToken(authorization);
    if (token === undefined) return authorization ? { verdict: 'invalid', code: 'STAFF_TOKEN_INVALID' } : NO_CREDENTIALS;
    if (!token.startsWith(PERSONAL_TOKEN_PREFIX)) {
      return this.bootstrap.check(authorization) === 'staff' ? { verdict: 'staff', actor: BOOTSTRAP_ACTOR, login: null } : INVALID;
    }
    const [row] = await this.db.prepared<TokenRow>(
      `SELECT t.id AS token_id, t.revoked_at IS NOT NULL AS revoked, t.last_used_at, a.id AS account_id, a.login, a.name, a.role, a.enabled
         FROM staff_tokens t JOIN staff_accounts a ON a.id = t.account_id
        WHERE t.token_hash = $1`,
      [tokenHash(token)],
    );
    if (!row) return INVALID;
    if (row.revoked) return { verdict: 'invalid', code: 'STAFF_TOKEN_REVOKED' };
    if (!row.enabled) return { verdict: 'invalid', code: 'STAFF_ACCOUNT_DISABLED' };
    if (!isStaffRole(row.role)) return INVALID;
    if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > LAST_USE_EVERY_MS) this.noteUse(row.token_id);
    return { verdict: 'staff', actor: { kind: 'staff', id: row.account_id, name: row.name, role: row.role }, login: row.login };
  }

  /** Not awaited: a request never waits for, nor fails on, the record of its own token's use. */
  private noteUse(tokenId: string): void {
    this.db
      .prepared('UPDATE staff_tokens SET last_used_at = now() WHERE id = $1', [tokenId])
      .catch((error: Error) => this.logger.warn(`Could not record the use of token ${tokenId}: ${error.message}`));
  }
}

const INVALID: Identity = { verdict: 'invalid', code: 'STAFF_TOKEN_INVALID' };

/** The CSRF token sent is the session's own, compared in constant time; a token of another or an ended session is not. */
function csrfHolds(session: SessionRow, sent: string | undefined): boolean {
  if (!sent) return false;
  const expected = Buffer.from(session.csrf_token, 'utf8');
  const given = Buffer.from(sent, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function bearerToken(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  return /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
}

/** What staff_tokens stores of a token: its SHA-256. */
export function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
