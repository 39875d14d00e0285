import type { MigrationInterface, QueryRunner } from 'typeorm';

const STAFF_SESSIONS = `
  CREATE TABLE staff_sessions (
    id_hash      bytea PRIMARY KEY,
    account_id   uuid        NOT NULL REFERENCES staff_accounts (id),
    csrf_token   text        NOT NULL,
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL
  )`;

const WINDOW_COUNTS = `
  CREATE UNLOGGED TABLE window_counts (
    key               text PRIMARY KEY,
    hits              integer     NOT NULL,
    window_started_at timestamptz NOT NULL
  )`;

/**
 * Password sign-in for the web UI: an argon2id hash per account (null: the
 * account signs in with personal tokens only), the server-side sessions a
 * cookie names, and the failed sign-ins counted per login and per client
 * address. A session is stored as the SHA-256 of its cookie value (256 random
 * bits), never as itself; signing out deletes the row, so the cookie is dead on
 * every instance at once. window_counts holds the counters of limits that must
 * hold across instances (failed sign-ins; the write rate limit with
 * RATE_LIMIT_STORE=postgres): unlogged, as a crash may forget a count.
 */
export class CreateStaffSessions1763800030000 implements MigrationInterface {
  name = 'CreateStaffSessions1763800030000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE staff_accounts ADD COLUMN password_hash text`);
    await db.query(STAFF_SESSIONS);
    await db.query(`CREATE INDEX ON staff_sessions (account_id)`);
    await db.query(`CREATE INDEX ON staff_sessions (expires_at)`);
    await db.query(WINDOW_COUNTS);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS window_counts`);
    await db.query(`DROP TABLE IF EXISTS staff_sessions`);
    await db.query(`ALTER TABLE staff_accounts DROP COLUMN IF EXISTS password_hash`);
  }
}
