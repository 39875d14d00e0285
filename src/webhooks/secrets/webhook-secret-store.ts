import { randomBytes } from 'node:crypto';
import { AppError } from '../../common/errors/app-error.js';
import type { AnswerSealer } from '../../common/idempotency/idempotency.interceptor.js';
import type { AppConfig } from '../../config/app-config.js';
import type { Database } from '../../database/database.js';
import { SecretCipher, SecretUnreadable } from './secret-cipher.js';
import { loadWebhookSecretKeys } from './webhook-secret-keys.js';

/** The secret columns of a webhook row, as stored. */
const COLUMNS = ['secret', 'previous_secret'] as const;
type SecretColumn = (typeof COLUMNS)[number];

export interface RotatedSecret {
  id: string;
  secret: string;
  previousSecretExpiresAt: string;
}

export interface ResealReport {
  /** Secrets written again under the current key. */
  resealed: number;
  /** Secrets no configured key opens, left as they are: `<webhook id> <column>: <why>`. */
  unreadable: string[];
}

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/**
 * The webhook secrets at rest: encrypted on the way in, and every rewrite of a
 * stored secret (encrypting the plaintext of older rows, re-encrypting under a
 * new key, rotating) is an UPDATE that only matches the text it read, so it is
 * idempotent and safe with other instances doing the same at the same time.
 */
export class WebhookSecretStore implements AnswerSealer {
  constructor(
    private readonly db: Database,
    readonly cipher: SecretCipher,
  ) {}

  /** With the keys the app would use: for the command-line tasks, which run without the app's modules. */
  static async forConfig(config: AppConfig, db: Database): Promise<WebhookSecretStore> {
    return new WebhookSecretStore(db, new SecretCipher((await loadWebhookSecretKeys(config)).keys));
  }

  seal(secret: string): string {
    return this.cipher.seal(secret);
  }

  /** The `secret` of an answer kept for Idempotency-Key replays, encrypted like the stored secrets. */
  sealAnswer(body: unknown): unknown {
    return hasSecret(body) ? { ...body, secret: this.cipher.seal(body.secret) } : body;
  }

  openAnswer(stored: unknown): unknown {
    return hasSecret(stored) && SecretCipher.isSealed(stored.secret) ? { ...stored, secret: this.cipher.open(stored.secret) } : stored;
  }

  /** Encrypts the secrets stored before encryption was (rows of older versions of the app); returns how many. */
  async sealPlaintext(): Promise<number> {
    let sealed = 0;
    for (const column of COLUMNS) {
      const rows = await this.db.query<{ id: string; stored: string }>(
        `SELECT id, ${column} AS stored FROM webhooks WHERE ${column} IS NOT NULL AND ${column} NOT LIKE 'v1.%'`,
      );
      for (const row of rows) sealed += await this.replace(row.id, column, row.stored, this.cipher.seal(row.stored));
    }
    return sealed;
  }

  /** Rewrites every stored secret under the current key (the step between adding a key and dropping the old one). */
  async resealAll(): Promise<ResealReport> {
    const report: ResealReport = { resealed: 0, unreadable: [] };
    for (const column of COLUMNS) {
      const rows = await this.db.query<{ id: string; stored: string }>(
        `SELECT id, ${column} AS stored FROM webhooks WHERE ${column} IS NOT NULL AND ${column} NOT LIKE $1 ORDER BY id`,
        // A key id may hold "_", which LIKE reads as any one character.
        [`v1.${this.cipher.currentKeyId.replaceAll('_', '\\_')}.%`],
      );
      for (const row of rows) {
        try {
          const plaintext = SecretCipher.isSealed(row.stored) ? this.cipher.open(row.stored) : row.stored;
          report.resealed += await this.replace(row.id, column, row.stored, this.cipher.seal(plaintext));
        } catch (error) {
          if (!(error instanceof SecretUnreadable)) throw error;
          report.unreadable.push(`${row.id} ${column}: ${error.reason}`);
        }
      }
    }
    return report;
  }

  /**
   * A new secret for the webhook; the current one becomes the previous one,
   * still signing until the overlap ends. It applies only over the secret
   * version it read: a rotation that lost a race answers 409, and each secret
   * handed out in a 200 is one the row holds.
   */
  async rotate(id: string, overlapSeconds: number): Promise<RotatedSecret> {
    const [current] = await this.db.query<{ secret_version: number }>(
      'SELECT secret_version FROM webhooks WHERE id = $1 AND deleted_at IS NULL',
      [id],
    );
    if (!current) throw webhookNotFound(id);
    const secret = newWebhookSecret();
    const [rotated] = await this.db.query<{ previous_secret_expires_at: Date }>(
      `UPDATE webhooks
          SET previous_secret = secret, previous_secret_expires_at = now() + make_interval(secs => $3),
              secret = $2, secret_version = secret_version + 1
        WHERE id = $1 AND deleted_at IS NULL AND secret_version = $4
       RETURNING previous_secret_expires_at`,
      [id, this.cipher.seal(secret), overlapSeconds, current.secret_version],
    );
    if (!rotated) {
      const [still] = await this.db.query<{ found: number }>('SELECT 1 AS found FROM webhooks WHERE id = $1 AND deleted_at IS NULL', [id]);
      if (!still) throw webhookNotFound(id);
      throw new AppError(
        'WEBHOOK_SECRET_ROTATION_CONFLICT',
        `The secret of webhook ${id} was rotated by another request at the same time; nothing changed here. The other rotation's secret is the current one`,
      );
    }
    return { id, secret, previousSecretExpiresAt: rotated.previous_secret_expires_at.toISOString() };
  }

  private async replace(id: string, column: SecretColumn, from: string, to: string): Promise<number> {
    const updated = await this.db.query(`UPDATE webhooks SET ${column} = $3 WHERE id = $1 AND ${column} = $2 RETURNING id`, [id, from, to]);
    return updated.length;
  }
}

function hasSecret(body: unknown): body is { secret: string } {
  return typeof body === 'object' && body !== null && typeof (body as { secret?: unknown }).secret === 'string';
}

export function webhookNotFound(id: string): AppError {
  return new AppError('WEBHOOK_NOT_FOUND', `No webhook with id ${id}`);
}
