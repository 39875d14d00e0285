import { Injectable, Logger } from '@nestjs/common';
import { WindowCounters } from '../../common/limits/window-counters.js';
import { AppConfig } from '../../config/app-config.js';

/**
 * Limits password guessing, per login and per client address, with counters in
 * PostgreSQL so the limit holds across instances. Each attempt is counted
 * before its password is checked (one atomic upsert for both keys), so
 * parallel guesses cannot slip in between a check and its count; a success
 * takes its own attempt back. Unknown logins are counted exactly like real
 * ones: the 429 tells nothing either.
 */
@Injectable()
export class SignInThrottle {
  private readonly logger = new Logger(SignInThrottle.name);

  constructor(
    private readonly counters: WindowCounters,
    private readonly config: AppConfig,
  ) {}

  /** Counts an attempt; the seconds until the window ends when it is one too many, else undefined. */
  async attempt(login: string, address: string): Promise<number | undefined> {
    const counts = await this.counters.hit([loginKey(login), addressKey(address)], this.windowMs());
    const over = counts.filter((count) => count.hits > this.limitOf(count.key));
    if (over.length === 0) return undefined;
    if (over.some((count) => count.hits === this.limitOf(count.key) + 1)) {
      this.logger.warn(`Sign-ins paused for a ${over.map((count) => count.key.split(':')[1]).join(' and an ')} after too many failures`);
    }
    return Math.ceil(Math.max(...over.map((count) => count.retryAfterMs)) / 1000);
  }

  /** The attempt succeeded: the login starts afresh, and the address gets its attempt back. */
  async succeeded(login: string, address: string): Promise<void> {
    await this.counters.forget(loginKey(login));
    await this.counters.takeBack(addressKey(address));
    this.counters.sweep('sign-in:', this.windowMs());
  }

  private windowMs(): number {
    return this.config.signInFailureWindowSeconds * 1000;
  }

  private limitOf(key: string): number {
    return key.startsWith('sign-in:login:') ? this.config.signInMaxFailuresPerLogin : this.config.signInMaxFailuresPerAddress;
  }
}

export function loginKey(login: string): string {
  return `sign-in:login:${login.trim().toLowerCase()}`;
}

function addressKey(address: string): string {
  return `sign-in:address:${address}`;
}
