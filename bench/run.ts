import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { compareStores, httpFigures, warmUp } from './http-bench.js';
import { fillStore, sampleOrderIds, settle, storeLatencies, waitForProjections } from './scale-bench.js';
import { benchConfig, ceilingAndAppend, openStore, snapshotSpeedup } from './store-bench.js';
import { AppProcess, PII_MASTER_KEY, STAFF_TOKEN, WEBHOOK_SECRET_KEYS } from './support/app-process.js';
import { BenchServer } from './support/bench-server.js';
import { printTable, targets } from './support/report.js';
import { round } from './support/stats.js';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const profile = args.has('--profile');
const only = [...args]
  .find((arg) => arg.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const runs = (phase: 'store' | 'rebuild' | 'http' | 'scale') => (only ? only.includes(phase) : phase !== 'scale' || !quick);
const RESULTS = resolve('bench/results');
const STORE_LEVEL_MS = 4_500;
const HTTP_SECONDS = 10;
const SCALE_SECONDS = 4;
const SCALE_TURNS = 3;
/** --scale=10m (or 2m, 500k…): the size of the scale step's store; 1M by default. */
const SCALE_EVENTS = scaleOf([...args].find((arg) => arg.startsWith('--scale='))?.slice('--scale='.length) ?? '1m');
const REBUILD_EVENTS = 100_000;
const REBUILD_TURNS = 3;

/** The app runs as `npm start` (and the Dockerfile) run it: with its heap capped. */
const APP_RUNTIME_FLAGS = ['--max-old-space-size=192', '--max-semi-space-size=32'];
/** Extra node flags for the app process only (BENCH_APP_NODE_FLAGS), to try V8 settings without touching the bench's own. */
const APP_NODE_FLAGS = (process.env.BENCH_APP_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);

const run = promisify(execFile);
const log = (line: string) => console.log(line);
const step = (what: string) => log(`[bench ${new Date().toISOString().slice(11, 19)}] ${what}`);

function startApp(databaseUrl: string, tag: string): Promise<AppProcess> {
  return AppProcess.start({
    script: 'dist/main.js',
    env: {
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      STAFF_API_TOKEN: STAFF_TOKEN,
      WEBHOOK_SECRET_KEYS,
      PII_MASTER_KEY,
      RATE_LIMIT_WRITES_PER_MINUTE: '0',
    },
    nodeFlags: [
      ...APP_RUNTIME_FLAGS,
      ...APP_NODE_FLAGS,
      ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${RESULTS}/profiles`, `--cpu-prof-name=app-${tag}-${Date.now()}.cpuprofile`] : []),
    ],
    logFile: `${RESULTS}/app.log`,
    readyPath: '/menu',
  });
}

/** The rebuild as the app would run it: in a node process with the app's runtime flags (see rebuild-run.ts). */
async function rebuildInAppRuntime(databaseUrl: string, events: number, turns: number) {
  const script = resolve('bench/dist/bench/rebuild-run.js');
  const { stdout } = await run(
    process.execPath,
    [...APP_RUNTIME_FLAGS, ...APP_NODE_FLAGS, script, databaseUrl, String(events), String(turns)],
    {
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const line = stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  if (!line) throw new Error(`the rebuild process printed no result:\n${stdout}`);
  return JSON.parse(line.slice('BENCH_RESULT '.length));
}

/** The statements the app ran while loaded, most expensive first (needs pg_stat_statements preloaded). */
async function statementStats(databaseUrl: string, reset: boolean): Promise<unknown[] | undefined> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    if (reset) {
      await client.query('SELECT pg_stat_statements_reset()');
      return undefined;
    }
    const { rows } = await client.query(
      `SELECT calls, round(total_exec_time::numeric, 1) AS total_ms, round(mean_exec_time::numeric, 3) AS mean_ms, rows,
              left(regexp_replace(query, '\\s+', ' ', 'g'), 160) AS query
         FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        ORDER BY total_exec_time DESC LIMIT 25`,
    );
    return rows;
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  rmSync(`${RESULTS}/app.log`, { force: true });
  const server = await BenchServer.open((line) => step(line));
  const result: Record<string, any> = {
    generatedAt: new Date().toISOString(),
    quick,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      node: process.version,
      server: server.description,
      loadAverageAtStart: loadavg()[0],
    },
  };
  const peaks: number[] = [];
  try {
    const pgStats = profile && (await server.enableStatStatements((line) => step(line)));
    result.machine.postgres = await server.version();
    result.machine.dbPoolSize = benchConfig('postgres://bench').dbPoolSize;

    if (runs('store')) {
      step('store: ceiling and append at 1, 16, 64 concurrent writers');
      const storeDb = await server.createDatabase('store');
      const opened = await openStore(benchConfig(storeDb.url));
      Object.assign(result, await ceilingAndAppend(opened.db, opened.store, STORE_LEVEL_MS));
      step('store: loading a 1,000-event order with and without a snapshot');
      result.snapshot = await snapshotSpeedup(opened.store, opened.snapshots, opened.repository);
      result.snapshotSpeedup = result.snapshot.speedup;
      await opened.close();
      await server.dropDatabase(storeDb.name);
    }

    if (runs('rebuild')) {
      step(`rebuild: order-details from ${REBUILD_EVENTS} events`);
      const rebuildDb = await server.createDatabase('rebuild');
      result.rebuild = await rebuildInAppRuntime(rebuildDb.url, REBUILD_EVENTS, quick ? 1 : REBUILD_TURNS);
      result.rebuildEventsPerSec = result.rebuild.eventsPerSec;
      await server.dropDatabase(rebuildDb.name);
    }

    if (runs('http')) {
      step('http: starting the app and the same-work reference (bench/reference-app.ts)');
      const httpDb = await server.createDatabase('http');
      const app = await startApp(httpDb.url, 'http');
      const appIds = await warmUp(app, 3);
      const reference = await AppProcess.start({
        script: 'bench/dist/bench/reference-app.js',
        env: { DATABASE_URL: httpDb.url, NODE_ENV: 'production' },
        nodeFlags: APP_RUNTIME_FLAGS,
        logFile: `${RESULTS}/reference.log`,
        readyPath: '/orders',
      });
      step(
        `http: reference and app at 32 connections (POST /orders, GET by id, list), then POST at 8 and the flow, ${HTTP_SECONDS} s each`,
      );
      if (pgStats) await statementStats(httpDb.url, true);
      Object.assign(result, await httpFigures(app, reference, appIds, httpDb.url, HTTP_SECONDS));
      if (pgStats) result.statements = await statementStats(httpDb.url, false);
      peaks.push(await reference.stop());
      peaks.push(await app.stop());
      await server.dropDatabase(httpDb.name);
    }

    if (runs('scale')) {
      step(`scale: filling a store to ${SCALE_EVENTS} events with SQL`);
      const fullDb = await server.createDatabase('full');
      await (await openStore(benchConfig(fullDb.url))).close();
      const fill = await fillStore(fullDb.url, SCALE_EVENTS);
      step(`scale: ${fill.added} events written in ${fill.seconds} s; starting the app, projections catch up`);
      const full = await startApp(fullDb.url, 'full');
      // About 100 s per million events here; twice that before giving up.
      const catchUp = await waitForProjections(fullDb.url, fill.added, Math.max(300_000, (SCALE_EVENTS / 1_000_000) * 200_000));
      step(`scale: ${catchUp.caughtUp ? `caught up in ${catchUp.seconds} s` : 'NOT caught up'}; next to a fresh store`);
      await settle(fullDb.url);
      const fullIds = await sampleOrderIds(fullDb.url, 5_000);
      const emptyDb = await server.createDatabase('empty');
      const empty = await startApp(emptyDb.url, 'empty');
      const emptyIds = await warmUp(empty, 3);
      await warmUp(full, 3);
      step(`scale: p99s of both stores in ${SCALE_TURNS} alternating turns of ${SCALE_SECONDS} s`);
      const stores = { empty: { app: empty, ids: emptyIds }, full: { app: full, ids: fullIds } };
      const compared = await compareStores(stores, SCALE_SECONDS, SCALE_TURNS);
      peaks.push(await empty.stop(), await full.stop());
      step('scale: the store alone, full then empty: append, load, and a 1,000-event order with and without its snapshot');
      const storeFull = await storeLatencies(fullDb.url, fullIds);
      const storeEmpty = await storeLatencies(emptyDb.url, emptyIds);
      const ratio = (a: number, b: number) => round(a / b, 2);
      result.scale = {
        events: SCALE_EVENTS,
        seededSeconds: fill.seconds,
        catchUp,
        empty: compared.empty,
        million: compared.full,
        store: { empty: storeEmpty, full: storeFull },
        errors: compared.errors,
        turns: compared.turns,
        secondsPerTurn: compared.secondsPerTurn,
        ratios: {
          postOrders: ratio(compared.full.postOrdersP99Ms, compared.empty.postOrdersP99Ms),
          getOrder: ratio(compared.full.getOrderP99Ms, compared.empty.getOrderP99Ms),
          listOrders: ratio(compared.full.listOrdersP99Ms, compared.empty.listOrdersP99Ms),
        },
      };
    } else {
      result.scale = { skipped: quick ? '--quick' : 'not selected' };
    }
    if (peaks.length > 0) result.peakRssMb = round(Math.max(...peaks), 1);
    result.machine.loadAverageAtEnd = loadavg()[0];
    result.targets = targets(result);
  } finally {
    await server.close();
  }
  const json = `${JSON.stringify(result, null, 2)}\n`;
  writeFileSync(`${RESULTS}/latest.json`, json);
  writeFileSync(`${RESULTS}/run-${result.generatedAt.replace(/[:.]/g, '-')}.json`, json);
  printTable(result, log);
  step(`figures written to ${RESULTS}/latest.json`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

/** '10m' → 10,000,000; '500k' → 500,000; a plain number as it is. */
function scaleOf(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(text);
  if (!match) throw new Error(`--scale takes a size such as 10m or 500k, not ${text}`);
  return Math.round(Number(match[1]) * ({ k: 1_000, m: 1_000_000 }[match[2].toLowerCase() as 'k' | 'm'] ?? 1));
}
