import { loadavg } from 'node:os';
import { startReplicatedPostgres, type ReplicatedPostgres } from '../test/support/replicated-postgres.js';
import { AppProcess, STAFF_TOKEN, WEBHOOK_SECRET_KEYS } from './support/app-process.js';
import { jsonHeaders, load, type LoadFigures } from './support/load.js';
import { ORDER_BODY } from './support/orders.js';
import { percentile, round } from './support/stats.js';

// npm run bench:replicas: query throughput with and without a hot standby (GET /orders/{id} and a staff
// GET /orders page, alternated, two rounds of each), and the standby's replay
// lag while orders are placed. One machine runs the primary, the standby, the app and the load, so
// the replica adds no CPU here: the figures show what the routing costs and how far replay falls
// behind, not the capacity a standby on its own machine adds.

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = 16;
const ORDERS = 300;
const ROUNDS = 2;
const DATABASE = 'pizzeria_bench_replicas';

const log = (line: string) => console.log(`[replica bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

function startApp(pair: ReplicatedPostgres, withReplica: boolean): Promise<AppProcess> {
  return AppProcess.start({
    script: 'dist/main.js',
    env: {
      NODE_ENV: 'production',
      DATABASE_URL: pair.primary.url(DATABASE),
      // BENCH_REPLICA_IS_PRIMARY=1 routes the "replica" reads to the primary itself: the routing's own cost, without the standby's.
      ...(withReplica
        ? { DATABASE_REPLICA_URLS: process.env.BENCH_REPLICA_IS_PRIMARY ? pair.primary.url(DATABASE) : pair.replica.url(DATABASE) }
        : {}),
      STAFF_API_TOKEN: STAFF_TOKEN,
      WEBHOOK_SECRET_KEYS,
      RATE_LIMIT_WRITES_PER_MINUTE: '0',
      LOG_LEVEL: 'warn',
    },
    nodeFlags: [
      '--max-old-space-size=192',
      '--max-semi-space-size=32',
      // BENCH_PROFILE=1: a V8 CPU profile of each app run (summarise with bench/dist/bench/profile-summary.js).
      ...(process.env.BENCH_PROFILE
        ? [
            '--cpu-prof',
            '--cpu-prof-dir=bench/results/profiles',
            `--cpu-prof-name=replica-bench-${withReplica ? 'replica' : 'primary'}-${Date.now()}.cpuprofile`,
          ]
        : []),
    ],
    logFile: 'bench/results/replica-bench-app.log',
    readyPath: '/menu',
  });
}

async function placeOrders(app: AppProcess, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${app.url}/orders`, { method: 'POST', headers: jsonHeaders(), body: ORDER_BODY });
    ids.push(((await res.json()) as { orderId: string }).orderId);
  }
  return ids;
}

/** GET /orders/{id} over the placed orders and GET /orders (staff), together; with the app's CPU time per request. */
async function queries(app: AppProcess, ids: string[]): Promise<LoadFigures & { appCpuMsPerRequest: number }> {
  let next = 0;
  const cpuBefore = await app.cpuMs();
  const figures = await load({
    url: app.url,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [
      { method: 'GET', setupRequest: (req) => ({ ...req, path: `/orders/${ids[next++ % ids.length]}` }) },
      { method: 'GET', path: '/orders?limit=20', headers: { authorization: `Bearer ${STAFF_TOKEN}` } },
    ],
  });
  return { ...figures, appCpuMsPerRequest: round(((await app.cpuMs()) - cpuBefore) / figures.requests, 3) };
}

