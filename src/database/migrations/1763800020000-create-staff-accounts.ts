import type { MigrationInterface, QueryRunner } from 'typeorm';

const STAFF_ACCOUNTS = `
  CREATE TABLE staff_accounts (
    id          uuid PRIMARY KEY,
    login       text        NOT NULL UNIQUE,
    name        text        NOT NULL,
    role        text        NOT NULL CHECK (role IN ('counter', 'kitchen', 'driver', 'manager')),
    enabled     boolean     NOT NULL DEFAULT true,
    version     integer     NOT NULL,
    created_at  timestamptz NOT NULL,
    created_by  text        NOT NULL,
    updated_at  timestamptz NOT NULL,
    updated_by  text        NOT NULL
  )`;

const STAFF_TOKENS = `
  CREATE TABLE staff_tokens (
    id           uuid PRIMARY KEY,
    account_id   uuid        NOT NULL REFERENCES staff_accounts (id),
    label        text        NOT NULL,
    token_hash   bytea       NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL,
    created_by   text        NOT NULL,
    last_used_at timestamptz,
    revoked_at   timestamptz
  )`;

/**
 * Staff accounts and their personal API tokens: what a request's credentials
 * are checked against. Every change to them is also an event in the log
 * (stream `staff-<id>`), appended in the same transaction, so the audit of who
 * may do what is the log's; these tables are its current state, kept inline
 * because authentication cannot wait for a projection to catch up. A token is
 * stored only as its SHA-256 (it is 256 random bits: no salt or slow hash is
 * needed), never as itself.
 */
export class CreateStaffAccounts1763800020000 implements MigrationInterface {
  name = 'CreateStaffAccounts1763800020000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(STAFF_ACCOUNTS);
    await db.query(STAFF_TOKENS);
    await db.query(`CREATE INDEX ON staff_tokens (account_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS staff_tokens`);
    await db.query(`DROP TABLE IF EXISTS staff_accounts`);
  }
}
