/** Where a replica stands, from its last check (or the last query that failed on it). */
export type ReplicaState =
  /** Not checked yet: out of rotation until the first check at start-up has answered. */
  | 'starting'
  /** In rotation. */
  | 'serving'
  /** Replay is more than the allowed lag behind the primary. */
  | 'lagging'
  /** No longer in recovery: promoted, so it no longer follows the primary. */
  | 'promoted'
  /** The check or a query could not reach it. */
  | 'unreachable';

/** What one check read from the replica (and the primary's WAL position). */
export interface ReplicaSample {
  inRecovery: boolean;
  replayPaused: boolean;
  /** WAL the replica has not replayed yet: from the primary's current position (or, without it, from what the replica received). */
  lagBytes: number;
  /** Seconds since the last replayed commit, while replay is behind; 0 when caught up. */
  lagSeconds: number;
}

export interface ReplicaHealth {
  readonly state: ReplicaState;
  readonly serving: boolean;
  readonly lagBytes: number | null;
  readonly lagSeconds: number | null;
  readonly replayPaused: boolean;
  /** Why it is out of rotation, in words; no server error text (that goes to the log). */
  readonly reason?: string;
  readonly checkedAt: string | null;
}

export const STARTING: ReplicaHealth = {
  state: 'starting',
  serving: false,
  lagBytes: null,
  lagSeconds: null,
  replayPaused: false,
  reason: 'not checked yet',
  checkedAt: null,
};

/** The rotation rules: a replica serves while it is a standby and its replay is at most maxLagSeconds behind. */
export function judge(sample: ReplicaSample, maxLagSeconds: number, at: Date): ReplicaHealth {
  const measured = {
    lagBytes: sample.lagBytes,
    lagSeconds: Math.round(sample.lagSeconds * 1000) / 1000,
    replayPaused: sample.replayPaused,
    checkedAt: at.toISOString(),
  };
  if (!sample.inRecovery) {
    return { state: 'promoted', serving: false, ...measured, reason: 'it is no longer in recovery (promoted)' };
  }
  if (sample.lagSeconds > maxLagSeconds) {
    return {
      state: 'lagging',
      serving: false,
      ...measured,
      reason: `its replay is ${Math.round(sample.lagSeconds)} s behind (more than ${maxLagSeconds} s)`,
    };
  }
  return { state: 'serving', serving: true, ...measured };
}

export function unreachable(at: Date, previous: ReplicaHealth): ReplicaHealth {
  return {
    state: 'unreachable',
    serving: false,
    lagBytes: previous.lagBytes,
    lagSeconds: previous.lagSeconds,
    replayPaused: previous.replayPaused,
    reason: 'it could not be reached',
    checkedAt: at.toISOString(),
  };
}
