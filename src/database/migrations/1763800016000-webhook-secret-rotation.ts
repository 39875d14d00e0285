import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook secrets are kept encrypted from now on (`v1.<keyId>.<iv>.<ciphertext>`
 * in `secret`), and a rotated-out secret stays beside the new one until
 * `previous_secret_expires_at`. The encryption of the rows already there is
 * not done here: the key is the app's, not the schema's. The app encrypts them
 * at start-up (and so does `npm run migrate`), each row with an UPDATE that only
 * matches the plaintext it read, so instances starting together are safe.
 * `secret_version` counts rotations: a rotation only applies over the version
 * it read, so two at once never lose a secret.
 */
export class WebhookSecretRotation1763800016000 implements MigrationInterface {
  name = 'WebhookSecretRotation1763800016000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE webhooks
        ADD COLUMN IF NOT EXISTS previous_secret            text,
        ADD COLUMN IF NOT EXISTS previous_secret_expires_at timestamptz,
        ADD COLUMN IF NOT EXISTS secret_version             integer NOT NULL DEFAULT 1`);
  }

  /** The secrets stay encrypted: an app older than this one would sign with the ciphertext. */
  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE webhooks
        DROP COLUMN IF EXISTS previous_secret,
        DROP COLUMN IF EXISTS previous_secret_expires_at,
        DROP COLUMN IF EXISTS secret_version`);
  }
}
