import { Database } from '../../src/database/database.js';
import { ProjectionRebuilder, type RebuildProgress } from '../../src/projections/projection-rebuilder.js';
import { ProjectionsService, type ProjectionInfo } from '../../src/projections/projections.service.js';
import { PICKUP_ORDER } from './order-bodies.js';
import { staffPost } from './orders-helpers.js';
import { waitUntil } from './projection-helpers.js';
import { MARGHERITA_ORDER, type TestApp } from './test-app.js';

/**
 * Orders walked through the app, and the read models compared with what a
 * full replay of the log gives: for the specs of rebuilds, restarts and a
 * second instance.
 */

export const PROJECTIONS = ['analytics', 'kitchen-queue', 'order-details'];

/** Every read-model table with its primary key, to compare them as data. */
const READ_MODELS: Record<string, string> = {
  order_details: 'order_id',
  kitchen_queue: 'order_id',
  analytics_orders: 'order_id',
  analytics_daily: 'day',
  analytics_pizzas: 'day, pizza_id',
};

export const MIXED_ORDER = {
  customer: { name: 'Berta', phone: '+34 600 333 444', address: 'Gran Vía 2, Madrid' },
  items: [
    { pizzaId: 'pepperoni', size: 'medium', quantity: 1, toppings: ['olives'] },
    { pizzaId: 'diavola', size: 'small', quantity: 3 },
  ],
};

export type Step = [command: string, body?: object];

/** Orders in every shape the read models know: pending, cancelled (with and without refund), paid, delivered, picked up. */
export const WALKS: Array<{ body: object; steps: Step[] }> = [
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

export interface Written {
  orderId: string;
  version: number;
  position: number;
}

export async function place(t: TestApp, body: object): Promise<Written> {
  const res = await t.http().post('/orders').send(body);
  if (res.status !== 201) throw new Error(`placing an order failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Written;
}

export async function step(t: TestApp, orderId: string, [command, body]: Step): Promise<Written> {
  const res = await staffPost(t, `/orders/${orderId}/${command}`, body ?? {});
  if (res.status !== 200) throw new Error(`${command} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Written;
}

export async function walk(t: TestApp, { body, steps }: (typeof WALKS)[number]): Promise<Written> {
  let written = await place(t, body);
  for (const s of steps) written = await step(t, written.orderId, s);
  return written;
}

export async function projections(t: TestApp): Promise<ProjectionInfo[]> {
  const res = await t.http().get('/admin/projections').set(t.staff);
  expect(res.status).toBe(200);
  return res.body as ProjectionInfo[];
}

/** Until nothing is in flight: every projection stands at the head of the log. */
export async function quiesce(t: TestApp): Promise<void> {
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

export async function rebuildAll(t: TestApp): Promise<RebuildProgress[]> {
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
export async function expectEqualToRebuild(t: TestApp): Promise<Record<string, unknown[]>> {
  await quiesce(t);
  const live = await readModels(t);
  const shapes = await tableShapes(t);
  await rebuildAll(t);
  await quiesce(t);
  expect(await readModels(t)).toEqual(live);
  expect(await tableShapes(t)).toEqual(shapes);
  // The list's orders (placed_at), by status, and by the two blind indexes of the phone (whole number, last four digits).
  expect(shapes.filter((shape) => shape.startsWith('order_details: CREATE INDEX'))).toHaveLength(4);
  return live;
}
