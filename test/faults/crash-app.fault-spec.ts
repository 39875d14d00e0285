import { performance } from 'node:perf_hooks';
import { killAllApps, startApp, type AppProcess } from '../support/app-process.js';
import { caughtUp, checkStore, expireLeases, ordersOutOfStep, rebuildAll, reportFigures, Workload } from '../support/fault-workload.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * The app process is SIGKILLed in the middle of a burst of writes and started
 * again on the same database: no acknowledged write may be lost, none may be
 * written twice, and the read models must equal a replay of the log.
 */
describe('SIGKILL the app in the middle of a burst of writes (fault)', () => {
  let database: TestDatabase;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
  }, 30_000);

  let stopWorkload: () => Promise<void> = async () => undefined;

  afterAll(async () => {
    await stopWorkload();
    await killAllApps();
    await database?.drop();
  }, 30_000);

  it('keeps every acknowledged write, exactly once, and the read models equal a rebuild after the restart', async () => {
    const env = { DATABASE_URL: database.url };
    apps.push(await startApp('app-1', env));
    const workload = new Workload(() => apps);
    stopWorkload = () => workload.stop();
    workload.start(8);
    await workload.ackedAtLeast(80);
    workload.halt();
    const inFlightAtKill = workload.inFlight;
    await apps[0].kill('SIGKILL');
    await workload.stop();
    const ackedBeforeKill = workload.acked.length;
    const unknown = workload.ops.filter((op) => op.outcome === 'unknown').length;
    expect(inFlightAtKill).toBeGreaterThan(0);

    const restarting = performance.now();
    apps.push(await startApp('app-2', env));
    const restartMs = performance.now() - restarting;

    // Before any retry: what the clients were told is in the store, and every key is answered exactly when its events exist.
    const atRestart = await checkStore(database.url, workload.ops);
    expect(atRestart).toMatchObject({ duplicates: 0, missing: [], halfWritten: [], refusedButWritten: [] });

    // The claims of requests that died with the process hold their keys for the 30 s lease; let it run out now.
    const expired = await expireLeases(database.url);
    const settled = await workload.settle(apps[1]);
    expect(workload.ops.filter((op) => op.outcome !== 'acked')).toEqual([]);

    const final = await checkStore(database.url, workload.ops);
    expect(final).toMatchObject({ duplicates: 0, missing: [], halfWritten: [], refusedButWritten: [] });
    expect(final.events).toBe(workload.ops.length);

    const catchingUp = performance.now();
    await caughtUp(apps[1]);
    const catchUpMs = performance.now() - catchingUp;
    expect(await ordersOutOfStep(database.url)).toBe(0);
    const { live, rebuilt } = await rebuildAll(apps[1], database.url);
    expect(rebuilt).toEqual(live);
    expect(live.order_details.length).toBe(workload.ops.filter((op) => op.path === '/orders').length);

    reportFigures('SIGKILL app (external PostgreSQL)', {
      writesAcknowledgedBeforeKill: ackedBeforeKill,
      inFlightAtKill,
      unknownOutcomes: unknown,
      committedBeforeKillReplayedOnRetry: settled.replayed,
      writtenOnRetry: settled.writtenOnRetry,
      leasesExpired: expired,
      eventsStored: final.events,
      duplicates: final.duplicates,
      restartToReadyMs: Math.round(restartMs),
      readModelsCatchUpMs: Math.round(catchUpMs),
      ordersInReadModel: live.order_details.length,
    });
  }, 60_000);
});
