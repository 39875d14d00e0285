import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module.js';
import { AppConfig } from '../src/config/app-config.js';
import { Database } from '../src/database/database.js';
import { dataSourceOptions } from '../src/database/database.module.js';
import { EventRegistry } from '../src/event-store/event-registry.js';
import { EventStore } from '../src/event-store/event-store.js';
import { SnapshotStore } from '../src/event-store/snapshot-store.js';
import { OrderConfirmed, OrderPlaced } from '../src/orders/domain/order-events.js';
import { OrderRepository } from '../src/orders/order.repository.js';
import { orderStreamId, registerOrderEvents, registerOrderPersonalData } from '../src/orders/order-stream.js';
import { ANALYTICS } from '../src/orders/read-models/analytics.projection.js';
import { KITCHEN_QUEUE } from '../src/orders/read-models/kitchen-queue.projection.js';
import { ORDER_DETAILS } from '../src/orders/read-models/order-details.projection.js';
import { ProjectionRebuilder } from '../src/projections/projection-rebuilder.js';
import { PII_MASTER_KEY, STAFF_TOKEN, WEBHOOK_SECRET_KEYS } from './support/app-process.js';
import { personalDataFor } from '../src/personal-data/personal-data.module.js';
import { placedData, seedOrders } from './support/orders.js';
import { cpuPerRequest, sampleCpu } from './support/cpu-split.js';
import { median, percentile, round, throughput, timeRuns } from './support/stats.js';

export const LEVELS = [1, 16, 64] as const;
const TURNS = 3;
type Levels = Record<`c${(typeof LEVELS)[number]}`, number>;

const METADATA = { correlationId: randomUUID(), causationId: randomUUID(), actor: { kind: 'customer' as const } };

/** The app's configuration, pointed at a bench database. */
export function benchConfig(databaseUrl: string, env: Record<string, string> = {}): AppConfig {
  return AppConfig.fromEnv({
    NODE_ENV: 'production',
    STAFF_API_TOKEN: STAFF_TOKEN,
    WEBHOOK_SECRET_KEYS,
    PII_MASTER_KEY,
    DATABASE_URL: databaseUrl,
    RATE_LIMIT_WRITES_PER_MINUTE: '0',
    ...pick(process.env, ['DB_POOL_SIZE', 'SNAPSHOT_EVERY']),
    ...env,
  });
}

/**
 * The event store as the app builds it, on the app's own pool settings, without Nest: with its
 * codec, so an OrderPlaced is sealed and its data key written by the append, as in the app.
 * Opening it makes the database's keyring: events seeded in SQL afterwards (the scale step)
 * stay as they are written, outside what the in-place sealing would sweep.
 */
export async function openStore(config: AppConfig) {
  const dataSource = new DataSource(dataSourceOptions(config));
  await dataSource.initialize();
  const db = new Database(dataSource);
  const registry = new EventRegistry();
  registerOrderEvents(registry);
  const personalData = await personalDataFor(db, config);
  registerOrderPersonalData(personalData);
  const store = new EventStore(db, registry, personalData);
  const snapshots = new SnapshotStore(db, registry, personalData);
  return { dataSource, db, store, snapshots, repository: new OrderRepository(store, snapshots, config), close: () => dataSource.destroy() };
}

/**
 * PostgreSQL's own ceiling next to the event store's append, level by level so
 * both see the same machine: the ceiling is a prepared, autocommit INSERT of
 * one event-shaped row into a table with only a primary key; the append writes
 * one OrderPlaced to a new stream or one OrderConfirmed to an existing one, in turn.
 */
