import { Injectable } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { StaffActor } from '../common/auth/actor.js';
import { PERSONAL_TOKEN_PREFIX, tokenHash } from '../common/auth/authenticator.js';
import { StaffSessions } from '../common/auth/staff-sessions.js';
import type { StaffRole } from '../common/auth/staff-roles.js';
import { AppError } from '../common/errors/app-error.js';
import { isUuid } from '../common/uuid.js';
import { versionHolds, type ExpectedVersion } from '../common/if-match.js';
import { Database } from '../database/database.js';
import { EventStore } from '../event-store/event-store.js';
import { hashPassword } from './sign-in/passwords.js';
import {
  StaffAccountCreated,
  StaffAccountDisabled,
  StaffAccountEnabled,
  type StaffEvent,
  StaffPasswordSet,
  StaffRoleChanged,
  staffStreamId,
  StaffTokenCreated,
  StaffTokenRevoked,
} from './staff-events.js';

/** Who makes a change to the accounts, and under which request: both go into the events' metadata. */
export interface AccountsWriter {
  readonly actor: StaffActor;
  readonly correlationId: string;
}

export interface StaffAccount {
  readonly id: string;
  readonly login: string;
  readonly name: string;
  readonly role: StaffRole;
  readonly enabled: boolean;
  readonly hasPassword: boolean;
  readonly version: number;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

export interface StaffTokenInfo {
  readonly id: string;
  readonly label: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}

interface AccountRow {
  id: string;
  login: string;
  name: string;
  role: StaffRole;
  enabled: boolean;
  password_hash: string | null;
  version: number;
  created_at: Date;
  created_by: string;
  updated_at: Date;
  updated_by: string;
}

interface TokenRow {
  id: string;
  label: string;
  created_at: Date;
  created_by: string;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

/**
 * The staff accounts and their personal API tokens. Every change is one
 * transaction that appends its event to the account's stream (with the
 * expected version: two managers changing one account at once cannot both
 * win) and updates the tables the authenticator reads, so the log and what is
 * enforced never disagree.
 */
@Injectable()
export class StaffAccounts {
  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
    private readonly sessions: StaffSessions,
  ) {}

  async create(input: { login: string; name: string; role: StaffRole; password?: string }, by: AccountsWriter): Promise<StaffAccount> {
    const id = randomUUID();
    const { password, ...fields } = input;
    // Hashed before the transaction: the slow part holds no lock and no connection.
    const passwordHash = password === undefined ? null : await hashPassword(password);
    const account = await this.db.transaction(async (tx) => {
      const [row] = await this.db.query<AccountRow>(
        `INSERT INTO staff_accounts (id, login, name, role, enabled, password_hash, version, created_at, created_by, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, true, $5, 1, now(), $6, now(), $6)
         ON CONFLICT (login) DO NOTHING RETURNING *`,
        [id, fields.login, fields.name, fields.role, passwordHash, by.actor.id],
        tx,
      );
      if (!row) throw new AppError('STAFF_LOGIN_TAKEN', `There is already an account with the login ${fields.login}`);
      // The password is the account's from the start, not a change to it: no StaffPasswordSet.
      await this.append(tx, id, 0, [new StaffAccountCreated({ accountId: id, ...fields })], by);
      return row;
    });
    this.store.announceAppended();
    return toAccount(account);
  }

  async list(): Promise<StaffAccount[]> {
    return (await this.db.query<AccountRow>('SELECT * FROM staff_accounts ORDER BY login')).map(toAccount);
  }

  async get(id: string): Promise<StaffAccount> {
    const [row] = isUuid(id) ? await this.db.query<AccountRow>('SELECT * FROM staff_accounts WHERE id = $1', [id]) : [];
    if (!row) throw accountNotFound(id);
    return toAccount(row);
  }

  /** Changes the role or enables/disables the account; only what differs becomes an event. */
  async change(
    id: string,
    input: { role?: StaffRole; enabled?: boolean },
    expected: ExpectedVersion | undefined,
    by: AccountsWriter,
  ): Promise<StaffAccount> {
    const account = await this.db.transaction(async (tx) => {
      const row = await this.locked(tx, id, expected);
      const events: StaffEvent[] = [];
      if (input.role !== undefined && input.role !== row.role) {
        events.push(new StaffRoleChanged({ accountId: id, from: row.role, to: input.role }));
      }
      if (input.enabled !== undefined && input.enabled !== row.enabled) {
        events.push(input.enabled ? new StaffAccountEnabled({ accountId: id }) : new StaffAccountDisabled({ accountId: id }));
      }
      if (events.length === 0) return row;
      await this.append(tx, id, row.version, events, by);
      // A disabled account's sessions are refused while it is disabled; enabled again, it signs in afresh.
      if (input.enabled === true) await this.sessions.endAllOf(id, tx);
      const [updated] = await this.db.query<AccountRow>(
        `UPDATE staff_accounts SET role = $2, enabled = $3, version = $4, updated_at = now(), updated_by = $5 WHERE id = $1 RETURNING *`,
        [id, input.role ?? row.role, input.enabled ?? row.enabled, row.version + events.length, by.actor.id],
        tx,
      );
      return updated;
    });
    this.store.announceAppended();
    return toAccount(account);
  }

