import { HttpStatus, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ApiError } from '../errors/api-error.js';
import { Database, type Queryable } from '../../database/database.js';

export interface StoredResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export type Claim = { kind: 'claimed' } | { kind: 'replay'; response: StoredResponse };

const KEEP_HOURS = 24;
/** How long a claim holds before a retry may take it over: a request that died mid-way wrote nothing. */
const LEASE_SECONDS = 30;

/**
 * Idempotency-Key records in PostgreSQL, so they hold across app instances and
 * restarts. Claiming a key is one statement; completing it happens inside the
 * transaction that appends the request's events.
 */
@Injectable()
export class IdempotencyStore implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(IdempotencyStore.name);
  private purgeTimer: NodeJS.Timeout | undefined;

  constructor(private readonly db: Database) {}

  onApplicationBootstrap(): void {
    this.purgeTimer = setInterval(() => {
      this.purgeExpired().catch((error: Error) => this.logger.warn(`Purging expired idempotency keys failed: ${error.message}`));
    }, 15 * 60_000);
    this.purgeTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
  }

  async claim(key: string, fingerprint: string): Promise<Claim> {
    const [row] = await this.db.query<{
      claimed: boolean;
      fingerprint: string;
      status: string;
      response_status: number | null;
      response_body: unknown;
      response_headers: Record<string, string> | null;
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
         RETURNING true AS claimed, fingerprint, status, response_status, response_body, response_headers
       )
       SELECT * FROM claimed
       UNION ALL
       SELECT false, fingerprint, status, response_status, response_body, response_headers
         FROM idempotency_keys WHERE key = $1 AND NOT EXISTS (SELECT 1 FROM claimed)`,
      [key, fingerprint, LEASE_SECONDS, KEEP_HOURS],
    );
    if (!row) throw new ApiError(HttpStatus.CONFLICT, 'IDEMPOTENCY_KEY_IN_FLIGHT', 'A request with this Idempotency-Key is still being processed');
    if (row.claimed) return { kind: 'claimed' };
    if (row.fingerprint !== fingerprint) {
      throw new ApiError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was already used for a different request',
      );
    }
    if (row.status !== 'done') {
      throw new ApiError(HttpStatus.CONFLICT, 'IDEMPOTENCY_KEY_IN_FLIGHT', 'A request with this Idempotency-Key is still being processed');
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

  /** A request that failed wrote nothing: its key is free for a corrected retry. */
  async release(key: string): Promise<void> {
    await this.db.query(`DELETE FROM idempotency_keys WHERE key = $1 AND status = 'in_flight'`, [key]);
  }

  async purgeExpired(): Promise<number> {
    const rows = await this.db.query('DELETE FROM idempotency_keys WHERE expires_at < now() RETURNING key');
    return rows.length;
  }
}
