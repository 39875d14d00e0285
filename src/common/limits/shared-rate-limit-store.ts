import type { FastifyRateLimitOptions, FastifyRateLimitStore } from '@fastify/rate-limit';
import type { WindowCounters } from './window-counters.js';

/**
 * A store for @fastify/rate-limit whose counts are WindowCounters in
 * PostgreSQL (RATE_LIMIT_STORE=postgres), so a client's limit is one limit
 * across all the instances a load balancer spreads it over, not one per
 * instance. It costs one statement per limited request (a customer's POST),
 * which is why one instance keeps the plugin's in-memory store.
 */
const SWEEP_EVERY = 1000;
const PREFIX = 'writes:';

export function sharedRateLimitStore(counters: WindowCounters): new (options: FastifyRateLimitOptions) => FastifyRateLimitStore {
  let hits = 0;
  return class SharedRateLimitStore implements FastifyRateLimitStore {
    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
      // Addresses come and go: now and then, the counts of windows long over go.
      if (++hits % SWEEP_EVERY === 0) counters.sweep(PREFIX, timeWindow);
      counters.hit([`${PREFIX}${key}`], timeWindow).then(
        ([count]) => callback(null, { current: count.hits, ttl: count.retryAfterMs }),
        (error: Error) => callback(error),
      );
    }

    child(): FastifyRateLimitStore {
      return this;
    }
  };
}
