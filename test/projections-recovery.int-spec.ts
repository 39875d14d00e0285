import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../src/bootstrap.js';
import { Database } from '../src/database/database.js';
import { EventRegistry } from '../src/event-store/event-registry.js';
import { EventStore } from '../src/event-store/event-store.js';
import { priceItems } from '../src/menu/pricing.js';
import { PizzaOrder } from '../src/orders/domain/pizza-order.js';
import type { OrderEvent } from '../src/orders/domain/order-events.js';
import { orderStreamId, registerOrderEvents } from '../src/orders/order-stream.js';
import { ProjectionRebuilder, type RebuildProgress } from '../src/projections/projection-rebuilder.js';
import { ProjectionsService, type ProjectionInfo } from '../src/projections/projections.service.js';
import { countEvents, staffPost } from './support/orders-helpers.js';
import { recordMeasurement, waitUntil } from './support/projection-helpers.js';
import { MARGHERITA_ORDER, startTestApp, type TestApp } from './support/test-app.js';

const PROJECTIONS = ['analytics', 'kitchen-queue', 'order-details'];

/** Every read-model table with its primary key, to compare them as data. */
const READ_MODELS: Record<string, string> = {
  order_details: 'order_id',
  kitchen_queue: 'order_id',
  analytics_orders: 'order_id',
  analytics_daily: 'day',
  analytics_pizzas: 'day, pizza_id',
};

const PICKUP_ORDER = { ...MARGHERITA_ORDER, fulfilment: 'pickup' };
const MIXED_ORDER = {
  customer: { name: 'Berta', phone: '+34 600 333 444', address: 'Gran Vía 2, Madrid' },
  items: [
    { pizzaId: 'pepperoni', size: 'medium', quantity: 1, toppings: ['olives'] },
    { pizzaId: 'diavola', size: 'small', quantity: 3 },
  ],
};

type Step = [command: string, body?: object];

/** Orders in every shape the read models know: pending, cancelled (with and without refund), paid, delivered, picked up. */
const WALKS: Array<{ body: object; steps: Step[] }> = [
  { body: MARGHERITA_ORDER, steps: [] },
  { body: MARGHERITA_ORDER, steps: [['cancel', { reason: 'changed my mind' }]] },
  { body: MARGHERITA_ORDER, steps: [['confirm'], ['pay', { method: 'card' }], ['ready'], ['dispatch', { courier: 'Luis' }], ['deliver']] },
  {
    body: PICKUP_ORDER,
    steps: [['discount', { code: 'PIZZA20' }], ['confirm'], ['start-cooking'], ['pay', { method: 'cash' }], ['ready'], ['deliver']],
  },
  {
    body: MIXED_ORDER,
    steps: [
      ['pay', { method: 'card' }],
      ['cancel', { reason: 'no driver tonight' }],
    ],
  },
  {
    body: PICKUP_ORDER,
    steps: [
      ['confirm', { kitchenNotes: 'no basil' }],
      ['cancel', { reason: 'oven broke' }],
    ],
  },
  { body: MIXED_ORDER, steps: [['discount', { code: 'FIVEOFF' }], ['confirm'], ['pay', { method: 'card' }]] },
  { body: PICKUP_ORDER, steps: [['confirm'], ['start-cooking']] },
];

interface Written {
  orderId: string;
  version: number;
  position: number;
}

