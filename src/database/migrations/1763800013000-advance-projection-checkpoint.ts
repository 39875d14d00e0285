import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A projection's batch goes to PostgreSQL as one message: this call first, then
 * the batch's writes, run by the server as one transaction. Moving the
 * checkpoint only from where the runner left it is the guard against a rebuild
 * that swapped the tables meanwhile; when it has moved, the error rolls the
 * whole batch back. The notification is delivered on commit.
 */
export class AdvanceProjectionCheckpoint1763800013000 implements MigrationInterface {
  name = 'AdvanceProjectionCheckpoint1763800013000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION advance_projection_checkpoint(
        projection text, from_transaction xid8, from_position bigint, to_transaction xid8, to_position bigint
      ) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE projection_checkpoints
           SET transaction_id = to_transaction, position = to_position, updated_at = now()
         WHERE name = projection AND transaction_id = from_transaction AND position = from_position;
        IF NOT FOUND THEN
          RAISE EXCEPTION 'the checkpoint of projection % is no longer at %', projection, from_position
            USING ERRCODE = 'PZ001';
        END IF;
        PERFORM pg_notify('projection_progress', projection || '|' || to_transaction || '|' || to_position);
      END $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION IF EXISTS advance_projection_checkpoint(text, xid8, bigint, xid8, bigint)`);
  }
}
