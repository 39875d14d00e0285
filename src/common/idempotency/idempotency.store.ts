import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppError } from '../errors/app-error.js';
import { Database, type Queryable } from '../../database/database.js';

export interface StoredResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** A claim's `lease` names it: releasing it frees the key only if no later request has taken it over. */
export type Claim = { kind: 'claimed'; lease: string } | { kind: 'replay'; response: StoredResponse };

const KEEP_HOURS = 24;
/** How long a claim holds before a retry may take it over: a request that died mid-way wrote nothing. */
const LEASE_SECONDS = 30;
/** How often a release that could not reach the database is tried again, while its lease lasts. */
const RELEASE_RETRY_MS = 500;

/**
 * Idempotency-Key records in PostgreSQL, so they hold across app instances and
 * restarts. Claiming a key is one statement; completing it happens inside the
 * transaction that appends the request's events.
 */
@Injectable()
export class IdempotencyStore implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(IdempotencyStore.name);
  private purgeTimer: NodeJS.Timeout | undefined;
  private readonly releaseTimers = new Set<NodeJS.Timeout>();

  constructor(private readonly db: Database) {}

  onApplicationBootstrap(): void {
    this.purgeTimer = setInterval(() => {
      this.purgeExpired().catch((error: Error) => this.logger.warn(`Purging expired idempotency keys failed: ${error.message}`));
    }, 15 * 60_000);
    this.purgeTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
    for (const timer of this.releaseTimers) clearTimeout(timer);
    this.releaseTimers.clear();
  }

  async claim(key: string, fingerprint: string): Promise<Claim> {
    const [row] = await this.db.query<{
      claimed: boolean;
      fingerprint: string;
      status: string;
      response_status: number | null;
      response_body: unknown;
      response_headers: Record<string, string> | null;
      lease: string;
    }>(
      `WITH claimed AS (
         INSERT INTO idempotency_keys AS k (key, fingerprint, status, locked_until, expires_at)
         VALUES ($1, $2, 'in_flight', now() + make_interval(secs => $3), now() + make_interval(hours => $4))
         ON CONFLICT (key) DO UPDATE
           SET fingerprint = excluded.fingerprint, status = 'in_flight', response_status = NULL,
               response_body = NULL, response_headers = NULL, created_at = now(),
               locked_until = excluded.locked_until, expires_at = excluded.expires_at
         WHERE k.expires_at < now()
            OR (k.status = 'in_flight' AND k.locked_until < now() AND k.fingerprint = excluded.fingerprint)
         RETURNING true AS claimed, fingerprint, status, response_status, response_body, response_headers, locked_until::text AS lease
       )
       SELECT * FROM claimed
       UNION ALL
       SELECT false, fingerprint, status, response_status, response_body, response_headers, NULL
         FROM idempotency_keys WHERE key = $1 AND NOT EXISTS (SELECT 1 FROM claimed)`,
      [key, fingerprint, LEASE_SECONDS, KEEP_HOURS],
    );
    if (!row) throw new AppError('IDEMPOTENCY_KEY_IN_FLIGHT', 'A request with this Idempotency-Key is still being processed');
    if (row.claimed) return { kind: 'claimed', lease: row.lease };
    if (row.fingerprint !== fingerprint) {
      throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used for a different request');
    }
    if (row.status !== 'done') {
      throw new AppError('IDEMPOTENCY_KEY_IN_FLIGHT', 'A request with this Idempotency-Key is still being processed');
    }
    return {
      kind: 'replay',
      response: { status: row.response_status!, body: row.response_body, headers: row.response_headers ?? {} },
    };
  }

  /** Records the answer; inside the write's own transaction when one is given. */
  async complete(key: string, response: StoredResponse, executor?: Queryable): Promise<void> {
    await this.db.query(
      `UPDATE idempotency_keys SET status = 'done', response_status = $2, response_body = $3::jsonb, response_headers = $4::jsonb
        WHERE key = $1`,
      [key, response.status, JSON.stringify(response.body ?? null), JSON.stringify(response.headers)],
      executor,
    );
  }

  /**
   * A request that failed wrote nothing: its key is free for a corrected retry.
   * Only its own claim is freed, never that of a retry which took the key over
   * after the lease ran out. When the database cannot be reached (the reason the
   * request failed, often), the release is tried again while the lease lasts, so
   * a retry after the outage is not told 409 for a request that is long gone.
   */
  async release(key: string, lease: string): Promise<void> {
    const giveUpAt = Date.now() + LEASE_SECONDS * 1000;
    const attempt = async (): Promise<void> => {
      try {
        await this.db.query(`DELETE FROM idempotency_keys WHERE key = $1 AND status = 'in_flight' AND locked_until = $2::timestamptz`, [
          key,
          lease,
        ]);
      } catch (error) {
        if (Date.now() + RELEASE_RETRY_MS >= giveUpAt) {
          this.logger.warn(`Could not release Idempotency-Key claim; its lease frees it: ${(error as Error).message}`);
          return;
        }
        const timer = setTimeout(() => {
          this.releaseTimers.delete(timer);
          void attempt();
        }, RELEASE_RETRY_MS);
        timer.unref();
        this.releaseTimers.add(timer);
      }
    };
    await attempt();
  }

  async purgeExpired(): Promise<number> {
    const rows = await this.db.query('DELETE FROM idempotency_keys WHERE expires_at < now() RETURNING key');
    return rows.length;
  }
}
