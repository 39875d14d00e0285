import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { OrderPlaced } from '../src/orders/domain/order-events.js';
import { orderStreamId } from '../src/orders/order-stream.js';
import { benchConfig, openStore, snapshotSpeedup } from './store-bench.js';
import { placedData, seedOrders } from './support/orders.js';
import { percentile, round, sleep, timeRuns } from './support/stats.js';

/** Tops the store up to `target` events with seeded orders, straight in SQL; returns the seconds it took. */
export async function fillStore(databaseUrl: string, target: number): Promise<{ added: number; seconds: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const started = performance.now();
    const [{ count }] = (await client.query<{ count: string }>('SELECT count(*) AS count FROM events')).rows;
    const added = Math.max(0, target - Number(count));
    await seedOrders(client, added);
    await client.query('VACUUM ANALYZE events');
    return { added, seconds: round((performance.now() - started) / 1000, 1) };
  } finally {
    await client.end();
  }
}

/**
 * Waits until every projection's checkpoint is the newest event of the log,
 * or gives up after `timeoutMs`; reports how fast they caught up.
 */
export async function waitForProjections(databaseUrl: string, behind: number, timeoutMs: number) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const started = performance.now();
  try {
    for (;;) {
      const { rows } = await client.query<{ name: string; caught_up: boolean; position: string }>(
        `SELECT c.name, c.position, (c.transaction_id, c.position) >= (h.transaction_id, h.position) AS caught_up
           FROM projection_checkpoints c,
                (SELECT transaction_id, position FROM events ORDER BY transaction_id DESC, position DESC LIMIT 1) h`,
      );
      const seconds = (performance.now() - started) / 1000;
      if (rows.length > 0 && rows.every((row) => row.caught_up)) {
        return { caughtUp: true, seconds: round(seconds, 1), eventsPerSec: round(behind / seconds, 0) };
      }
      if (performance.now() - started > timeoutMs) {
        return {
          caughtUp: false,
          seconds: round(seconds, 1),
          positions: Object.fromEntries(rows.map((r) => [r.name, Number(r.position)])),
        };
      }
      await sleep(1_000);
    }
  } finally {
    await client.end();
  }
}

/**
 * Lets the store settle after the bulk load and the catch-up, as it would
 * between busy hours: statistics fresh, dirty pages written. Otherwise the
 * checkpoint and autovacuum that the bulk load sets off land in the middle of
 * the measurement and make its p99 about them.
 */
export async function settle(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('VACUUM ANALYZE');
    await client.query('CHECKPOINT');
  } finally {
    await client.end();
  }
}

/** Order ids spread over the whole read model, for GET /orders/{id} on a full store. */
export async function sampleOrderIds(databaseUrl: string, count: number): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ order_id: string }>('SELECT order_id FROM order_details TABLESAMPLE SYSTEM (5) LIMIT $1', [
      count,
    ]);
    return rows.map((row) => row.order_id).sort(() => Math.random() - 0.5);
  } finally {
    await client.end();
  }
}

/**
 * What the store itself costs at this size, away from HTTP: the p99 of one
 * order's append (one event, its expected version checked), of loading a
 * short seeded order, and of loading a 1,000-event order with and without
 * its snapshot.
 */
export async function storeLatencies(databaseUrl: string, orderIds: readonly string[]) {
  const { store, repository, close } = await openStore(benchConfig(databaseUrl));
  try {
    const appends = await timeRuns(400, 40, () => {
      const orderId = randomUUID();
      return store.append(orderStreamId(orderId), [new OrderPlaced(placedData(orderId))], 0);
    });
    let next = 0;
    const loads = await timeRuns(400, 40, () => repository.load(orderIds[next++ % orderIds.length], { useSnapshot: false }));
    const snapshots = await snapshotLoads(databaseUrl);
    const p99 = (values: number[]) => round(percentile(values, 99), 3);
    return { appendP99Ms: p99(appends), loadP99Ms: p99(loads), ...snapshots };
  } finally {
    await close();
  }
}

async function snapshotLoads(databaseUrl: string) {
  const opened = await openStore(benchConfig(databaseUrl));
  try {
    const figures = await snapshotSpeedup(opened.store, opened.snapshots, opened.repository);
    return { longOrderLoadWithoutSnapshotP99Ms: figures.withoutP99Ms, longOrderLoadWithSnapshotP99Ms: figures.withP99Ms };
  } finally {
    await opened.close();
  }
}
