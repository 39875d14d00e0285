import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppError } from '../common/errors/app-error.js';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { EventFeed } from '../event-store/event-feed.js';
import { EventStore } from '../event-store/event-store.js';
import { compareCheckpoints, type LogCheckpoint } from '../event-store/event-types.js';
import { LogNotifier, PROJECTION_PROGRESS } from '../event-store/log-notifier.js';
import type { Subscription, SubscriptionStatus } from '../event-store/subscription/subscription.js';
import { AdvisoryLocks } from '../database/advisory-locks.js';
import type { Projection } from './projection.js';
import { projectionSubscription } from './projection-subscription.js';

export interface ProjectionInfo {
  name: string;
  position: number;
  lagEvents: number;
  status: SubscriptionStatus | 'running-elsewhere' | 'rebuilding';
  runsHere: boolean;
  lastError?: string;
}

interface Waiter {
  readonly projection: string;
  readonly target: LogCheckpoint;
  readonly resolve: () => void;
}

/**
 * Starts every registered projection, knows how far each one has got (here, or
 * in another instance through its progress notifications) and lets queries wait
 * for a position: read-your-writes without polling.
 */
@Injectable()
export class ProjectionsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly runners = new Map<string, Subscription<LogCheckpoint>>();
  private readonly projections = new Map<string, Projection>();
  private readonly known = new Map<string, LogCheckpoint>();
  private readonly waiters = new Set<Waiter>();
  private readonly rebuilding = new Set<string>();
  private started = false;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
    private readonly feed: EventFeed,
    private readonly notifier: LogNotifier,
    private readonly locks: AdvisoryLocks,
    private readonly config: AppConfig,
  ) {}

  register(projection: Projection): void {
    if (this.runners.has(projection.name)) throw new Error(`Projection ${projection.name} is registered twice`);
    this.projections.set(projection.name, projection);
    this.runners.set(
      projection.name,
      projectionSubscription(projection, this.db, this.store, {
        batchSize: 500,
        locks: this.locks,
        lockRetryMs: this.config.projectionLockRetryMs,
        maxBackoffMs: 30_000,
        onProgress: (name, checkpoint) => this.progressed(name, checkpoint),
      }),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    this.unsubscribe.push(
      this.notifier.on(PROJECTION_PROGRESS, (payload) => {
        const [name, transactionId, position] = payload.split('|');
        if (name && transactionId && position) this.progressed(name, { transactionId, position: Number(position) });
      }),
      // Each event the feed delivers goes to every projection's subscription, which orders, checkpoints and retries it.
      this.feed.subscribe((envelope) => {
        for (const runner of this.runners.values()) runner.offer(envelope);
      }),
    );
    for (const runner of this.runners.values()) await runner.start();
    this.started = true;
  }

  async onModuleDestroy(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe();
    await Promise.all([...this.runners.values()].map((runner) => runner.stop()));
    for (const waiter of this.waiters) waiter.resolve();
    this.waiters.clear();
  }

  runner(name: string): Subscription<LogCheckpoint> {
    const runner = this.runners.get(name);
    if (!runner) throw new AppError('PROJECTION_NOT_FOUND', `There is no projection called ${name}`);
    return runner;
  }

  projection(name: string): Projection {
    this.runner(name);
    return this.projections.get(name)!;
  }

  names(): string[] {
    return [...this.runners.keys()];
  }

  markRebuilding(name: string, on: boolean): void {
    if (on) this.rebuilding.add(name);
    else this.rebuilding.delete(name);
  }

  isRebuilding(name: string): boolean {
    return this.rebuilding.has(name);
  }

  async describe(): Promise<ProjectionInfo[]> {
    const rows = await this.db.query<{ name: string; transaction_id: string; position: string; lag: string }>(
      `SELECT c.name, c.transaction_id::text AS transaction_id, c.position,
              (SELECT count(*) FROM events e WHERE (e.transaction_id, e.position) > (c.transaction_id, c.position)) AS lag
         FROM projection_checkpoints c WHERE c.name = ANY($1) ORDER BY c.name`,
      [this.names()],
    );
    return rows.map((row) => {
      const runner = this.runners.get(row.name)!;
      const status: ProjectionInfo['status'] = this.rebuilding.has(row.name)
        ? 'rebuilding'
        : runner.isLeader || runner.status !== 'standby'
          ? runner.status
          : 'running-elsewhere';
      return {
        name: row.name,
        position: Number(row.position),
        lagEvents: Number(row.lag),
        status,
        runsHere: runner.isLeader,
        ...(runner.lastError && runner.isLeader ? { lastError: runner.lastError } : {}),
      };
    });
  }

  /**
   * Resolves once the projection has applied the event at `position`, or fails
   * with 503 PROJECTION_BEHIND after the configured bound. Resolves with that
   * event's log checkpoint (undefined without a position), which a replica's
   * copy of the checkpoint is compared with.
   */
  async waitFor(projection: string, position: number | undefined): Promise<LogCheckpoint | undefined> {
    if (position === undefined || position <= 0) return undefined;
    const target = await this.store.checkpointAt(position);
    if (!target) {
      throw new AppError('PROJECTION_BEHIND', `No event at position ${position} has been committed yet`);
    }
    if (this.covers(projection, target)) return target;
    await this.refreshKnown(projection);
    if (this.covers(projection, target)) return target;
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        projection,
        target,
        resolve: () => {
          clearTimeout(timeout);
          this.waiters.delete(waiter);
          resolve();
        },
      };
      const timeout = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(
          new AppError('PROJECTION_BEHIND', `The ${projection} read model has not reached position ${position} yet: try again shortly`),
        );
      }, this.config.readYourWritesTimeoutMs);
      this.waiters.add(waiter);
    });
    return target;
  }

  private covers(projection: string, target: LogCheckpoint): boolean {
    const known = this.known.get(projection);
    return known !== undefined && compareCheckpoints(known, target) >= 0;
  }

  private async refreshKnown(projection: string): Promise<void> {
    const [row] = await this.db.query<{ transaction_id: string; position: string }>(
      'SELECT transaction_id::text AS transaction_id, position FROM projection_checkpoints WHERE name = $1',
      [projection],
    );
    if (row) this.progressed(projection, { transactionId: row.transaction_id, position: Number(row.position) });
  }

  private progressed(name: string, checkpoint: LogCheckpoint): void {
    const known = this.known.get(name);
    if (!known || compareCheckpoints(checkpoint, known) > 0) this.known.set(name, checkpoint);
    for (const waiter of this.waiters) {
      if (waiter.projection === name && this.covers(name, waiter.target)) waiter.resolve();
    }
  }
}
