import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { Database } from '../database.js';
import type { ReplicaHealth } from './replica-health.js';
import { replicaNames } from './replica-name.js';
import { Replica } from './replica.js';
import { parseLsn, WalHistory } from './wal-history.js';

export interface ReplicaReport extends ReplicaHealth {
  readonly name: string;
}

/**
 * The hot standbys of DATABASE_REPLICA_URLS: checked every
 * DATABASE_REPLICA_CHECK_MS (reachable, still in recovery, replay lag against
 * the primary's WAL position) and handed out in turn among those that serve.
 * With none configured, `next()` is always undefined and every read goes to the primary.
 */
@Injectable()
export class ReadReplicas implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReadReplicas.name);
  private readonly replicas: Replica[];
  private turn = 0;
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private readonly intervalMs: number;
  private readonly history: WalHistory;

  constructor(
    config: AppConfig,
    private readonly db: Database,
  ) {
    const names = replicaNames(config.databaseReplicaUrls);
    this.replicas = config.databaseReplicaUrls.map(
      (url, i) =>
        new Replica({
          name: names[i],
          url,
          poolSize: config.dbPoolSize,
          statementTimeoutMs: config.statementTimeoutMs,
          maxLagSeconds: config.replicaMaxLagSeconds,
          // A check slower than this counts as unreachable; never longer than the interval, so checks don't pile up.
          checkTimeoutMs: Math.min(2_000, config.replicaCheckMs),
          log: (message) => this.logger.warn(message),
        }),
    );
    this.intervalMs = config.replicaCheckMs;
    // Long enough to measure any lag up to the limit, and a little past it.
    this.history = new WalHistory(config.replicaMaxLagSeconds * 1000 + 2 * config.replicaCheckMs);
  }

  get configured(): boolean {
    return this.replicas.length > 0;
  }

  /** The first check runs before the app takes traffic, so a healthy replica serves from the first request. */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.configured) return;
    await this.checkAll();
    this.timer = setInterval(() => void this.checkAll(), this.intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.checking;
    await Promise.all(this.replicas.map((replica) => replica.close()));
  }

  /** The next serving replica in turn, or undefined when none serves. */
  next(): Replica | undefined {
    for (let i = 0; i < this.replicas.length; i++) {
      const replica = this.replicas[(this.turn + i) % this.replicas.length];
      if (replica.health.serving) {
        this.turn = (this.turn + i + 1) % this.replicas.length;
        return replica;
      }
    }
    return undefined;
  }

  report(): ReplicaReport[] {
    return this.replicas.map((replica) => ({ name: replica.name, ...replica.health }));
  }

  /** One round of checks; a round still running when the next is due is not doubled. */
  checkAll(): Promise<void> {
    this.checking ??= (async () => {
      const primaryRead = await this.readPrimaryLsn();
      await Promise.all(this.replicas.map((replica) => replica.check(primaryRead ? this.history : undefined)));
    })().finally(() => (this.checking = undefined));
    return this.checking;
  }

  /** Records the primary's WAL position in the history; false when it could not be read. */
  private async readPrimaryLsn(): Promise<boolean> {
    try {
      const [row] = await this.db.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
      this.history.record(Date.now(), parseLsn(row.lsn));
      return true;
    } catch {
      // The primary is down (or is itself a standby): the replicas measure against what they received.
      return false;
    }
  }
}