async function place(t: TestApp, body: object): Promise<Written> {
  const res = await t.http().post('/orders').send(body);
  if (res.status !== 201) throw new Error(`placing an order failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Written;
}

async function step(t: TestApp, orderId: string, [command, body]: Step): Promise<Written> {
  const res = await staffPost(t, `/orders/${orderId}/${command}`, body ?? {});
  if (res.status !== 200) throw new Error(`${command} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Written;
}

async function walk(t: TestApp, { body, steps }: (typeof WALKS)[number]): Promise<Written> {
  let written = await place(t, body);
  for (const s of steps) written = await step(t, written.orderId, s);
  return written;
}

async function projections(t: TestApp): Promise<ProjectionInfo[]> {
  const res = await t.http().get('/admin/projections').set(t.staff);
  expect(res.status).toBe(200);
  return res.body as ProjectionInfo[];
}

/** Until nothing is in flight: every projection stands at the head of the log. */
async function quiesce(t: TestApp): Promise<void> {
  await waitUntil(
    async () => {
      const list = await projections(t);
      return (
        list.length === PROJECTIONS.length &&
        list.every((p) => p.lagEvents === 0 && !['catching-up', 'failed', 'rebuilding'].includes(p.status))
      );
    },
    { what: 'every projection has caught up with the log' },
  );
}

async function readModels(t: TestApp): Promise<Record<string, unknown[]>> {
  const db = t.app.get(Database);
  const tables: Record<string, unknown[]> = {};
  for (const [table, key] of Object.entries(READ_MODELS)) {
    const rows = await db.query<{ row: unknown }>(`SELECT to_jsonb(t) AS row FROM ${table} t ORDER BY ${key}`);
    tables[table] = rows.map((r) => r.row);
  }
  return tables;
}

async function rebuildAll(t: TestApp): Promise<RebuildProgress[]> {
  const rebuilder = t.app.get(ProjectionRebuilder);
  const results: RebuildProgress[] = [];
  for (const name of t.app.get(ProjectionsService).names()) results.push(await rebuilder.rebuild(name));
  return results;
}

/** Each read-model table's indexes and constraints, without the names PostgreSQL picked for them. */
async function tableShapes(t: TestApp): Promise<string[]> {
  const rows = await t.app.get(Database).query<{ shape: string }>(
    `SELECT c.relname || ': ' || regexp_replace(pg_get_indexdef(i.indexrelid), '^CREATE (UNIQUE )?INDEX \\S+ ON \\S+', 'CREATE \\1INDEX ON') AS shape
       FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
      WHERE c.relname = ANY($1::text[])
     UNION ALL
     SELECT c.relname || ': ' || pg_get_constraintdef(k.oid) FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
      WHERE c.relname = ANY($1::text[])
      ORDER BY 1`,
    [Object.keys(READ_MODELS)],
  );
  return rows.map((row) => row.shape);
}

/** What a full replay of the log gives, against the tables the runners kept live; the tables keep their indexes. */
async function expectEqualToRebuild(t: TestApp): Promise<Record<string, unknown[]>> {
  await quiesce(t);
  const live = await readModels(t);
  const shapes = await tableShapes(t);
  await rebuildAll(t);
  await quiesce(t);
  expect(await readModels(t)).toEqual(live);
  expect(await tableShapes(t)).toEqual(shapes);
  expect(shapes.filter((shape) => shape.startsWith('order_details: CREATE INDEX'))).toHaveLength(3);
  return live;
}

/** A second instance of the app on the database of `t`. */
async function startSibling(t: TestApp): Promise<TestApp> {
  const app = await createApp(t.config, { logger: false });
  await app.init();
  return { ...t, app, http: () => request(app.getHttpServer()), close: () => app.close() };
}

describe('read models through rebuilds, restarts and a second instance', () => {
  it('rebuilds each projection while orders are being written, into the same tables a full replay gives', async () => {
    const t = await startTestApp({ projectionLockRetryMs: 50 });
    try {
      await Promise.all(WALKS.map((w) => walk(t, w)));
      const quiet = await expectEqualToRebuild(t);
      expect(quiet.order_details).toHaveLength(WALKS.length);
      expect(quiet.kitchen_queue.length).toBeGreaterThan(0);
      expect(quiet.analytics_orders).toHaveLength(WALKS.length);
      expect(quiet.analytics_pizzas.length).toBeGreaterThanOrEqual(3);

      let writing = true;
      let walked = 0;
      const writers = Promise.all(
        [0, 1].map(async (offset) => {
          for (let i = offset; writing; i += 2) {
            await walk(t, WALKS[i % WALKS.length]);
            walked++;
          }
        }),
      );
      try {
        await waitUntil(() => walked > 0, { what: 'the writers are under way' });
        const before = await countEvents(t);
        const results = await rebuildAll(t);
        expect(await countEvents(t)).toBeGreaterThan(before);
        for (const result of results) {
          expect(result.done).toBe(true);
          expect(result.eventsApplied).toBeGreaterThan(0);
        }
      } finally {
        writing = false;
        await writers;
      }

      const live = await expectEqualToRebuild(t);
      expect(live.order_details).toHaveLength(WALKS.length + walked);
      expect(live.analytics_orders).toHaveLength(WALKS.length + walked);
    } finally {
      await t.close();
    }
  });

  it('rebuilds a log of thousands of events, written in bulk by COPY, into the same tables a full replay gives', async () => {
    const t = await startTestApp({ projectionLockRetryMs: 50 });
    try {
      const store = t.app.get(EventStore);
      // What COPY's text format gives a meaning to, in what the read models store as text and as jsonb.
      const awkward = ['tab\there', 'line\nbreak', 'back\\slash', '\\N', 'it\'s "quoted"', 'ñandú 🍕', 'plain'];
      const count = 1_100;
      const orders = Array.from({ length: count }, (_, i) => {
        const text = awkward[i % awkward.length];
        return PizzaOrder.place({
          orderId: randomUUID(),
          customer: { name: `${text} ${i}`, phone: `+34 600 ${String(i).padStart(6, '0')}`, address: i % 3 ? `Calle ${text} ${i}` : null },
          items: priceItems([
            { pizzaId: i % 2 ? 'funghi' : 'margherita', size: 'large', quantity: 1 + (i % 3), toppings: i % 4 ? [] : ['basil'] },
          ]),
          fulfilment: i % 3 ? 'delivery' : 'pickup',
          notes: i % 5 ? null : text,
          now: new Date(Date.UTC(2026, 10, 1 + (i % 20), 12, 0, 0, i % 1000)),
        });
      });
      const stored = new Map<string, number>(orders.map((order) => [order.id, 0]));
      const appendAll = async () => {
        for (let i = 0; i < orders.length; i += 50) {
          await Promise.all(
            orders.slice(i, i + 50).map(async (order) => {
              await store.append(orderStreamId(order.id), order.pullNewEvents(), stored.get(order.id)!);
              stored.set(order.id, order.version);
            }),
          );
        }
      };
      await appendAll();
      // All placed first, then all moved on: the rebuild's pages are 2,000 events, so its second page holds
      // hundreds of orders it must read and update (a staged upsert), not create, in each of the three read models.
      orders.forEach((order, i) => {
        const now = new Date(Date.UTC(2026, 10, 21, 12, 0, 0, i % 1000));
        if (i % 4 === 0) order.cancel({ reason: awkward[i % awkward.length], by: 'customer', now });
        else order.confirm({ kitchenNotes: i % 2 ? awkward[i % awkward.length] : null, now });
        if (i % 4 === 1) order.pay({ method: 'card', now });
      });
      await appendAll();
      expect(await countEvents(t)).toBeGreaterThan(2 * count + 200);

      const live = await expectEqualToRebuild(t);
      expect(live.order_details).toHaveLength(count);
      expect(live.analytics_orders).toHaveLength(count);
      expect(live.kitchen_queue.length).toBeGreaterThan(count / 2);
      const names = new Set((live.order_details as Array<{ customer: { name: string } }>).map((row) => row.customer.name));
      for (const text of awkward) expect(names.has(`${text} ${awkward.indexOf(text)}`)).toBe(true);
    } finally {
      await t.close();
    }
  });

  it('finishes a rebuild while writes go on without a pause, instead of chasing the head of the log', async () => {
    const t = await startTestApp({ projectionLockRetryMs: 50 });
    try {
      await Promise.all(WALKS.map((w) => walk(t, w)));
      await quiesce(t);
      // Eight writers, back to back, with a bound: a rebuild that only stopped at an empty
      // page of the log would find new events on almost every read, and end with the writers.
      const LIMIT = 1_500;
      let placed = 0;
      let stop = false;
      const writer = Promise.all(
        Array.from({ length: 8 }, async () => {
          while (!stop && placed < LIMIT) {
            placed++;
            await place(t, MARGHERITA_ORDER);
          }
        }),
      );
      try {
        await waitUntil(() => placed >= 5, { what: 'the writer is under way' });
        const result = await t.app.get(ProjectionRebuilder).rebuild('order-details');
        expect(result.done).toBe(true);
        expect(placed).toBeLessThan(LIMIT);
      } finally {
        stop = true;
        await writer;
      }
      await expectEqualToRebuild(t);
    } finally {
      await t.close();
    }
  });

  it('catches up after a restart with events that were appended but never published', async () => {
    const t = await startTestApp({ projectionLockRetryMs: 50 });
    let restarted: TestApp | undefined;
    try {
      const earlier = await walk(t, { body: MARGHERITA_ORDER, steps: [['confirm']] });
      await quiesce(t);
      await t.app.close();

      // Appended by an instance that died before its feed published anything.
      const dataSource = new DataSource({ type: 'postgres', url: t.database.url, logging: false });
      await dataSource.initialize();
      let placed: Written;
      let cooking: Written;
      try {
        const registry = new EventRegistry();
        registerOrderEvents(registry);
        const store = new EventStore(new Database(dataSource), registry);
        const now = new Date();
        const order = PizzaOrder.place({
          orderId: randomUUID(),
          customer: { name: 'Carla', phone: '+34 600 555 666', address: null },
          items: priceItems([{ pizzaId: 'funghi', size: 'large', quantity: 2, toppings: ['basil'] }]),
          fulfilment: 'pickup',
          now,
        });
        order.confirm({ kitchenNotes: 'after the crash', now });
        const appended = await store.append(orderStreamId(order.id), order.pullNewEvents(), 0);
        placed = { orderId: order.id, version: appended.nextExpectedVersion, position: appended.lastPosition };

        const history = await store.readStream(orderStreamId(earlier.orderId));
        const existing = PizzaOrder.fromHistory(history.map((e) => e.event as OrderEvent));
        existing.startCooking({ now });
        const moved = await store.append(orderStreamId(earlier.orderId), existing.pullNewEvents(), existing.expectedVersion);
        cooking = { orderId: earlier.orderId, version: moved.nextExpectedVersion, position: moved.lastPosition };
      } finally {
        await dataSource.destroy();
      }

      restarted = await startSibling(t);
      const res = await restarted.http().get(`/orders/${placed.orderId}?minPosition=${placed.position}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        orderId: placed.orderId,
        status: 'CONFIRMED',
        fulfilment: 'pickup',
        kitchenNotes: 'after the crash',
        version: 2,
      });
      const moved = await restarted.http().get(`/orders/${cooking.orderId}?minPosition=${cooking.position}`);
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({ status: 'COOKING', version: 3 });
      const queue = await restarted.http().get(`/kitchen/queue?minPosition=${cooking.position}`).set(restarted.staff);
      expect(queue.status).toBe(200);
      expect(queue.body.map((ticket: { orderId: string }) => ticket.orderId).sort()).toEqual([placed.orderId, cooking.orderId].sort());

      const live = await expectEqualToRebuild(restarted);
      expect(live.order_details).toHaveLength(2);
    } finally {
      await restarted?.close();
      await t.database.drop();
    }
  });

  it('runs each projection in exactly one of two instances, serves both, and moves them all when that one closes', async () => {
    const first = await startTestApp({ projectionLockRetryMs: 50 });
    let second: TestApp | undefined;
    let firstOpen = true;
    try {
      second = await startSibling(first);
      const both = [first, second];
      const lists = await Promise.all(both.map(projections));
      for (const name of PROJECTIONS) {
        const here = lists.map((list) => list.find((p) => p.name === name)!);
        expect({ name, runsHere: here.map((p) => p.runsHere).filter(Boolean).length }).toEqual({ name, runsHere: 1 });
        expect(here.find((p) => !p.runsHere)!.status).toBe('running-elsewhere');
      }
      // The first instance was up before the second started, so it took every lock.
      expect(lists[0].map((p) => p.runsHere)).toEqual([true, true, true]);

      // Written through one instance, read through the other with the write's position.
      for (let i = 0; i < 4; i++) {
        const writer = both[i % 2];
        const reader = both[(i + 1) % 2];
        const placed = await place(writer, i % 2 ? PICKUP_ORDER : MARGHERITA_ORDER);
        const read = await reader.http().get(`/orders/${placed.orderId}?minPosition=${placed.position}`);
        expect(read.status).toBe(200);
        expect(read.body).toMatchObject({ orderId: placed.orderId, status: 'PENDING', version: 1 });
        const confirmed = await step(reader, placed.orderId, ['confirm']);
        const queue = await writer.http().get(`/kitchen/queue?minPosition=${confirmed.position}`).set(writer.staff);
        expect(queue.status).toBe(200);
        expect(queue.body.map((ticket: { orderId: string }) => ticket.orderId)).toContain(placed.orderId);
      }

      // Rebuilt from the instance where the projections do not run, while writes go on through the other.
      let writing = true;
      let walked = 0;
      const writes = (async () => {
        for (let i = 0; writing; i++) {
          await walk(first, WALKS[i % WALKS.length]);
          walked++;
        }
      })();
      try {
        await waitUntil(() => walked > 0, { what: 'the writes are under way' });
        await rebuildAll(second);
      } finally {
        writing = false;
        await writes;
      }
      await expectEqualToRebuild(first);

      const closing = performance.now();
      await first.app.close();
      firstOpen = false;
      await waitUntil(async () => (await projections(second!)).every((p) => p.runsHere), {
        what: 'the second instance runs every projection',
      });
      recordMeasurement('app takeover of all projections after close()', performance.now() - closing);

      const after = await walk(second, WALKS[3]);
      const read = await second.http().get(`/orders/${after.orderId}?minPosition=${after.position}`);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ status: 'PICKED_UP', discountCode: 'PIZZA20', version: 7 });
      const stillOpen = await place(second, MIXED_ORDER);
      const confirmed = await step(second, stillOpen.orderId, ['confirm']);
      const queue = await second.http().get(`/kitchen/queue?minPosition=${confirmed.position}`).set(second.staff);
      expect(queue.body.map((ticket: { orderId: string }) => ticket.orderId)).toContain(stillOpen.orderId);

      const live = await expectEqualToRebuild(second);
      expect(live.order_details).toHaveLength(6 + walked);
    } finally {
      await second?.close();
      if (firstOpen) await first.app.close();
      await first.database.drop();
    }
  });
});
