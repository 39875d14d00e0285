import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  PROJECT_ROOT,
  crashPostgres,
  freePort,
  isAlive,
  killAllApps,
  postmasterOf,
  removeDataDir,
  startApp,
  type AppProcess,
} from '../support/app-process.js';
import { caughtUp, checkStore, expireLeases, ordersOutOfStep, rebuildAll, reportFigures, Workload } from '../support/fault-workload.js';

/**
 * The app with its embedded PostgreSQL (no DATABASE_URL), as `npm start` runs
 * it. First only the app is SIGKILLed: its PostgreSQL lives on as an orphan and
 * the next start must adopt it. Then the app and its PostgreSQL are SIGKILLed
 * together: the next start must clear what is left and recover the database.
 */
describe('SIGKILL the app with its embedded PostgreSQL in the middle of a burst of writes (fault)', () => {
  const dataDir = resolve(PROJECT_ROOT, `.data/fault-${randomBytes(4).toString('hex')}`);
  const apps: AppProcess[] = [];

  let stopWorkload: () => Promise<void> = async () => undefined;

  afterAll(async () => {
    await stopWorkload();
    await killAllApps();
    await removeDataDir(dataDir);
  }, 30_000);

  async function databaseUrl(): Promise<string> {
    const postmaster = await postmasterOf(dataDir);
    if (!postmaster) throw new Error(`no postmaster.pid in ${dataDir}`);
    return `postgres://postgres:postgres@127.0.0.1:${postmaster.port}/pizzeria`;
  }

  it('adopts an orphaned database, recovers a crashed one, and keeps every acknowledged write exactly once', async () => {
    const env = { EMBEDDED_PG_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()) };
    apps.push(await startApp('embedded-1', env));
    const workload = new Workload(() => apps.filter((app) => !app.exited));
    stopWorkload = () => workload.stop();

    // Round 1: the app alone dies.
    workload.start(8);
    await workload.ackedAtLeast(40);
    workload.halt();
    const inFlightAtAppKill = workload.inFlight;
    const orphan = (await postmasterOf(dataDir))!;
    await apps[0].kill('SIGKILL');
    await workload.stop();
    const ackedAtAppKill = workload.acked.length;
    expect(isAlive(orphan.pid)).toBe(true);

    let started = performance.now();
    apps.push(await startApp('embedded-2', env));
    const adoptMs = performance.now() - started;
    expect(apps[1].output()).toMatch(/adopting the PostgreSQL server already running/);
    expect((await postmasterOf(dataDir))!.pid).toBe(orphan.pid);
    expect(await checkStore(await databaseUrl(), workload.ops)).toMatchObject({
      duplicates: 0,
      missing: [],
      halfWritten: [],
      refusedButWritten: [],
    });
    await expireLeases(await databaseUrl());
    const firstSettle = await workload.settle(apps[1]);
    const ackedAfterRound1 = workload.acked.length;

    // Round 2: the app and its database die together.
    workload.start(8);
    await workload.ackedAtLeast(ackedAfterRound1 + 40);
    workload.halt();
    const inFlightAtCrash = workload.inFlight;
    const ackedAtCrash = workload.acked.length;
    await apps[1].kill('SIGKILL');
    const crashed = await crashPostgres(dataDir);
    await workload.stop();
    expect(isAlive(crashed)).toBe(false);

    started = performance.now();
    apps.push(await startApp('embedded-3', env));
    const recoverMs = performance.now() - started;
    expect(apps[2].output()).toMatch(/clearing a PostgreSQL server left behind/);
    const url = await databaseUrl();
    expect(await checkStore(url, workload.ops)).toMatchObject({ duplicates: 0, missing: [], halfWritten: [], refusedButWritten: [] });
    await expireLeases(url);
    const secondSettle = await workload.settle(apps[2]);
    expect(workload.ops.filter((op) => op.outcome !== 'acked')).toEqual([]);

    const final = await checkStore(url, workload.ops);
    expect(final).toMatchObject({ duplicates: 0, missing: [], halfWritten: [], refusedButWritten: [] });
    expect(final.events).toBe(workload.ops.length);
    await caughtUp(apps[2]);
    expect(await ordersOutOfStep(url)).toBe(0);
    const { live, rebuilt } = await rebuildAll(apps[2], url);
    expect(rebuilt).toEqual(live);

    reportFigures('SIGKILL app with embedded PostgreSQL', {
      round1WritesAcknowledgedBeforeKill: ackedAtAppKill,
      round1InFlightAtKill: inFlightAtAppKill,
      round1ReplayedOnRetry: firstSettle.replayed,
      round1WrittenOnRetry: firstSettle.writtenOnRetry,
      adoptOrphanToReadyMs: Math.round(adoptMs),
      round2WritesAcknowledgedBeforeCrash: ackedAtCrash - ackedAfterRound1,
      round2InFlightAtCrash: inFlightAtCrash,
      round2ReplayedOnRetry: secondSettle.replayed,
      round2WrittenOnRetry: secondSettle.writtenOnRetry,
      crashRecoveryToReadyMs: Math.round(recoverMs),
      writesAcknowledged: workload.acked.length,
      eventsStored: final.events,
      duplicates: final.duplicates,
    });
  }, 60_000);
});
