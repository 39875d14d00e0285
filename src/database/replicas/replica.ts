import pg, { type Pool } from 'pg';
import type { Queryable } from '../database.js';
import { isConnectionError } from './replica-errors.js';
import { judge, STARTING, unreachable, type ReplicaHealth } from './replica-health.js';
import { parseLsn, type WalHistory } from './wal-history.js';

interface CheckRow {
  in_recovery: boolean;
  replay_paused: boolean;
  received: string | null;
  replayed: string | null;
  since_last_replay: number;
}

export interface ReplicaOptions {
  readonly name: string;
  readonly url: string;
  readonly poolSize: number;
  readonly statementTimeoutMs: number;
  readonly maxLagSeconds: number;
  /** How long one check may take before the replica counts as unreachable. */
  readonly checkTimeoutMs: number;
  readonly log: (message: string) => void;
}

// Lazily evaluated CASE: pg_is_wal_replay_paused() raises an error outside recovery.
const CHECK = `SELECT pg_is_in_recovery() AS in_recovery,
       CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() ELSE false END AS replay_paused,
       pg_last_wal_receive_lsn()::text AS received,
       pg_last_wal_replay_lsn()::text AS replayed,
       coalesce(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float8, 0) AS since_last_replay`;

/**
 * One hot standby: its own connection pool and its health as the last check
 * (or the last query that could not reach it) left it. The rotation reads
 * `health.serving`; nothing here decides which reads come to it.
 */
export class Replica {
  readonly name: string;
  readonly pool: Pool;
  /** The checks' own connection: a pool busy with queries never makes a check late. */
  private readonly checks: Pool;
  private current: ReplicaHealth = STARTING;

  constructor(private readonly options: ReplicaOptions) {
    this.name = options.name;
    const common = {
      connectionString: options.url,
      // A replica that stops answering fails fast, so the primary answers in its place: connecting, and
      // (a server that hangs rather than refuses) waiting for an answer past its own statement_timeout.
      connectionTimeoutMillis: 2_000,
      statement_timeout: options.statementTimeoutMs || undefined,
      query_timeout: options.statementTimeoutMs ? options.statementTimeoutMs + 1_000 : undefined,
      idleTimeoutMillis: 30_000,
    };
    this.pool = new pg.Pool({ ...common, max: options.poolSize, application_name: 'pizzeria-replica-reader' });
    this.checks = new pg.Pool({ ...common, max: 1, application_name: 'pizzeria-replica-check' });
    // An idle connection the server ends (the replica stopped) reports here; unheard it would crash the process.
    this.pool.on('error', (error) => this.unreachable(error));
    this.checks.on('error', (error) => this.unreachable(error));
  }

  get health(): ReplicaHealth {
    return this.current;
  }

  /** For Database.query/prepared's executor argument: the pool as a Queryable. */
  get executor(): Queryable {
    return this.pool;
  }

  /**
   * One check: reachable, still in recovery, and how far behind. Measured
   * against the primary's WAL (`primary`) when this round could read it; else,
   * with the primary unreachable, from what the replica itself has received and
   * the time since its last replayed commit.
   */
  async check(primary: WalHistory | undefined): Promise<ReplicaHealth> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const { rows } = await Promise.race([
        this.checks.query<CheckRow>(CHECK),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`the check took longer than ${this.options.checkTimeoutMs} ms`)),
            this.options.checkTimeoutMs,
          );
        }),
      ]);
      const before = this.current;
      this.current = judge(
        { ...lagOf(rows[0], primary), inRecovery: rows[0].in_recovery, replayPaused: rows[0].replay_paused },
        this.options.maxLagSeconds,
        new Date(),
      );
      this.logChange(before);
    } catch (error) {
      this.unreachable(error as Error);
    } finally {
      clearTimeout(timer);
    }
    return this.current;
  }

  /** A query on it failed: out of rotation at once when the failure says the server is gone. */
  failed(error: unknown): void {
    if (isConnectionError(error)) this.unreachable(error as Error);
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.end().catch(() => undefined), this.checks.end().catch(() => undefined)]);
  }

  private unreachable(error: Error): void {
    const before = this.current;
    this.current = unreachable(new Date(), before);
    if (before.state !== 'unreachable') this.options.log(`Replica ${this.name} is out of rotation: unreachable (${error.message})`);
  }

  private logChange(before: ReplicaHealth): void {
    if (before.state === this.current.state) return;
    this.options.log(
      this.current.serving
        ? `Replica ${this.name} is serving reads`
        : `Replica ${this.name} is out of rotation: ${this.current.state} (${this.current.reason ?? ''})`,
    );
  }
}

function lagOf(row: CheckRow, primary: WalHistory | undefined): { lagBytes: number; lagSeconds: number } {
  // Promoted, or a standby that has replayed nothing yet: there is no replay position to measure.
  if (!row.in_recovery || row.replayed === null) return { lagBytes: 0, lagSeconds: 0 };
  const replayed = parseLsn(row.replayed);
  const head = primary?.latest;
  if (primary && head !== undefined) {
    return { lagBytes: Number(head > replayed ? head - replayed : 0n), lagSeconds: primary.lagSeconds(replayed, Date.now()) };
  }
  const received = row.received === null ? replayed : parseLsn(row.received);
  const behind = received > replayed;
  return { lagBytes: Number(behind ? received - replayed : 0n), lagSeconds: behind ? Math.max(0, Number(row.since_last_replay)) : 0 };
}
