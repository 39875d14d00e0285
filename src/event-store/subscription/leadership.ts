import type { Logger } from '@nestjs/common';
import type { AdvisoryLocks } from '../../database/advisory-locks.js';

/** What a subscription does when it takes or loses the lead. */
export interface LeaderTerm {
  /** Starts running here, the lock taken; false when the subscription was stopped meanwhile. */
  begin(): Promise<boolean>;
  /** Stops running here (the lock is gone, or being given back) once the work in hand has ended. */
  end(): Promise<void>;
  /** Another instance holds the lock. */
  standBy(): void;
}

export interface LeadershipSettings {
  readonly locks: AdvisoryLocks;
  readonly lock: string;
  /** How often an instance standing by tries the lock again. */
  readonly retryMs: number;
}

/**
 * Runs a subscription in the one instance that holds its advisory lock. The
 * others stand by and try again every `retryMs`; when the lock's connection is
 * lost, the term here ends at once, since another instance may be running it now.
 */
export class Leadership {
  private timer: NodeJS.Timeout | undefined;
  private unsubscribeLost: (() => void) | undefined;
  private holding = false;
  private stopped = false;

  constructor(
    private readonly settings: LeadershipSettings,
    private readonly term: LeaderTerm,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    this.unsubscribeLost = this.settings.locks.onLost(() => void this.lost());
    await this.attempt();
  }

  /** Gives the lock back for good; the term has ended already. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.unsubscribeLost?.();
    await this.release();
  }

  /** The term could not go on here (its connection died): give the lock back and try again later. */
  async stepDown(): Promise<void> {
    await this.release();
    this.retryLater();
  }

  private async attempt(): Promise<void> {
    if (this.stopped || this.holding) return;
    try {
      if (!(await this.settings.locks.tryLock(this.settings.lock))) {
        this.term.standBy();
        this.retryLater();
        return;
      }
      this.holding = true;
      // stop() landed while the lock was being taken: give it straight back.
      if (this.stopped || !(await this.term.begin())) await this.release();
    } catch (error) {
      this.logger.warn(`Could not take the lead: ${(error as Error).message}`);
      await this.term.end();
      // Taken but not run with (no connection, no checkpoint): held here, no instance would run it.
      await this.release();
      if (this.stopped) return;
      this.term.standBy();
      this.retryLater();
    }
  }

  private async lost(): Promise<void> {
    if (!this.holding) return;
    this.holding = false;
    this.logger.warn('Lost its lock: standing by until it can take it again');
    await this.term.end();
    this.term.standBy();
    this.retryLater();
  }

  private async release(): Promise<void> {
    if (!this.holding) return;
    this.holding = false;
    await this.settings.locks.unlock(this.settings.lock);
  }

  private retryLater(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.attempt(), this.settings.retryMs);
    this.timer.unref();
  }
}
