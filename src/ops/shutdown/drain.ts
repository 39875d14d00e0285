import { Injectable } from '@nestjs/common';
import type { ServerResponse } from 'node:http';

/**
 * What the app is in the middle of, so a shutdown can wait for it: HTTP
 * requests being answered and commands being executed. Event streams (SSE)
 * never finish on their own, so they are not waited for. Once draining,
 * /health reports not ready and new requests are turned away.
 */
@Injectable()
export class Drain {
  private drainingSince: number | undefined;
  private readonly responses = new Set<ServerResponse>();
  private commands = 0;
  private readonly waiters = new Set<() => void>();

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  begin(): void {
    this.drainingSince ??= Date.now();
  }

  requestStarted(res: ServerResponse): void {
    this.responses.add(res);
  }

  requestFinished(res: ServerResponse): void {
    this.responses.delete(res);
    this.wakeIfIdle();
  }

  commandStarted(): void {
    this.commands++;
  }

  commandFinished(): void {
    this.commands = Math.max(0, this.commands - 1);
    this.wakeIfIdle();
  }

  /** Requests (other than event streams) and commands still running. */
  get inFlight(): { requests: number; commands: number } {
    return { requests: [...this.responses].filter((res) => !isEventStream(res)).length, commands: this.commands };
  }

  /** Resolves true once nothing is in flight, or false when the time is up first. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.isIdle()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        resolve(this.isIdle());
      }, timeoutMs);
      this.waiters.add(wake);
    });
  }

  private isIdle(): boolean {
    const { requests, commands } = this.inFlight;
    return requests === 0 && commands === 0;
  }

  private wakeIfIdle(): void {
    if (this.waiters.size === 0 || !this.isIdle()) return;
    for (const wake of [...this.waiters]) wake();
  }
}

function isEventStream(res: ServerResponse): boolean {
  return String(res.getHeader('content-type') ?? '').startsWith('text/event-stream');
}
