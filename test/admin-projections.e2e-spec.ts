import pg from 'pg';
import { Database } from '../src/database/database.js';
import { ProjectionsService } from '../src/projections/projections.service.js';
import { expectError } from './support/orders-helpers.js';
import { command, orderBody, place, readOrder, staffGet, uniquePhone, type Written } from './support/read-helpers.js';
import { MARGHERITA_ORDER, startTestApp, type TestApp } from './support/test-app.js';

const PROJECTIONS = ['analytics', 'kitchen-queue', 'order-details'];

interface ProjectionInfo {
  name: string;
  position: number;
  lagEvents: number;
  status: string;
}

async function projections(t: TestApp): Promise<Map<string, ProjectionInfo>> {
  const res = await staffGet(t, '/admin/projections');
  if (res.status !== 200) throw new Error(`GET /admin/projections failed: ${res.status} ${JSON.stringify(res.body)}`);
  return new Map((res.body as ProjectionInfo[]).map((info) => [info.name, info]));
}

/** The one condition wait allowed here: a background rebuild has no write position to wait on. */
async function waitUntilRebuilt(t: TestApp, name: string, deadlineMs = 10_000): Promise<ProjectionInfo> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const info = (await projections(t)).get(name);
    if (!info) throw new Error(`no projection ${name} listed`);
    if (info.status !== 'rebuilding') return info;
    if (Date.now() > deadline) throw new Error(`${name} still rebuilding after ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function rebuild(t: TestApp, name: string) {
  return t.http().post(`/admin/projections/${name}/rebuild`).set(t.staff).send({});
}

describe('projections admin (e2e)', () => {
  let t: TestApp;
  const orderIds: string[] = [];
  let head: number;
  let analyticsRange: { from: string; to: string };

  /** Everything the read side answers for the orders of this file, at a position. */
  async function readSide(minPosition: number) {
    const orders = [];
    for (const orderId of orderIds) orders.push(await readOrder(t, orderId, minPosition));
    const list = await staffGet(t, '/orders', { limit: 100, minPosition });
    const queue = await staffGet(t, '/kitchen/queue', { minPosition });
    const summary = await staffGet(t, '/analytics/summary', { ...analyticsRange, minPosition });
    expect([list.status, queue.status, summary.status]).toEqual([200, 200, 200]);
    return { orders, list: list.body, queue: queue.body, summary: summary.body };
  }

  beforeAll(async () => {
    t = await startTestApp();
    const walks: Array<[object, Array<[string, object?]>]> = [
      [
        MARGHERITA_ORDER,
        [
          ['confirm', { estimatedReadyAt: '2030-01-02T18:30:00Z' }],
          ['pay', { method: 'card' }],
          ['ready'],
          ['dispatch', { courier: 'Luis' }],
          ['deliver'],
        ],
      ],
      [MARGHERITA_ORDER, [['confirm']]],
      [orderBody(uniquePhone(), [{ pizzaId: 'diavola', size: 'small', quantity: 3 }]), [['confirm'], ['pay', { method: 'cash' }]]],
      [MARGHERITA_ORDER, [['pay', { method: 'card' }], ['confirm'], ['cancel', { reason: 'out of dough' }]]],
      [
        orderBody(uniquePhone(), [{ pizzaId: 'funghi', size: 'medium', quantity: 1, toppings: ['olives'] }]),
        [['discount', { code: 'PIZZA20' }]],
      ],
      [{ ...MARGHERITA_ORDER, fulfilment: 'pickup' }, [['confirm'], ['start-cooking'], ['ready'], ['deliver']]],
    ];
    let last!: Written;
    for (const [body, steps] of walks) {
      last = await place(t, body);
      orderIds.push(last.orderId);
      for (const [name, input] of steps) last = await command(t, orderIds[orderIds.length - 1], name, input);
    }
    head = last.position;
    const day = (await readOrder(t, orderIds[0], head)).placedAt.slice(0, 10);
    analyticsRange = { from: new Date(Date.parse(day) - 86_400_000).toISOString().slice(0, 10), to: day };
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('GET /admin/projections', () => {
    it('lists order-details, kitchen-queue and analytics with their position, lag and status', async () => {
      await readSide(head);
      const res = await staffGet(t, '/admin/projections');
      expect(res.status).toBe(200);
      expect(Array.isArray(res.body)).toBe(true);
      expect(res.body.map((info: ProjectionInfo) => info.name)).toEqual(expect.arrayContaining(PROJECTIONS));
      for (const name of PROJECTIONS) {
        const info = res.body.find((candidate: ProjectionInfo) => candidate.name === name);
        expect(info).toMatchObject({ name, position: head, lagEvents: 0, status: expect.any(String) });
        expect(['rebuilding', 'failed']).not.toContain(info.status);
      }
    });

    it('shows the lag of a projection that is held back while the others move on', async () => {
      const runner = t.app.get(ProjectionsService).runner('order-details');
      let release!: () => void;
      const paused = runner.whilePaused(() => new Promise<void>((resolve) => (release = resolve)));
      let placed!: Written;
      try {
        placed = await place(t, MARGHERITA_ORDER);
        const headBefore = head;
        orderIds.push(placed.orderId);
        head = placed.position;
        expect((await staffGet(t, '/kitchen/queue', { minPosition: placed.position })).status).toBe(200);
        expect((await staffGet(t, '/analytics/summary', { minPosition: placed.position })).status).toBe(200);
        const info = await projections(t);
        expect(info.get('order-details')).toMatchObject({ position: headBefore, lagEvents: 1 });
        expect(info.get('kitchen-queue')).toMatchObject({ position: placed.position, lagEvents: 0 });
        expect(info.get('analytics')).toMatchObject({ position: placed.position, lagEvents: 0 });
      } finally {
        release?.();
        await paused;
      }
      await readOrder(t, placed.orderId, placed.position);
      expect((await projections(t)).get('order-details')).toMatchObject({ position: placed.position, lagEvents: 0 });
    });

    it('is for staff only', async () => {
      expectError(await t.http().get('/admin/projections'), 401, 'STAFF_TOKEN_MISSING');
      expectError(
        await t.http().get('/admin/projections').set('Authorization', 'Bearer test-staff-token-0123456780'),
        403,
        'STAFF_TOKEN_INVALID',
      );
    });
  });

  describe('POST /admin/projections/{name}/rebuild', () => {
    // Each read model is damaged by hand first, so only a rebuild that replays the log and swaps the result in passes.
    const damage: Array<[string, string]> = [
      ['order-details', `UPDATE order_details SET status = 'DELIVERED', total_cents = 1`],
      ['kitchen-queue', 'DELETE FROM kitchen_queue'],
      ['analytics', 'UPDATE analytics_daily SET orders = orders + 100, revenue_cents = 0'],
    ];

    it.each(damage)('rebuilds %s in the background from the log, and the read side answers as before', async (name, sql) => {
      const before = await readSide(head);
      await t.app.get(Database).query(sql);
      expect(await readSide(head)).not.toEqual(before);

      const res = await rebuild(t, name);
      expect(res.status).toBe(202);
      const info = await waitUntilRebuilt(t, name);
      expect(info.status).not.toBe('failed');
      expect(info).toMatchObject({ position: head, lagEvents: 0 });

      expect(await readSide(head)).toEqual(before);

      // The live runner goes on from the rebuilt checkpoint.
      const placed = await place(t, orderBody(uniquePhone(), [{ pizzaId: 'hawaiian', size: 'large', quantity: 1 }]));
      const confirmed = await command(t, placed.orderId, 'confirm');
      const after = await readSide(confirmed.position);
      expect(after.list.items[0]).toMatchObject({ orderId: placed.orderId, status: 'CONFIRMED', version: 2 });
      expect(after.queue.map((ticket: { orderId: string }) => ticket.orderId)).toContain(placed.orderId);
      expect(after.summary.totalOrders).toBe(before.summary.totalOrders + 1);
      expect(after.summary.confirmedOrders).toBe(before.summary.confirmedOrders + 1);
      orderIds.push(placed.orderId);
      head = confirmed.position;
    });

    it('can rebuild the same projection again', async () => {
      const before = await readSide(head);
      for (let round = 1; round <= 2; round++) {
        const res = await rebuild(t, 'order-details');
        expect({ round, status: res.status }).toEqual({ round, status: 202 });
        expect((await waitUntilRebuilt(t, 'order-details')).status).not.toBe('failed');
      }
      expect(await readSide(head)).toEqual(before);
    });

    it('shows rebuilding, refuses a second rebuild, keeps serving and keeps the writes made meanwhile', async () => {
      const before = await readSide(head);
      // Holding the projection's checkpoint row keeps the rebuild from swapping its tables in.
      const blocker = new pg.Client({ connectionString: t.database.url });
      await blocker.connect();
      let released = false;
      const releaseBlocker = async () => {
        if (released) return;
        released = true;
        await blocker.query('COMMIT');
        await blocker.end();
      };
      const written: Array<{ write: Written; status: string }> = [];
      try {
        await blocker.query('BEGIN');
        await blocker.query(`SELECT 1 FROM projection_checkpoints WHERE name = 'order-details' FOR UPDATE`);

        expect((await rebuild(t, 'order-details')).status).toBe(202);
        expect((await projections(t)).get('order-details')?.status).toBe('rebuilding');
        expectError(await rebuild(t, 'order-details'), 409, 'REBUILD_IN_PROGRESS');

        // Reads without minPosition are answered from the live tables meanwhile.
        const during = await t.http().get(`/orders/${orderIds[0]}`);
        expect(during.status).toBe(200);
        expect(during.body).toEqual(before.orders[0]);

        const phone = uniquePhone();
        const placed = await Promise.all(Array.from({ length: 6 }, () => place(t, orderBody(phone))));
        for (const write of placed) written.push({ write, status: 'PENDING' });
        for (const write of placed.slice(0, 3)) written.push({ write: await command(t, write.orderId, 'confirm'), status: 'CONFIRMED' });
        expect((await projections(t)).get('order-details')?.status).toBe('rebuilding');
      } finally {
        await releaseBlocker();
      }

      const info = await waitUntilRebuilt(t, 'order-details');
      expect(info.status).not.toBe('failed');
      const last = Math.max(...written.map(({ write }) => write.position));
      const finalStatus = new Map(written.map(({ write, status }) => [write.orderId, status]));
      for (const [orderId, status] of finalStatus) {
        const order = await readOrder(t, orderId, last);
        expect({ orderId, status: order.status }).toEqual({ orderId, status });
      }
      const list = await staffGet(t, '/orders', { limit: 100, minPosition: last });
      const listed = list.body.items.map((item: { orderId: string }) => item.orderId);
      for (const orderId of [...finalStatus.keys(), ...orderIds]) expect(listed).toContain(orderId);
      expect(new Set(listed).size).toBe(listed.length);
      expect((await projections(t)).get('order-details')).toMatchObject({ position: last, lagEvents: 0 });
      for (const orderId of orderIds) expect(await readOrder(t, orderId, last)).toEqual(before.orders[orderIds.indexOf(orderId)]);
    });

    it('answers 404 PROJECTION_NOT_FOUND for a projection it does not have', async () => {
      expectError(await rebuild(t, 'no-such-projection'), 404, 'PROJECTION_NOT_FOUND');
    });

    it('is for staff only', async () => {
      expectError(await t.http().post('/admin/projections/order-details/rebuild').send({}), 401, 'STAFF_TOKEN_MISSING');
      expectError(
        await t.http().post('/admin/projections/order-details/rebuild').set('Authorization', 'Bearer test-staff-token-0123456780').send({}),
        403,
        'STAFF_TOKEN_INVALID',
      );
      expect((await projections(t)).get('order-details')?.status).not.toBe('rebuilding');
    });
  });
});
