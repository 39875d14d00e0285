import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbound webhooks. Each row is also its delivery worker's checkpoint in the
 * log, (transaction_id, position) like a projection's, and the counters the
 * admin API and /metrics show. The secret is kept as it is because every
 * delivery is signed with it. Deleting only sets deleted_at, so what a webhook
 * delivered stays explainable.
 */
export class CreateWebhooks1763800008000 implements MigrationInterface {
  name = 'CreateWebhooks1763800008000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE webhooks (
        id                    uuid PRIMARY KEY,
        url                   text        NOT NULL,
        event_types           text[]      NOT NULL CHECK (cardinality(event_types) > 0),
        secret                text        NOT NULL,
        created_at            timestamptz NOT NULL DEFAULT now(),
        deleted_at            timestamptz,
        transaction_id        xid8        NOT NULL DEFAULT '0',
        position              bigint      NOT NULL DEFAULT 0,
        status                text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'failing')),
        last_error            text,
        last_error_at         timestamptz,
        delivered_count       bigint      NOT NULL DEFAULT 0,
        failed_attempts       bigint      NOT NULL DEFAULT 0,
        consecutive_failures  integer     NOT NULL DEFAULT 0,
        last_delivered_at     timestamptz
      )`);
    await db.query(`CREATE INDEX webhooks_live_idx ON webhooks (created_at) WHERE deleted_at IS NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS webhooks`);
  }
}
