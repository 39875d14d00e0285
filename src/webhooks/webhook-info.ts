import type { Database } from '../database/database.js';

export interface WebhookInfo {
  id: string;
  url: string;
  eventTypes: string[];
  position: number;
  status: 'active' | 'failing';
  lastError?: string;
  lastErrorAt?: string;
  /** Events of the wanted types in the log that have not been delivered yet. */
  lagEvents: number;
  deliveredCount: number;
  failedAttempts: number;
  consecutiveFailures: number;
  lastDeliveredAt: string | null;
  createdAt: string;
  /** While a rotated-out secret still signs beside the new one: until when. */
  previousSecretExpiresAt?: string;
  /** Whether this instance holds the webhook's lock and delivers it. */
  runsHere: boolean;
}

export interface CreatedWebhook {
  id: string;
  url: string;
  eventTypes: string[];
  secret: string;
  position: number;
  status: 'active';
  createdAt: string;
}

export interface WebhookRow {
  id: string;
  url: string;
  event_types: string[];
  position: string;
  status: 'active' | 'failing';
  last_error: string | null;
  last_error_at: Date | null;
  lag: string;
  delivered_count: string;
  failed_attempts: string;
  consecutive_failures: number;
  last_delivered_at: Date | null;
  created_at: Date;
  overlap_ends_at: Date | null;
}

/** Live webhooks (or one), with the lag of each counted from the log. */
export function selectWebhooks(db: Database, id?: string): Promise<WebhookRow[]> {
  return db.query<WebhookRow>(
    `SELECT w.id, w.url, w.event_types, w.position, w.status, w.last_error, w.last_error_at, w.delivered_count,
            w.failed_attempts, w.consecutive_failures, w.last_delivered_at, w.created_at,
            CASE WHEN w.previous_secret_expires_at > now() THEN w.previous_secret_expires_at END AS overlap_ends_at,
            (SELECT count(*) FROM events e
              WHERE (e.transaction_id, e.position) > (w.transaction_id, w.position)
                AND ('*' = ANY(w.event_types) OR e.type = ANY(w.event_types))) AS lag
       FROM webhooks w
      WHERE w.deleted_at IS NULL AND ($1::uuid IS NULL OR w.id = $1)
      ORDER BY w.created_at, w.id`,
    [id ?? null],
  );
}

/** A row as the admin API and /metrics show it; runsHere: whether this instance delivers it. */
export function webhookInfoOf(row: WebhookRow, runsHere: boolean): WebhookInfo {
  return {
    id: row.id,
    url: row.url,
    eventTypes: row.event_types,
    position: Number(row.position),
    status: row.status,
    ...(row.last_error ? { lastError: row.last_error, lastErrorAt: row.last_error_at?.toISOString() } : {}),
    lagEvents: Number(row.lag),
    deliveredCount: Number(row.delivered_count),
    failedAttempts: Number(row.failed_attempts),
    consecutiveFailures: row.consecutive_failures,
    lastDeliveredAt: row.last_delivered_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    ...(row.overlap_ends_at ? { previousSecretExpiresAt: row.overlap_ends_at.toISOString() } : {}),
    runsHere,
  };
}
