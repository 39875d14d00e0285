import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { Database } from '../../database/database.js';

interface Count {
  key: string;
  failures: number;
  retry_after: number;
}

/**
 * Limits password guessing, per login and per client address, in PostgreSQL so
 * the limit holds across instances. Each attempt is counted before its
 * password is checked (one atomic upsert), so parallel guesses cannot slip in
 * between a check and its count; a success takes its own attempt back. Unknown
 * logins are counted exactly like real ones: the 429 tells nothing either.
 */
@Injectable()
export class SignInThrottle {
  private readonly logger = new Logger(SignInThrottle.name);

  constructor(
    private readonly db: Database,
    private readonly config: AppConfig,
  ) {}

  /** Counts an attempt; the seconds until the window ends when it is one too many, else undefined. */
  async attempt(login: string, address: string): Promise<number | undefined> {
    const window = this.config.signInFailureWindowSeconds;
    const counts = await this.db.query<Count>(
      `INSERT INTO sign_in_failures AS f (key, failures, window_started_at) VALUES ($1, 1, now()), ($2, 1, now())
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN f.window_started_at <= now() - make_interval(secs => $3) THEN 1 ELSE f.failures + 1 END,
         window_started_at = CASE WHEN f.window_started_at <= now() - make_interval(secs => $3) THEN now() ELSE f.window_started_at END
       RETURNING key, failures,
         greatest(1, ceil(extract(epoch FROM f.window_started_at + make_interval(secs => $3) - now())))::int AS retry_after`,
      [loginKey(login), addressKey(address), window],
    );
    const over = counts.filter((count) => count.failures > this.limitOf(count.key));
    if (over.length === 0) return undefined;
    if (over.some((count) => count.failures === this.limitOf(count.key) + 1)) {
      this.logger.warn(`Sign-ins paused for ${over.map((count) => count.key.split(':')[0]).join(' and ')} after too many failures`);
    }
    return Math.max(...over.map((count) => count.retry_after));
  }

  /** The attempt succeeded: the login starts afresh, and the address gets its attempt back. */
  async succeeded(login: string, address: string): Promise<void> {
    await this.db.query(
      `WITH reset AS (DELETE FROM sign_in_failures WHERE key = $1)
       UPDATE sign_in_failures SET failures = greatest(failures - 1, 0) WHERE key = $2`,
      [loginKey(login), addressKey(address)],
    );
    // Counts whose window is long over are noise: a success sweeps them.
    this.db
      .query('DELETE FROM sign_in_failures WHERE window_started_at < now() - make_interval(secs => $1)', [
        this.config.signInFailureWindowSeconds,
      ])
      .catch((error: Error) => this.logger.warn(`Could not sweep old sign-in failures: ${error.message}`));
  }

  private limitOf(key: string): number {
    return key.startsWith('login:') ? this.config.signInMaxFailuresPerLogin : this.config.signInMaxFailuresPerAddress;
  }
}

function loginKey(login: string): string {
  return `login:${login.trim().toLowerCase()}`;
}

function addressKey(address: string): string {
  return `address:${address}`;
}
