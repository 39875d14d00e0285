import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Crypto-shredding of customers' personal data (see src/personal-data and the
 * README's "Personal data"). personal_data_keyring is one row: the keyring key
 * and the blind-index key, wrapped by PII_MASTER_KEY, and that key's check
 * value. personal_data_keys holds one data key per event that carries personal
 * fields (key_id is the event's id), wrapped by the keyring key, under the
 * customer's blind index: erasure deletes a customer's rows, and what they
 * opened reads as "[erased]" from then on. Its stream is its event's: no
 * stream column or index here, which cost every order's append a tenth more.
 *
 * legacy_through is the head of the log when the keyring was made: events up
 * to it were written before sealing and may hold personal fields in the clear;
 * sealed_through is how far the in-place sealing of those events has come
 * (ExistingEventsSealer), so that it resumes there.
 *
 * The staff search by phone moves from plain digits to blind indexes (an HMAC
 * of the whole number and of its last four digits): order_details loses
 * phone_digits, and is emptied for its projection to fill again from the log
 * (its checkpoint goes back to the start), since only the app holds the index
 * key. personal_data_erased marks a row whose customer was erased: the
 * projection's upsert guard lets an erasure replace a row of the same version.
 */
export class CreatePersonalDataKeys1763800040000 implements MigrationInterface {
  name = 'CreatePersonalDataKeys1763800040000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE personal_data_keyring (
        id                   smallint PRIMARY KEY CHECK (id = 1),
        key_check            bytea       NOT NULL,
        wrapped_keyring_key  bytea       NOT NULL,
        wrapped_index_key    bytea       NOT NULL,
        legacy_through       bigint      NOT NULL DEFAULT 0,
        sealed_through       bigint      NOT NULL DEFAULT 0,
        created_at           timestamptz NOT NULL DEFAULT now(),
        rotated_at           timestamptz
      )`);
    await db.query(`
      CREATE TABLE personal_data_keys (
        key_id          uuid PRIMARY KEY,
        customer_index  bytea       NOT NULL,
        wrapped_key     bytea       NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX ON personal_data_keys (customer_index)`);
    await db.query(`DROP INDEX IF EXISTS order_details_phone_suffix_idx`);
    await db.query(`DELETE FROM order_details`);
    await db.query(`UPDATE projection_checkpoints SET transaction_id = '0', position = 0, updated_at = now() WHERE name = 'order-details'`);
    await db.query(`
      ALTER TABLE order_details
        DROP COLUMN phone_digits,
        ADD COLUMN phone_index text,
        ADD COLUMN phone_suffix_index text,
        ADD COLUMN personal_data_erased boolean NOT NULL DEFAULT false`);
    await db.query(`CREATE INDEX ON order_details (phone_index, placed_at DESC, order_id DESC)`);
    await db.query(`CREATE INDEX ON order_details (phone_suffix_index, placed_at DESC, order_id DESC)`);
    await db.query(`ALTER TABLE kitchen_queue ADD COLUMN personal_data_erased boolean NOT NULL DEFAULT false`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE kitchen_queue DROP COLUMN IF EXISTS personal_data_erased`);
    await db.query(`DELETE FROM order_details`);
    await db.query(`UPDATE projection_checkpoints SET transaction_id = '0', position = 0, updated_at = now() WHERE name = 'order-details'`);
    await db.query(`
      ALTER TABLE order_details
        DROP COLUMN IF EXISTS phone_index,
        DROP COLUMN IF EXISTS phone_suffix_index,
        DROP COLUMN IF EXISTS personal_data_erased,
        ADD COLUMN phone_digits text NOT NULL`);
    await db.query(`CREATE INDEX IF NOT EXISTS order_details_phone_suffix_idx ON order_details (reverse(phone_digits) text_pattern_ops)`);
    await db.query(`DROP TABLE IF EXISTS personal_data_keys`);
    await db.query(`DROP TABLE IF EXISTS personal_data_keyring`);
  }
}
