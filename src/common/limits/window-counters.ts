import { Injectable, Logger } from '@nestjs/common';
import { Database } from '../../database/database.js';

/** A key's count in its current window, and how long until that window ends. */
export interface WindowCount {
  readonly key: string;
  readonly hits: number;
  readonly retryAfterMs: number;
}

/**
 * Fixed-window counters in PostgreSQL, so a limit holds across every instance
 * behind a load balancer: the sign-in attempt limits, and the customers' write
 * rate limit with RATE_LIMIT_STORE=postgres. A hit is one atomic upsert that
 * returns the new count, so concurrent requests on any instances cannot both
 * see the last free place. The table is UNLOGGED: counts cost no WAL and a
 * crash of the database forgets them, which only ever errs towards letting
 * a client in.
 */
@Injectable()
export class WindowCounters {
  private readonly logger = new Logger(WindowCounters.name);

  constructor(private readonly db: Database) {}

  /** Counts one hit on each key (distinct keys) in a window of windowMs; a window that has ended starts afresh. */
  async hit(keys: readonly string[], windowMs: number): Promise<WindowCount[]> {
    const rows = await this.db.prepared<{ key: string; hits: number; retry_after_ms: number }>(
      `INSERT INTO window_counts AS c (key, hits, window_started_at) SELECT unnest($1::text[]), 1, now()
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN c.window_started_at <= now() - make_interval(secs => $2 / 1000.0) THEN 1 ELSE c.hits + 1 END,
         window_started_at = CASE WHEN c.window_started_at <= now() - make_interval(secs => $2 / 1000.0) THEN now() ELSE c.window_started_at END
       RETURNING key, hits,
         greatest(1, ceil(extract(epoch FROM c.window_started_at + make_interval(secs => $2 / 1000.0) - now()) * 1000))::int AS retry_after_ms`,
      [keys, windowMs],
    );
    return rows.map((row) => ({ key: row.key, hits: row.hits, retryAfterMs: row.retry_after_ms }));
  }

  /** Takes one hit back (a sign-in that succeeded was not a guess). */
  async takeBack(key: string): Promise<void> {
    await this.db.query('UPDATE window_counts SET hits = greatest(hits - 1, 0) WHERE key = $1', [key]);
  }

  async forget(key: string): Promise<void> {
    await this.db.query('DELETE FROM window_counts WHERE key = $1', [key]);
  }

  /**
   * Deletes the counts of the keys with this prefix (one limit's, whose window
   * is windowMs) whose window has ended. Not awaited by callers' requests.
   */
  sweep(prefix: string, windowMs: number): void {
    this.db
      .query("DELETE FROM window_counts WHERE key LIKE $1 || '%' AND window_started_at < now() - make_interval(secs => $2 / 1000.0)", [
        prefix,
        windowMs,
      ])
      .catch((error: Error) => this.logger.warn(`Could not sweep old window counts: ${error.message}`));
  }
}
