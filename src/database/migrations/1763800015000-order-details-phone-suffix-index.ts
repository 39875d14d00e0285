import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Staff find a customer's orders by any 4 or more trailing digits of the
 * phone (GET /orders?phone=5678), whatever was typed before them (a country
 * code, a leading 0). A suffix is a prefix of the reversed digits, which a
 * text_pattern_ops index answers with LIKE 'digits%'. The exact-match index
 * on phone_digits has no query left.
 */
export class OrderDetailsPhoneSuffixIndex1763800015000 implements MigrationInterface {
  name = 'OrderDetailsPhoneSuffixIndex1763800015000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX IF NOT EXISTS order_details_phone_suffix_idx ON order_details (reverse(phone_digits) text_pattern_ops)`);
    await db.query(`DROP INDEX IF EXISTS order_details_phone_digits_placed_at_order_id_idx`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE INDEX IF NOT EXISTS order_details_phone_digits_placed_at_order_id_idx ON order_details (phone_digits, placed_at DESC, order_id DESC)`,
    );
    await db.query(`DROP INDEX IF EXISTS order_details_phone_suffix_idx`);
  }
}
