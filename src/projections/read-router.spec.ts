import { Logger } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import type { Database, Queryable } from '../database/database.js';
import type { ReadReplicas } from '../database/replicas/read-replicas.js';
import type { Replica } from '../database/replicas/replica.js';
import type { EventStore } from '../event-store/event-store.js';
import type { ProjectionsService } from './projections.service.js';
import { ReadRouter, type FallbackReason } from './read-router.js';

// The routing rules with stand-ins for the servers; test/read-replicas.e2e-spec.ts runs them on a real standby.

const PRIMARY = { name: 'primary' } as unknown as Queryable;

function replica(options: { replayed: boolean; paused?: boolean }) {
  const failures: unknown[] = [];
  const executor = {
    name: 'replica',
    query: () => Promise.resolve({ rows: [{ done: options.replayed }] }),
  } as unknown as Queryable;
  return {
    failures,
    replica: {
      name: 'replica-1:5432/pizzeria',
      executor,
      health: { replayPaused: options.paused ?? false },
      failed: (error: unknown) => failures.push(error),
    } as unknown as Replica,
  };
}

function router(picked: Replica | undefined, waitMs = 20) {
  const sources: string[] = [];
  const fallbacks: FallbackReason[] = [];
  const db = {
    pool: PRIMARY,
    prepared: (_text: string, _params: unknown[], executor?: { query: () => Promise<{ rows: unknown[] }> }) =>
      executor ? executor.query().then((r) => r.rows) : Promise.resolve([{ lsn: '0/100' }]),
  } as unknown as Database;
  const replicas = { next: () => picked, configured: picked !== undefined } as unknown as ReadReplicas;
  const projections = {
    waitFor: (_name: string, position?: number) => Promise.resolve(position ? { transactionId: '1', position } : undefined),
  } as unknown as ProjectionsService;
  const config = { readYourWritesTimeoutMs: 1_000, replicaWaitMs: waitMs } as AppConfig;
  const reads = new ReadRouter(db, replicas, projections, {} as EventStore, config);
  reads.observe({ served: (source) => sources.push(source), fellBack: (_replica, reason) => fallbacks.push(reason) });
  return { reads, sources, fallbacks };
}

const whoAnswers = (db: Queryable) => Promise.resolve((db as unknown as { name: string }).name);

describe('ReadRouter', () => {
  // The failures below are on purpose: their warnings would only clutter the output.
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose', 'fatal']));

  it('reads from the primary when no replica serves', async () => {
    const { reads, sources } = router(undefined);
    expect(await reads.readModel('order-details', 5, whoAnswers)).toBe('primary');
    expect(await reads.eventLog(whoAnswers)).toBe('primary');
    expect(sources).toEqual(['primary', 'primary']);
  });

  it('reads without minPosition from a serving replica as it is', async () => {
    const { reads } = router(replica({ replayed: false }).replica);
    expect(await reads.readModel('order-details', undefined, whoAnswers)).toBe('replica');
  });

  it('reads with minPosition from the replica once it has replayed up to the primary, else from the primary', async () => {
    expect(await router(replica({ replayed: true }).replica).reads.readModel('order-details', 5, whoAnswers)).toBe('replica');
    const behind = router(replica({ replayed: false }).replica);
    expect(await behind.reads.readModel('order-details', 5, whoAnswers)).toBe('primary');
    expect(behind.fallbacks).toEqual(['behind']);
    // The event log is read as current: the same rule without minPosition.
    expect(await router(replica({ replayed: false }).replica).reads.eventLog(whoAnswers)).toBe('primary');
  });

  it('does not wait for a replica whose replay is paused', async () => {
    const { reads } = router(replica({ replayed: false, paused: true }).replica, 60_000);
    const started = Date.now();
    expect(await reads.readModel('order-details', 5, whoAnswers)).toBe('primary');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('runs a read the replica failed again on the primary, and tells the replica', async () => {
    const { replica: r, failures } = replica({ replayed: true });
    const { reads, fallbacks } = router(r);
    const lost = new Error('Connection terminated unexpectedly');
    const conflict = Object.assign(new Error('canceling statement due to conflict with recovery'), { code: '40001' });
    for (const error of [lost, conflict]) {
      const answer = await reads.readModel('order-details', undefined, (db) =>
        db === PRIMARY ? Promise.resolve('primary') : Promise.reject(error),
      );
      expect(answer).toBe('primary');
    }
    expect(failures).toEqual([lost, conflict]);
    expect(fallbacks).toEqual(['unavailable', 'failed']);
  });

  it('lets a failure on the primary through: there is nothing left to try', async () => {
    const { reads } = router(undefined);
    await expect(reads.readModel('order-details', undefined, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });
});
