import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { Database, type Queryable } from '../database/database.js';
import { ReadReplicas } from '../database/replicas/read-replicas.js';
import { isConnectionError } from '../database/replicas/replica-errors.js';
import type { Replica } from '../database/replicas/replica.js';
import { checkpointOf } from '../event-store/event-envelope.js';
import { EventStore } from '../event-store/event-store.js';
import type { LogCheckpoint, RecordedEvent } from '../event-store/event-types.js';
import { ProjectionsService } from './projections.service.js';

/** Why a read a replica was picked for went to the primary instead. */
export type FallbackReason = 'behind' | 'unavailable' | 'failed';

/** Who watches the routing (ops' metrics), without this knowing who that is. */
export interface ReadObserver {
  /** A read was answered by `source`: a replica's name, or 'primary'. */
  served(source: string): void;
  fellBack(replica: string, reason: FallbackReason): void;
}

/** What a replica must have replayed before it may answer a read (the primary has it already), and until when to wait for it. */
interface Need {
  readonly deadline: number;
  replicaHas(replica: Replica): Promise<boolean>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Which server answers a query: a serving replica in turn, the primary when
 * none serves, when the replica fails (the read is run again on the primary),
 * or when a read with minPosition finds the replica has not replayed that write
 * within DATABASE_REPLICA_WAIT_MS. Reads only: everything that writes, and
 * everything that must see the latest state (commands, projections, webhooks,
 * idempotency, sessions, limits, leadership), uses Database directly.
 */
@Injectable()
export class ReadRouter {
  private readonly logger = new Logger(ReadRouter.name);
  private observer: ReadObserver | undefined;

  constructor(
    private readonly db: Database,
    private readonly replicas: ReadReplicas,
    private readonly projections: ProjectionsService,
    private readonly store: EventStore,
    private readonly config: AppConfig,
  ) {}

  observe(observer: ReadObserver): void {
    this.observer = observer;
  }

  /**
   * A read of `projection`'s tables. With minPosition, first as without
   * replicas: the primary's projection must have applied that write (503
   * PROJECTION_BEHIND after READ_YOUR_WRITES_TIMEOUT_MS). Then a replica answers
   * once it has replayed the primary's WAL up to where it stood at that moment,
   * which is past the projection's commit of the write, so the replica's copy of
   * the read model and of its checkpoint row have it too. (The checkpoint row
   * alone would not do: a rebuild swaps a read model's tables and leaves its
   * checkpoint where it was.) Without minPosition any serving replica answers.
   */
  async readModel<T>(projection: string, minPosition: number | undefined, work: (db: Queryable) => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.config.readYourWritesTimeoutMs;
    const target = await this.projections.waitFor(projection, minPosition);
    if (target === undefined) return this.route(undefined, work);
    return this.current(deadline, work);
  }

  /**
   * A read of the event log itself (a timeline, an order as of an instant),
   * which clients rely on being current, minPosition or not: a replica answers
   * once it has replayed the primary's WAL up to where it stood when the read began.
   */
  eventLog<T>(work: (db: Queryable) => Promise<T>): Promise<T> {
    return this.current(Date.now() + this.config.readYourWritesTimeoutMs, work);
  }

  /**
   * A page of the global log for a live stream's catch-up. A replica's page is
   * the head of the primary's (it replays commits in order, and its snapshot
   * holds back what is still being written, as the primary's does), so a full
   * page from it is the right page; a short one means its copy ends there, and
   * the rest comes from the primary.
   */
  async readAll(after: LogCheckpoint, limit: number): Promise<RecordedEvent[]> {
    const replica = this.replicas.next();
    let events: RecordedEvent[] | undefined;
    if (replica) {
      try {
        events = await this.store.readAll(after, limit, replica.executor);
        this.observer?.served(replica.name);
      } catch (error) {
        this.replicaFailed(replica, error);
      }
    }
    if (events === undefined) return this.store.readAll(after, limit);
    if (events.length === limit) return events;
    const last = events[events.length - 1];
    const rest = await this.store.readAll(last ? checkpointOf(last) : after, limit - events.length);
    return [...events, ...rest];
  }

  /**
   * As current as the primary now: a replica that has replayed up to the primary's
   * WAL insert position (every commit so far is before it), waited for up to
   * DATABASE_REPLICA_WAIT_MS; else the primary. The primary is asked one function
   * call; the rows come from the replica.
   */
  private async current<T>(deadline: number, work: (db: Queryable) => Promise<T>): Promise<T> {
    const replica = this.replicas.next();
    if (!replica) return this.onPrimary(work);
    const [{ lsn }] = await this.db.prepared<{ lsn: string }>('SELECT pg_current_wal_insert_lsn()::text AS lsn', []);
    const replayed: Need = {
      deadline,
      replicaHas: async (r) => {
        const [row] = await this.db.prepared<{ done: boolean }>('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS done', [lsn], r.executor);
        return row?.done === true;
      },
    };
    return this.route(replayed, work, replica);
  }

  private async route<T>(need: Need | undefined, work: (db: Queryable) => Promise<T>, replica = this.replicas.next()): Promise<T> {
    if (replica) {
      try {
        if (need === undefined || (await this.caughtUp(replica, need))) {
          const result = await work(replica.executor);
          this.observer?.served(replica.name);
          return result;
        }
        this.observer?.fellBack(replica.name, 'behind');
      } catch (error) {
        this.replicaFailed(replica, error);
      }
    }
    return this.onPrimary(work);
  }

  private async onPrimary<T>(work: (db: Queryable) => Promise<T>): Promise<T> {
    const result = await work(this.db.pool);
    this.observer?.served('primary');
    return result;
  }

  /** Whether the replica has (or, within the replica wait, gets) what the read needs. */
  private async caughtUp(replica: Replica, need: Need): Promise<boolean> {
    if (await need.replicaHas(replica)) return true;
    // Paused replay does not catch up by itself: the primary answers at once.
    if (replica.health.replayPaused) return false;
    const until = Math.min(need.deadline, Date.now() + this.config.replicaWaitMs);
    // A streaming replica replays a commit within milliseconds: look again soon, then less often.
    for (let pause = 2; Date.now() < until; pause = Math.min(pause * 2, 50)) {
      await sleep(Math.min(pause, Math.max(0, until - Date.now())));
      if (await need.replicaHas(replica)) return true;
    }
    return false;
  }

  private replicaFailed(replica: Replica, error: unknown): void {
    replica.failed(error);
    const unavailable = isConnectionError(error);
    this.observer?.fellBack(replica.name, unavailable ? 'unavailable' : 'failed');
    // A replica that is gone says so once, as it leaves the rotation; any other failure is worth a line each.
    if (!unavailable) this.logger.warn(`A read on replica ${replica.name} failed, the primary answers it: ${(error as Error).message}`);
  }
}
