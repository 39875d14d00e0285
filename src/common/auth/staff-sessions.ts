import { Injectable, Logger } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import type { PoolClient } from 'pg';
import { AppConfig } from '../../config/app-config.js';
import { Database } from '../../database/database.js';

/** Writes of a session's last use at most this often: idle expiry is counted in minutes, not requests. */
const LAST_SEEN_EVERY_MS = 60_000;

/** A session just opened: the cookie value goes to the browser, and only its hash to the database. */
export interface OpenedSession {
  readonly cookieValue: string;
  readonly csrfToken: string;
  readonly expiresAt: Date;
}

/** A session found by its cookie, with the account it signs in. */
export interface SessionRow {
  readonly id_hash: Buffer;
  readonly csrf_token: string;
  readonly expires_at: Date;
  readonly last_seen_at: Date;
  readonly expired: boolean;
  readonly account_id: string;
  readonly login: string;
  readonly name: string;
  readonly role: string;
  readonly enabled: boolean;
}

/**
 * The server-side sessions the web UI's cookie names. The cookie is 256
 * random bits; the table keeps its SHA-256, so a copy of the database opens no
 * session. Every request looks its session up (like a personal token), so
 * signing out, a disabled account or a new password end it on every instance
 * at once. A session ends after sessionIdleSeconds without a request, or
 * sessionMaxAgeSeconds after sign-in.
 */
@Injectable()
export class StaffSessions {
  private readonly logger = new Logger(StaffSessions.name);

  constructor(
    private readonly db: Database,
    private readonly config: AppConfig,
  ) {}

  async open(accountId: string): Promise<OpenedSession> {
    const cookieValue = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const [row] = await this.db.query<{ expires_at: Date }>(
      `INSERT INTO staff_sessions (id_hash, account_id, csrf_token, created_at, last_seen_at, expires_at)
       VALUES ($1, $2, $3, now(), now(), now() + make_interval(secs => $4)) RETURNING expires_at`,
      [sessionHash(cookieValue), accountId, csrfToken, this.config.sessionMaxAgeSeconds],
    );
    // Sessions nobody signed out of would pile up: each sign-in sweeps the ones long over.
    this.db
      .query('DELETE FROM staff_sessions WHERE expires_at < now() OR last_seen_at < now() - make_interval(secs => $1)', [
        this.config.sessionIdleSeconds,
      ])
      .catch((error: Error) => this.logger.warn(`Could not sweep ended sessions: ${error.message}`));
    return { cookieValue, csrfToken, expiresAt: row.expires_at };
  }

  async find(cookieValue: string): Promise<SessionRow | undefined> {
    const [row] = await this.db.prepared<SessionRow>(
      `SELECT s.id_hash, s.csrf_token, s.expires_at, s.last_seen_at,
              (s.expires_at <= now() OR s.last_seen_at <= now() - make_interval(secs => $2)) AS expired,
              a.id AS account_id, a.login, a.name, a.role, a.enabled
         FROM staff_sessions s JOIN staff_accounts a ON a.id = s.account_id
        WHERE s.id_hash = $1`,
      [sessionHash(cookieValue), this.config.sessionIdleSeconds],
    );
    if (row && !row.expired && Date.now() - row.last_seen_at.getTime() > LAST_SEEN_EVERY_MS) this.noteUse(row.id_hash);
    return row;
  }

  async end(idHash: Buffer): Promise<void> {
    await this.db.query('DELETE FROM staff_sessions WHERE id_hash = $1', [idHash]);
  }

  /** Ends every session of an account, inside the caller's transaction when it gives one. */
  async endAllOf(accountId: string, executor?: PoolClient): Promise<void> {
    await this.db.query('DELETE FROM staff_sessions WHERE account_id = $1', [accountId], executor);
  }

  /** Not awaited: a request never waits for, nor fails on, the record of its own session's use. */
  private noteUse(idHash: Buffer): void {
    this.db
      .prepared('UPDATE staff_sessions SET last_seen_at = now() WHERE id_hash = $1', [idHash])
      .catch((error: Error) => this.logger.warn(`Could not record a session's use: ${error.message}`));
  }
}

function sessionHash(cookieValue: string): Buffer {
  return createHash('sha256').update(cookieValue, 'utf8').digest();
}
