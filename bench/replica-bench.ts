import { startReplicatedPostgres, type ReplicatedPostgres } from '../test/support/replicated-postgres.js';
import { AppProcess, STAFF_TOKEN, WEBHOOK_SECRET_KEYS } from './support/app-process.js';
import { jsonHeaders, load, type LoadFigures } from './support/load.js';
import { ORDER_BODY } from './support/orders.js';
import { percentile, round } from './support/stats.js';

// npm run bench:replicas: query throughput with and without a hot standby, and the standby's replay
// lag while orders are placed. One machine runs the primary, the standby, the app and the load, so
// the replica adds no CPU here: the figures show what the routing costs and how far replay falls
// behind, not the capacity a standby on its own machine adds.

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = 16;
const ORDERS = 300;
const DATABASE = 'pizzeria_bench_replicas';

const log = (line: string) => console.log(`[replica bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

function startApp(pair: ReplicatedPostgres, withReplica: boolean): Promise<AppProcess> {
  return AppProcess.start({
    script: 'dist/main.js',
    env: {
      NODE_ENV: 'production',
      DATABASE_URL: pair.primary.url(DATABASE),
      ...(withReplica ? { DATABASE_REPLICA_URLS: pair.replica.url(DATABASE), DATABASE_REPLICA_CHECK_MS: '200' } : {}),
      STAFF_API_TOKEN: STAFF_TOKEN,
      WEBHOOK_SECRET_KEYS,
      RATE_LIMIT_WRITES_PER_MINUTE: '0',
      LOG_LEVEL: 'warn',
    },
    nodeFlags: ['--max-old-space-size=192', '--max-semi-space-size=32'],
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

/** GET /orders/{id} over the placed orders and GET /orders (staff), together. */
async function queries(app: AppProcess, ids: string[]): Promise<LoadFigures> {
  let next = 0;
  return load({
    url: app.url,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [
      { method: 'GET', setupRequest: (req) => ({ ...req, path: `/orders/${ids[next++ % ids.length]}` }) },
      { method: 'GET', path: '/orders?limit=20', headers: { authorization: `Bearer ${STAFF_TOKEN}` } },
    ],
  });
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

    log('primary only');
    let app = await startApp(pair, false);
    const ids = await placeOrders(app, ORDERS);
    await queries(app, ids); // warm-up
    results.primaryOnly = await queries(app, ids);
    await app.stop();

    log('primary and replica');
    app = await startApp(pair, true);
    await pair.waitForReplay();
    await queries(app, ids); // warm-up
    const before = await served(app);
    results.withReplica = await queries(app, ids);
    const after = await served(app);
    results.withReplicaServedBy = {
      replica: (after.replica ?? 0) - (before.replica ?? 0),
      primary: (after.primary ?? 0) - (before.primary ?? 0),
    };

    log('replay lag while orders are placed');
    const lagBytes: number[] = [];
    const lagSeconds: number[] = [];
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
      secondsP99: round(percentile(lagSeconds, 99), 3),
      secondsMax: round(Math.max(...lagSeconds), 3),
    };
    await app.stop();
    console.log(JSON.stringify(results, null, 2));
  } finally {
    await pair.destroy();
  }
}

await main();