async function served(app: AppProcess): Promise<Record<string, number>> {
  const text = await (await fetch(`${app.url}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const [, by, value] of text.matchAll(/^pizzeria_reads_total\{served_by="([^"]+)"\} (\S+)$/gm)) {
    counts[by === 'primary' ? 'primary' : 'replica'] = Number(value);
  }
  return counts;
}

async function main(): Promise<void> {
  const pair = await startReplicatedPostgres();
  try {
    await pair.createDatabase(DATABASE);
    const results: Record<string, unknown> = {};

    // Alternated, twice each: on a shared machine one run alone says more about its neighbours than about the app.
    let app = await startApp(pair, false);
    const ids = await placeOrders(app, ORDERS);
    await app.stop();
    // Vacuumed first, as autovacuum would have by then: a standby does not set hint bits for commits past its
    // minimum recovery point (these test servers commit asynchronously), so on pages not yet all-visible it checks
    // each row's visibility again on every read. BENCH_NO_VACUUM=1 measures that case.
    if (!process.env.BENCH_NO_VACUUM) await pair.primary.query('VACUUM (ANALYZE)', [], DATABASE);
    await pair.waitForReplay();
    const primaryOnly: Awaited<ReturnType<typeof queries>>[] = [];
    const withReplica: Awaited<ReturnType<typeof queries>>[] = [];
    const servedBy = { replica: 0, primary: 0 };
    for (let round = 1; round <= ROUNDS; round++) {
      for (const replica of [false, true]) {
        log(`round ${round}: ${replica ? 'primary and replica' : 'primary only'}`);
        app = await startApp(pair, replica);
        await queries(app, ids); // warm-up
        const before = await served(app);
        (replica ? withReplica : primaryOnly).push(await queries(app, ids));
        const after = await served(app);
        if (replica) {
          servedBy.replica += (after.replica ?? 0) - (before.replica ?? 0);
          servedBy.primary += (after.primary ?? 0) - (before.primary ?? 0);
        }
        await app.stop();
      }
    }
    results.primaryOnly = primaryOnly;
    results.withReplica = withReplica;
    results.withReplicaServedBy = servedBy;
    results.loadAverage = loadavg();

    app = await startApp(pair, true);
    log('replay lag while orders are placed');
    const lagBytes: number[] = [];
    const lagSeconds: number[] = [];
    const replayLagSeconds: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const [row] = await pair.replica.query<{ lag_bytes: number }>(
          `SELECT greatest(0, pg_wal_lsn_diff($1::pg_lsn, pg_last_wal_replay_lsn()))::float8 AS lag_bytes`,
          [(await pair.primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn'))[0].lsn],
        );
        lagBytes.push(Number(row.lag_bytes));
        const health = (await (await fetch(`${app.url}/health`)).json()) as { details?: Record<string, { lagSeconds?: number }> };
        const replica = Object.entries(health.details ?? {}).find(([name]) => name.startsWith('replica:'))?.[1];
        lagSeconds.push(replica?.lagSeconds ?? 0);
        // The primary's own measure: time from flushing WAL to the standby reporting it applied (null when idle).
        const [stat] = await pair.primary.query<{ replay_lag: number | null }>(
          'SELECT extract(epoch FROM replay_lag)::float8 AS replay_lag FROM pg_stat_replication',
        );
        replayLagSeconds.push(Number(stat?.replay_lag ?? 0));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const writes = await load({
      url: app.url,
      connections: CONNECTIONS,
      duration: SECONDS,
      requests: [{ method: 'POST', path: '/orders', headers: jsonHeaders(), body: ORDER_BODY }],
    });
    sampling = false;
    await sampler;
    results.writesWhileSampling = writes;
    results.replayLag = {
      samples: lagBytes.length,
      bytesP50: percentile(lagBytes, 50),
      bytesP99: percentile(lagBytes, 99),
      bytesMax: Math.max(...lagBytes),
      healthSecondsP99: round(percentile(lagSeconds, 99), 3),
      healthSecondsMax: round(Math.max(...lagSeconds), 3),
      pgStatReplicationSecondsP50: round(percentile(replayLagSeconds, 50), 4),
      pgStatReplicationSecondsP99: round(percentile(replayLagSeconds, 99), 4),
      pgStatReplicationSecondsMax: round(Math.max(...replayLagSeconds), 4),
    };
    await app.stop();
    console.log(JSON.stringify(results, null, 2));
  } finally {
    await pair.destroy();
  }
}

await main();
