import type { Database } from '../database/database.js';
import type { LogCheckpoint } from '../event-store/event-types.js';
import { CheckpointMoved, SubscriberGone } from '../event-store/subscription/subscription-errors.js';

/** The webhook was deleted (perhaps through another instance): its deliveries end. */
class WebhookGone extends SubscriberGone {
  constructor() {
    super('Deleted: deliveries stop');
  }
}

/**
 * A webhook's row as its worker keeps it: the checkpoint, moved only from
 * where this worker last saw it (so a stale instance can never move it back),
 * and the counters and last error the admin API and /metrics show. A row
 * gone or moved ends or re-reads the webhook's subscription.
 */
export class WebhookProgress {
  constructor(
    private readonly db: Database,
    private readonly webhookId: string,
  ) {}

  async checkpoint(): Promise<LogCheckpoint> {
    const [row] = await this.db.query<{ transaction_id: string; position: string }>(
      'SELECT transaction_id::text AS transaction_id, position FROM webhooks WHERE id = $1 AND deleted_at IS NULL',
      [this.webhookId],
    );
    if (!row) throw new WebhookGone();
    return { transactionId: row.transaction_id, position: Number(row.position) };
  }

  /** The stored secrets deliveries are signed with now: the current one, and the previous one while its overlap lasts. */
  async secrets(): Promise<{ current: string; previous?: string }> {
    const [row] = await this.db.prepared<{ secret: string; previous_secret: string | null }>(
      `SELECT secret, CASE WHEN previous_secret_expires_at > now() THEN previous_secret END AS previous_secret
         FROM webhooks WHERE id = $1 AND deleted_at IS NULL`,
      [this.webhookId],
    );
    if (!row) throw new WebhookGone();
    return { current: row.secret, ...(row.previous_secret ? { previous: row.previous_secret } : {}) };
  }

  /** No delivery can be signed (no key opens the secret): failing at once, and not counted as the receiver's failure. */
  async cannotSign(error: string): Promise<void> {
    const updated = await this.db.query(
      `UPDATE webhooks SET status = 'failing', last_error = $2, last_error_at = now() WHERE id = $1 AND deleted_at IS NULL RETURNING id`,
      [this.webhookId, error.slice(0, 500)],
    );
    if (updated.length === 0) throw new WebhookGone();
  }

  /** Its secret opens again (the key is back): active, until a delivery says otherwise. */
  async canSignAgain(): Promise<void> {
    await this.db.query(`UPDATE webhooks SET status = 'active' WHERE id = $1 AND deleted_at IS NULL`, [this.webhookId]);
  }

  /** The receiver took the event at `to`: the checkpoint moves there and the webhook is active again. */
  async delivered(from: LogCheckpoint, to: LogCheckpoint): Promise<void> {
    await this.move(
      from,
      to,
      `delivered_count = delivered_count + 1, status = 'active', consecutive_failures = 0, last_delivered_at = now()`,
    );
  }

  /** Past events the webhook does not want, up to `to`. */
  async passed(from: LogCheckpoint, to: LogCheckpoint): Promise<void> {
    await this.move(from, to);
  }

  /** Counts a failed attempt; the webhook shows as failing once `failingAfter` have failed in a row. */
  async failed(error: string, failingAfter: number): Promise<{ status: string; consecutiveFailures: number }> {
    const [row] = await this.db.query<{ status: string; consecutive_failures: number }>(
      `UPDATE webhooks
          SET failed_attempts = failed_attempts + 1, consecutive_failures = consecutive_failures + 1,
              last_error = $2, last_error_at = now(),
              status = CASE WHEN consecutive_failures + 1 >= $3 THEN 'failing' ELSE status END
        WHERE id = $1 AND deleted_at IS NULL
       RETURNING status, consecutive_failures`,
      [this.webhookId, error.slice(0, 500), failingAfter],
    );
    if (!row) throw new WebhookGone();
    return { status: row.status, consecutiveFailures: row.consecutive_failures };
  }

  /** Records a problem that is not the receiver's, without counting it as a failed delivery. */
  async note(error: string): Promise<void> {
    await this.db.query('UPDATE webhooks SET last_error = $2, last_error_at = now() WHERE id = $1', [this.webhookId, error.slice(0, 500)]);
  }

  private async move(from: LogCheckpoint, to: LogCheckpoint, alsoSet?: string): Promise<void> {
    const moved = await this.db.query(
      `UPDATE webhooks SET transaction_id = $2::xid8, position = $3${alsoSet ? `, ${alsoSet}` : ''}
        WHERE id = $1 AND deleted_at IS NULL AND transaction_id = $4::xid8 AND position = $5
       RETURNING id`,
      [this.webhookId, to.transactionId, to.position, from.transactionId, from.position],
    );
    if (moved.length === 0) throw new CheckpointMoved();
  }
}
