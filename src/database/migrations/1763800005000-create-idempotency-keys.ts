import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency-Key records. A write's record is completed in the same transaction
 * as its events, so a retry after a crash either replays the stored answer or
 * finds that nothing was written.
 */
export class CreateIdempotencyKeys1763800005000 implements MigrationInterface {
  name = 'CreateIdempotencyKeys1763800005000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE idempotency_keys (
        key             text PRIMARY KEY,
        fingerprint     text        NOT NULL,
        status          text        NOT NULL CHECK (status IN ('in_flight', 'done')),
        response_status integer,
        response_body   jsonb,
        response_headers jsonb,
        created_at      timestamptz NOT NULL DEFAULT now(),
        locked_until    timestamptz NOT NULL,
        expires_at      timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX ON idempotency_keys (expires_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS idempotency_keys`);
  }
}
