import type { Logger } from '@nestjs/common';
import type { PoolClient } from 'pg';
import type { AdvisoryLocks } from '../../database/advisory-locks.js';
import type { Database } from '../../database/database.js';
import type { RecordedEvent } from '../event-types.js';
import type { SubscriptionCursor } from './subscription-cursor.js';

export type SubscriptionStatus = 'starting' | 'standby' | 'catching-up' | 'live' | 'failed' | 'stopped';

export interface HandleContext {
  /** Aborted when the subscription stops or loses its lead: a long handler (a webhook's retries) ends early. */
  readonly signal: AbortSignal;
  /** The subscription's own connection, when it holds one (see SubscriptionOptions.ownConnection). */
  readonly connection?: PoolClient;
}

/** What a subscriber does with the events, in log order, each batch following on from `from`. */
export interface SubscriptionHandler<P> {
  handle(events: readonly RecordedEvent[], from: P, context: HandleContext): Promise<void>;
}

export interface SubscriptionOptions<P> {
  readonly name: string;
  readonly handler: SubscriptionHandler<P>;
  /**
   * Where the subscriber stands: read at start, on taking the lead, after a
   * failure and whenever its checkpoint moved elsewhere. Omitted when the
   * caller hands start() a cursor (a live client's resume point).
   */
  readonly open?: (connection: PoolClient | undefined) => Promise<SubscriptionCursor<P>>;
  /** The most delivered events handled in one call. */
  readonly batchSize: number;
  /**
   * Delivered events held before the subscription gives up on them: 'replay'
   * reads the store instead; `fail` ends the subscription with that reason.
   */
  readonly inbox: { readonly max: number; readonly whenFull: 'replay' | { readonly fail: string } };
  /** Runs in the one instance holding this lock; the others stand by and try again every `retryMs`. */
  readonly leadership?: { readonly locks: AdvisoryLocks; readonly lock: string; readonly retryMs: number };
  /** Holds a pooled connection while running: its reads and writes never wait behind the requests queued for the pool. */
  readonly ownConnection?: Database;
  /** Omitted: the first failure ends the subscription (onFailure hears why). Given: retried after this delay. */
  readonly retryDelayMs?: (failures: number) => number;
  readonly onFailure?: (error: Error, failures: number) => void;
  readonly logger?: Logger;
}
