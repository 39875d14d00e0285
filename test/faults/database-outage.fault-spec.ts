import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { EmbeddedPostgresServer } from '../../src/database/embedded-postgres.js';
import {
  FAULT_STAFF_TOKEN,
  PROJECT_ROOT,
  freePort,
  killAllApps,
  removeDataDir,
  sleep,
  startApp,
  type AppProcess,
} from '../support/app-process.js';
import { caughtUp, checkStore, ordersOutOfStep, rebuildAll, reportFigures, Workload } from '../support/fault-workload.js';

const OUTAGE_MS = 3_000;

interface Read {
  startedAt: number;
  latencyMs: number;
  status: number;
  code?: string;
  retryAfter: string | null;
}

/**
 * PostgreSQL is stopped under load while the app keeps running, and started
 * again: requests must fail fast with 503 DATABASE_UNAVAILABLE, nothing may be
 * half-written, and the app must recover by itself, projections included.
 * The test owns the server so that it can stop and start it.
 */
describe('PostgreSQL stops under load and starts again (fault)', () => {
  const dataDir = resolve(PROJECT_ROOT, `.data/fault-${randomBytes(4).toString('hex')}`);
  let server: EmbeddedPostgresServer | undefined;

  let stopWorkload: () => Promise<void> = async () => undefined;

  afterAll(async () => {
    await stopWorkload();
    await killAllApps();
    await server?.stop().catch(() => undefined);
    await removeDataDir(dataDir);
  }, 30_000);

  async function read(app: AppProcess, path: string, staff = false): Promise<Read> {
    const startedAt = performance.now();
    const res = await fetch(`${app.url}${path}`, {
      headers: staff ? { Authorization: `Bearer ${FAULT_STAFF_TOKEN}` } : {},
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await res.json().catch(() => undefined)) as { code?: string } | undefined;
    return {
      startedAt,
      latencyMs: performance.now() - startedAt,
      status: res.status,
      code: body?.code,
      retryAfter: res.headers.get('retry-after'),
    };
  }

  it('answers 503 DATABASE_UNAVAILABLE fast while it is down, writes nothing by halves, and recovers without a restart', async () => {
    server = await EmbeddedPostgresServer.start({ dataDir, preferredPort: await freePort() });
    await server.ensureDatabase('pizzeria');
    const pgPort = server.port;
    const url = server.url('pizzeria');
    const app = await startApp('app', { DATABASE_URL: url });
    const workload = new Workload(() => [app]);
    stopWorkload = () => workload.stop();
    workload.start(6);
    await workload.ackedAtLeast(40);
    const known = workload.acked.find((op) => op.path === '/orders')!.response!.orderId;

    await server.stop();
    const down = performance.now();
    const reads: Read[] = [];
    while (performance.now() - down < OUTAGE_MS) {
      reads.push(await read(app, `/orders/${known}`), await read(app, '/kitchen/queue', true));
      expect((await read(app, '/menu')).status).toBe(200);
      await sleep(50);
    }
    const ackedDuringOutage = workload.acked.length;
    // The process rode it out: an unheard error on a pooled connection would have ended it.
    expect(app.exited).toBe(false);
    expect(reads.filter((r) => r.status === 503).every((r) => r.retryAfter === '1')).toBe(true);

    server = await EmbeddedPostgresServer.start({ dataDir, preferredPort: pgPort });
    const up = performance.now();
    expect(server.port).toBe(pgPort);
    await workload.ackedAtLeast(ackedDuringOutage + 1, 20_000);
    const firstWriteMs = performance.now() - up;
    // Projections resume on their own: the LISTEN connection and the runners' locks come back.
    const after = workload.acked.length;
    await workload.ackedAtLeast(after + 20, 20_000);
    workload.halt();
    const readable = await waitForOwnRead(app, workload, up);
    await workload.stop();

    // While it was down: every write and read that started in the outage was a quick 503 with the stable code.
    const outageTries = workload.ops.flatMap((op) => op.tries).filter((t) => t.startedAt > down && t.startedAt + t.latencyMs < up);
    const failedInOutage = [...outageTries, ...reads.filter((r) => r.startedAt > down)];
    expect(outageTries.length).toBeGreaterThan(10);
    expect(new Set(failedInOutage.map((t) => `${t.status} ${t.code}`))).toEqual(new Set(['503 DATABASE_UNAVAILABLE']));
    const slowest503 = Math.max(...failedInOutage.map((t) => t.latencyMs));
    expect(slowest503).toBeLessThan(5_500);

    // Nothing half-written, before and after the writes with an unknown outcome are retried with their keys.
    expect(await checkStore(url, workload.ops)).toMatchObject({ duplicates: 0, missing: [], halfWritten: [], refusedButWritten: [] });
    const settled = await workload.settle(app);
    expect(workload.ops.filter((op) => op.outcome !== 'acked')).toEqual([]);
    const final = await checkStore(url, workload.ops);
    expect(final).toMatchObject({ duplicates: 0, missing: [], halfWritten: [], refusedButWritten: [] });
    expect(final.events).toBe(workload.ops.length);

    await caughtUp(app);
    expect(await ordersOutOfStep(url)).toBe(0);
    const { live, rebuilt } = await rebuildAll(app, url);
    expect(rebuilt).toEqual(live);

    reportFigures('PostgreSQL stopped under load', {
      outageMs: Math.round(up - down),
      requestsAnswered503InOutage: failedInOutage.length,
      slowest503Ms: Math.round(slowest503),
      median503Ms: Math.round(median(failedInOutage.map((t) => t.latencyMs))),
      firstWriteAfterRestartMs: Math.round(firstWriteMs),
      readYourWriteAfterRestartMs: Math.round(readable),
      writesAcknowledged: workload.acked.length,
      unknownOutcomesRetried: settled.retried,
      committedBeforeStopReplayedOnRetry: settled.replayed,
      writtenOnRetry: settled.writtenOnRetry,
      inFlightAnswersWhileRetrying: settled.inFlightAnswers,
      eventsStored: final.events,
      duplicates: final.duplicates,
    });
  }, 60_000);
});

/**
 * How long after the restart a write made after it can be read back through a
 * projection with read-your-writes: the projections run again.
 */
async function waitForOwnRead(app: AppProcess, workload: Workload, up: number): Promise<number> {
  const placed = workload.acked.filter((op) => op.path === '/orders' && op.tries[op.tries.length - 1].startedAt > up).pop();
  if (!placed) throw new Error('no order was placed after the restart');
  const { orderId, position } = placed.response!;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await fetch(`${app.url}/orders/${orderId}?minPosition=${position}`, { signal: AbortSignal.timeout(10_000) });
    if (res.status === 200) return performance.now() - up;
    if (Date.now() > deadline) throw new Error(`order ${orderId} not readable at ${position}: ${res.status} ${await res.text()}`);
    await sleep(50);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