  /** Sets the account's password and ends its open sessions: whoever signed in with the old one is signed out. */
  async setPassword(id: string, password: string, by: AccountsWriter): Promise<void> {
    const passwordHash = await hashPassword(password);
    await this.db.transaction(async (tx) => {
      const account = await this.locked(tx, id, undefined);
      await this.db.query('UPDATE staff_accounts SET password_hash = $2 WHERE id = $1', [id, passwordHash], tx);
      await this.sessions.endAllOf(id, tx);
      await this.append(tx, id, account.version, [new StaffPasswordSet({ accountId: id })], by);
      await this.bumpVersion(tx, account, by);
    });
    this.store.announceAppended();
  }

  /** A new personal API token for the account: the token itself is in this answer only, the database keeps its hash. */
  async issueToken(accountId: string, label: string, by: AccountsWriter): Promise<StaffTokenInfo & { token: string }> {
    const tokenId = randomUUID();
    const token = `${PERSONAL_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const row = await this.db.transaction(async (tx) => {
      const account = await this.locked(tx, accountId, undefined);
      const [inserted] = await this.db.query<TokenRow>(
        `INSERT INTO staff_tokens (id, account_id, label, token_hash, created_at, created_by)
         VALUES ($1, $2, $3, $4, now(), $5) RETURNING id, label, created_at, created_by, last_used_at, revoked_at`,
        [tokenId, accountId, label, tokenHash(token), by.actor.id],
        tx,
      );
      await this.append(tx, accountId, account.version, [new StaffTokenCreated({ accountId, tokenId, label })], by);
      await this.bumpVersion(tx, account, by);
      return inserted;
    });
    this.store.announceAppended();
    return { ...toToken(row), token };
  }

  async tokens(accountId: string): Promise<StaffTokenInfo[]> {
    await this.get(accountId);
    const rows = await this.db.query<TokenRow>(
      `SELECT id, label, created_at, created_by, last_used_at, revoked_at FROM staff_tokens WHERE account_id = $1 ORDER BY created_at, id`,
      [accountId],
    );
    return rows.map(toToken);
  }

  /** Revokes a token; revoking it again changes nothing. It stops working on the next request. */
  async revokeToken(accountId: string, tokenId: string, by: AccountsWriter): Promise<void> {
    const revoked = await this.db.transaction(async (tx) => {
      const account = await this.locked(tx, accountId, undefined);
      const [token] = isUuid(tokenId)
        ? await this.db.query<{ revoked_at: Date | null }>(
            'SELECT revoked_at FROM staff_tokens WHERE id = $1 AND account_id = $2',
            [tokenId, accountId],
            tx,
          )
        : [];
      if (!token) throw new AppError('STAFF_TOKEN_NOT_FOUND', `This account has no token with id ${tokenId}`);
      if (token.revoked_at) return false;
      await this.db.query('UPDATE staff_tokens SET revoked_at = now() WHERE id = $1', [tokenId], tx);
      await this.append(tx, accountId, account.version, [new StaffTokenRevoked({ accountId, tokenId })], by);
      await this.bumpVersion(tx, account, by);
      return true;
    });
    if (revoked) this.store.announceAppended();
  }

  /** The account's row, locked for this transaction, at the version the client expects (If-Match) if it says one. */
  private async locked(tx: PoolClient, id: string, expected: ExpectedVersion | undefined): Promise<AccountRow> {
    const [row] = isUuid(id) ? await this.db.query<AccountRow>('SELECT * FROM staff_accounts WHERE id = $1 FOR UPDATE', [id], tx) : [];
    if (!row) throw accountNotFound(id);
    if (expected !== undefined && !versionHolds(expected, row.version)) {
      throw new AppError('VERSION_MISMATCH', `The account is at version ${row.version}, not ${expected.version}: reload it and try again`, {
        currentVersion: row.version,
      });
    }
    return row;
  }

  private async bumpVersion(tx: PoolClient, account: AccountRow, by: AccountsWriter): Promise<void> {
    await this.db.query(
      'UPDATE staff_accounts SET version = $2, updated_at = now(), updated_by = $3 WHERE id = $1',
      [account.id, account.version + 1, by.actor.id],
      tx,
    );
  }

  private async append(
    tx: PoolClient,
    accountId: string,
    expectedVersion: number,
    events: StaffEvent[],
    by: AccountsWriter,
  ): Promise<void> {
    await this.store.append(staffStreamId(accountId), events, expectedVersion, {
      executor: tx,
      metadata: { correlationId: by.correlationId, causationId: randomUUID(), actor: by.actor },
    });
  }
}

function accountNotFound(id: string): AppError {
  return new AppError('STAFF_ACCOUNT_NOT_FOUND', `No staff account with id ${id}`);
}

function toAccount(row: AccountRow): StaffAccount {
  return {
    id: row.id,
    login: row.login,
    name: row.name,
    role: row.role,
    enabled: row.enabled,
    hasPassword: row.password_hash !== null,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
    updatedAt: row.updated_at.toISOString(),
    updatedBy: row.updated_by,
  };
}

function toToken(row: TokenRow): StaffTokenInfo {
  return {
    id: row.id,
    label: row.label,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}