export async function ceilingAndAppend(
  db: Database,
  store: EventStore,
  durationMs: number,
): Promise<{ ceiling: Levels; append: Levels; appendRatio: number }> {
  await db.query('CREATE TABLE bench_ceiling (LIKE events INCLUDING DEFAULTS INCLUDING IDENTITY, PRIMARY KEY (position))');
  const template = placedData();
  const data = JSON.stringify(template);
  const metadata = JSON.stringify(METADATA);
  const ceilingInsert = {
    name: 'bench-ceiling-insert',
    text: `INSERT INTO bench_ceiling (event_id, stream_id, version, type, schema_version, data, metadata, occurred_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
  };
  const ceiling = async (): Promise<void> => {
    await db.pool.query({
      ...ceilingInsert,
      values: [randomUUID(), `order-${randomUUID()}`, 1, 'OrderPlaced', 2, data, metadata, new Date()],
    });
  };
  const streams: Array<{ streamId: string; orderId: string; version: number } | undefined> = [];
  const append = async (worker: number): Promise<void> => {
    const mine = streams[worker];
    if (!mine || mine.version > 1) {
      const orderId = randomUUID();
      const streamId = orderStreamId(orderId);
      await store.append(streamId, [new OrderPlaced({ ...template, orderId })], 0, { metadata: METADATA });
      streams[worker] = { streamId, orderId, version: 1 };
    } else {
      const event = new OrderConfirmed({
        orderId: mine.orderId,
        estimatedReadyAt: null,
        kitchenNotes: null,
        confirmedAt: new Date().toISOString(),
      });
      await store.append(mine.streamId, [event], mine.version, { metadata: METADATA });
      mine.version++;
    }
  };
  // Short turns, taken in alternation, and the median of each: a neighbour's burst
  // on this shared machine then hits both sides rather than one.
  const result = { ceiling: {} as Levels, append: {} as Levels };
  for (const level of LEVELS) {
    const ceilings: number[] = [];
    const appends: number[] = [];
    for (let turn = 0; turn < TURNS; turn++) {
      ceilings.push(await throughput(level, durationMs / TURNS, ceiling, 300));
      appends.push(await throughput(level, durationMs / TURNS, append, 300));
    }
    result.ceiling[`c${level}`] = round(median(ceilings), 0);
    result.append[`c${level}`] = round(median(appends), 0);
  }
  return { ...result, appendRatio: round(result.append.c16 / result.ceiling.c16, 3) };
}

/** Loading a 1,000-event order from its events only, and from a snapshot at v1000. */
export async function snapshotSpeedup(store: EventStore, snapshots: SnapshotStore, repository: OrderRepository) {
  const orderId = randomUUID();
  const streamId = orderStreamId(orderId);
  await store.append(streamId, [new OrderPlaced(placedData(orderId))], 0);
  for (let version = 1; version < 1000;) {
    const count = Math.min(100, 1000 - version);
    const events = Array.from(
      { length: count },
      (_, i) =>
        new OrderConfirmed({ orderId, estimatedReadyAt: null, kitchenNotes: `note ${version + i}`, confirmedAt: new Date().toISOString() }),
    );
    await store.append(streamId, events, version);
    version += count;
  }
  const without = await timeRuns(40, 5, () => repository.load(orderId, { useSnapshot: false }));
  const order = await repository.load(orderId, { useSnapshot: false });
  if (order?.version !== 1000) throw new Error(`the bench order has ${order?.version} events, not 1000`);
  await snapshots.writeSnapshot({ streamId, version: 1000, type: 'PizzaOrder', schemaVersion: 1, state: order.toSnapshot() });
  const withSnapshot = await timeRuns(40, 5, () => repository.load(orderId));
  if ((await repository.load(orderId))?.version !== 1000) throw new Error('loading from the snapshot lost events');
  const withoutMs = median(without);
  const withMs = median(withSnapshot);
  return {
    withoutMs: round(withoutMs, 3),
    withMs: round(withMs, 3),
    speedup: round(withoutMs / withMs, 1),
    withoutP99Ms: round(percentile(without, 99), 3),
    withP99Ms: round(percentile(withSnapshot, 99), 3),
  };
}

/**
 * Rebuilds order-details from `events` seeded events through the app's own
 * ProjectionRebuilder, in a Nest application context, `turns` times. The live runners are
 * started at the head first, so only the rebuild reads the log.
 */
export async function rebuildFigures(config: AppConfig, events: number, turns: number) {
  const { db, close } = await openStore(config);
  let orders: number;
  try {
    const client = await db.pool.connect();
    try {
      orders = await seedOrders(client, events);
    } finally {
      client.release();
    }
    await db.query(
      `INSERT INTO projection_checkpoints (name, transaction_id, position)
       SELECT name, head.transaction_id, head.position FROM unnest($1::text[]) AS name,
         (SELECT transaction_id, position FROM events ORDER BY transaction_id DESC, position DESC LIMIT 1) AS head`,
      [[ORDER_DETAILS, KITCHEN_QUEUE, ANALYTICS]],
    );
    await db.query('VACUUM ANALYZE events');
  } finally {
    await close();
  }
  const context = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: ['error', 'warn'] });
  try {
    // Several rebuilds of the same log, the median reported: one rebuild lasts a few seconds, and on a
    // shared machine a few seconds can be slow or fast by a third.
    const runs: Array<{ seconds: number; eventsPerSec: number }> = [];
    let applied = 0;
    const cpuBefore = await sampleCpu(process.pid);
    for (let turn = 0; turn < turns; turn++) {
      const started = performance.now();
      const result = await context.get(ProjectionRebuilder).rebuild(ORDER_DETAILS);
      const seconds = (performance.now() - started) / 1000;
      applied += result.eventsApplied;
      runs.push({ seconds: round(seconds, 2), eventsPerSec: round(result.eventsApplied / seconds, 0) });
      const [{ count }] = await context.get(Database).query<{ count: string }>('SELECT count(*) AS count FROM order_details');
      if (Number(count) !== orders) throw new Error(`the rebuilt order_details has ${count} rows, not ${orders}`);
    }
    const cpu = cpuPerRequest(cpuBefore, await sampleCpu(process.pid), applied / 1000);
    const middle = [...runs].sort((a, b) => a.eventsPerSec - b.eventsPerSec)[Math.floor(runs.length / 2)];
    return {
      events: applied / turns,
      seconds: middle.seconds,
      eventsPerSec: middle.eventsPerSec,
      runs,
      // The rebuild runs in this process: its CPU is the `app` side here. Over all the runs.
      cpuMsPer1000Events: { node: cpu.appMs, postgres: cpu.postgresMs, machine: cpu.machineMs, machineBusyCores: cpu.machineBusyCores },
    };
  } finally {
    await context.close();
  }
}

function pick(env: NodeJS.ProcessEnv, names: string[]): Record<string, string> {
  return Object.fromEntries(names.filter((name) => env[name] !== undefined).map((name) => [name, env[name]!]));
}
