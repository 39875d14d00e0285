import { Database } from '../src/database/database.js';
import { EventStore } from '../src/event-store/event-store.js';
import { expectError, expectValidationError } from './support/orders-helpers.js';
import { customerWithOrders, orderFor, projectionsAt, uniqueCustomer } from './support/personal-data-helpers.js';
import { waitUntil } from './support/projection-helpers.js';
import { place, readOrder, staffGet } from './support/read-helpers.js';
import { hire } from './support/staff-helpers.js';
import { useTestApp } from './support/use-test-app.js';
import { useWebhookReceivers } from './support/webhook-receivers.js';
import { WEBHOOK_TEST_CONFIG } from './webhooks-helpers.js';

const ERASED = '[erased]';

describe('Personal data: crypto-shredding and erasure (e2e)', () => {
  // Snapshots every 2 events, so the orders below have sealed snapshots too.
  const t = useTestApp({ ...WEBHOOK_TEST_CONFIG, snapshotEvery: 2 });
  const hooks = useWebhookReceivers(t);

  const erase = (phone: string) => t.http().post('/admin/customers/erase').set(t.staff).send({ phone });

  it('stores no personal field in plaintext: events hold one sealed field, and each key is stored with its event', async () => {
    const customer = uniqueCustomer('sealed');
    const [written] = await customerWithOrders(t, customer);
    const db = t.app.get(Database);
    const [row] = await db.query<{ event_id: string; data: Record<string, any> }>(
      "SELECT event_id, data FROM events WHERE stream_id = $1 AND type = 'OrderPlaced'",
      [`order-${written.orderId}`],
    );
    expect(JSON.stringify(row.data)).not.toContain(customer.name);
    expect(JSON.stringify(row.data)).not.toContain(customer.phone);
    expect(row.data.customer).toEqual({});
    expect(row.data).not.toHaveProperty('notes');
    expect(row.data.$personal).toEqual({
      key: row.event_id,
      fields: ['customer.name', 'customer.phone', 'customer.address', 'notes'],
      box: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/),
    });
    const keys = await db.query('SELECT key_id::text AS key_id FROM personal_data_keys WHERE key_id = $1', [row.event_id]);
    expect(keys).toEqual([{ key_id: row.event_id }]);
    const [snapshot] = await db.query<{ state: Record<string, any> }>('SELECT state FROM snapshots WHERE stream_id = $1', [
      `order-${written.orderId}`,
    ]);
    expect(JSON.stringify(snapshot.state)).not.toContain(customer.name);
    expect(snapshot.state.$personal.key).toBe(row.event_id);

    // Readers get the fields back: the read model, the stream, the timeline.
    const order = await readOrder(t, written.orderId, written.position);
    expect(order.customer).toEqual({ name: customer.name, phone: customer.phone, address: customer.address });
    expect(order.notes).toBe(customer.notes);
    const [placed] = await t.app.get(EventStore).readStream(`order-${written.orderId}`);
    expect(placed.event.data).toMatchObject({ customer: { name: customer.name, phone: customer.phone }, notes: customer.notes });
  });

  it('finds orders by phone through the blind index: the whole number in any form, or its last 4+ digits', async () => {
    const customer = uniqueCustomer('search');
    const written = await customerWithOrders(t, customer);
    const last = written[written.length - 1].position;
    const ids = written.map((w) => w.orderId).sort();
    for (const query of [customer.phone, customer.typedPhone, customer.digits.slice(-4), customer.digits.slice(-7), customer.digits]) {
      const res = await staffGet(t, '/orders', { phone: query, minPosition: last, limit: 100 });
      expect({ query, ids: res.body.items.map((o: { orderId: string }) => o.orderId).sort() }).toEqual({
        query,
        ids: query.length === 4 ? expect.arrayContaining(ids) : ids,
      });
    }
    // The customer's last seven digits after one that is not theirs.
    const other = customer.digits.at(-8) === '9' ? '8' : '9';
    const wrong = await staffGet(t, '/orders', { phone: `${other}${customer.digits.slice(-7)}`, minPosition: last });
    expect(wrong.body.items).toEqual([]);
  });

  it('erases a customer everywhere within the read-your-writes window, keeps every figure, and is idempotent with no oracle', async () => {
    const customer = uniqueCustomer('erased');
    const other = uniqueCustomer('kept');
    const written = await customerWithOrders(t, customer);
    const [kept] = await customerWithOrders(t, other);
    await projectionsAt(t, kept.position);
    const summaryBefore = (await staffGet(t, '/analytics/summary', { minPosition: kept.position })).body;
    const before = await Promise.all(written.map((w) => readOrder(t, w.orderId, kept.position)));

    const manager = await hire(t, 'Ines', 'manager');
    const counter = await hire(t, 'Maria', 'counter');
    expectError(await t.http().post('/admin/customers/erase').set(counter.auth).send({ phone: customer.phone }), 403, 'ROLE_NOT_ALLOWED');
    const res = await t.http().post('/admin/customers/erase').set(manager.auth).send({ phone: customer.typedPhone });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ erasedOrders: 3, position: expect.any(Number) });
    const position = res.body.position as number;

    for (const [i, w] of written.entries()) {
      const order = await readOrder(t, w.orderId, position);
      expect(order.customer).toEqual({ name: ERASED, phone: ERASED, address: before[i].customer.address === null ? null : ERASED });
      expect(order.notes).toBe(ERASED);
      const { customer: _a, notes: _b, ...figures } = order;
      const { customer: _c, notes: _d, ...figuresBefore } = before[i];
      expect(figures).toEqual(figuresBefore);
      const timeline = await t.http().get(`/orders/${w.orderId}/timeline`).set(t.staff);
      expect(JSON.stringify(timeline.body)).not.toContain(customer.name);
      expect(JSON.stringify(timeline.body)).toContain(ERASED);
      const state = await t.http().get(`/orders/${w.orderId}/state`).query({ at: new Date().toISOString() }).set(t.staff);
      expect(JSON.stringify(state.body)).not.toContain(customer.name);
    }
    const board = await staffGet(t, '/kitchen/queue', { minPosition: position });
    const onBoard = (board.body as Array<{ orderId: string }>).find((o) => o.orderId === written[0].orderId);
    expect(onBoard).toMatchObject({ customerName: ERASED, notes: ERASED });
    expect((await staffGet(t, '/analytics/summary', { minPosition: position })).body).toEqual(summaryBefore);
    expect((await staffGet(t, '/orders', { phone: customer.phone, minPosition: position })).body.items).toEqual([]);
    expect((await readOrder(t, kept.orderId, position)).customer.name).toBe(other.name);

    // Idempotent, and a number never seen answers the same: nothing to tell them apart.
    expect((await erase(customer.phone)).body).toEqual({ erasedOrders: 0 });
    expect((await erase('+34 699 000 001')).body).toEqual({ erasedOrders: 0 });
    expectValidationError(await erase('12'), /phone/);
    expectValidationError(await erase('+999 1234 5678 9999'), /phone/);
    expectValidationError(await t.http().post('/admin/customers/erase').set(t.staff).send({}), /phone/);
  });

  it('rebuilds a read model after an erasure into the same rows as the live one', async () => {
    const customer = uniqueCustomer('rebuilt');
    await customerWithOrders(t, customer);
    const res = await erase(customer.phone);
    await projectionsAt(t, res.body.position);
    const db = t.app.get(Database);
    const tables = { 'order-details': 'order_details', 'kitchen-queue': 'kitchen_queue' };
    for (const [name, table] of Object.entries(tables)) {
      const live = await db.query(`SELECT * FROM ${table} ORDER BY order_id`);
      expect((await t.http().post(`/admin/projections/${name}/rebuild`).set(t.staff).send({})).status).toBe(202);
      await waitUntil(
        async () => {
          const list = (await staffGet(t, '/admin/projections')).body as Array<{ name: string; status: string }>;
          return list.find((p) => p.name === name)?.status !== 'rebuilding';
        },
        { what: `${name} rebuilt` },
      );
      expect(await db.query(`SELECT * FROM ${table} ORDER BY order_id`)).toEqual(live);
    }
  });

  it('never resurrects erased data in a webhook delivery retried after the erasure', async () => {
    const customer = uniqueCustomer('hooked');
    const receiver = await hooks.receiver();
    receiver.mode = 'fail';
    await hooks.register(receiver, ['OrderPlaced']);
    await place(t, orderFor(customer));
    await waitUntil(() => receiver.requests.length >= 1, { what: 'a first, failing, delivery attempt' });
    expect(receiver.requests[0].body.data.customer.name).toBe(customer.name);
    const res = await erase(customer.phone);
    expect(res.body.erasedOrders).toBe(1);
    // One attempt may have been on its way as the erasure committed; the one after it was built after.
    const seen = receiver.requests.length;
    await waitUntil(() => receiver.requests.length >= seen + 2, { what: 'two more failing attempts' });
    expect(receiver.requests[seen + 1].body.data.customer.name).toBe(ERASED);
    receiver.release();
    await waitUntil(() => receiver.accepted.length === 1, { what: 'the retried delivery accepted' });
    expect(receiver.accepted[0].body.data.customer).toEqual({ name: ERASED, phone: ERASED, address: ERASED });
    expect(receiver.accepted[0].body.data.notes).toBe(ERASED);
  });

  it('exports everything held about a customer as one JSON document, and nothing once they are erased', async () => {
    const customer = uniqueCustomer('exported');
    const written = await customerWithOrders(t, customer);
    const exported = await t.http().get('/admin/customers/export').query({ phone: customer.typedPhone }).set(t.staff);
    expect(exported.status).toBe(200);
    expect(exported.body).toMatchObject({ phone: customer.phone, exportedAt: expect.any(String) });
    expect(exported.body.streams.map((s: { streamId: string }) => s.streamId).sort()).toEqual(
      written.map((w) => `order-${w.orderId}`).sort(),
    );
    const delivered = exported.body.streams.find((s: { streamId: string }) => s.streamId === `order-${written[1].orderId}`);
    expect(delivered.events.map((e: { type: string }) => e.type)).toEqual([
      'OrderPlaced',
      'OrderConfirmed',
      'PaymentReceived',
      'OrderReady',
      'OrderDispatched',
      'OrderDelivered',
    ]);
    expect(delivered.events[0]).toMatchObject({
      data: { customer: { name: customer.name, phone: customer.phone, address: customer.address }, notes: customer.notes },
      occurredAt: expect.any(String),
      metadata: expect.any(Object),
    });
    expect(delivered.keptSince).toEqual(expect.any(String));

    const counter = await hire(t, 'Marta', 'counter');
    expectError(await t.http().get('/admin/customers/export').query({ phone: customer.phone }).set(counter.auth), 403, 'ROLE_NOT_ALLOWED');
    expectValidationError(await t.http().get('/admin/customers/export').query({ phone: 'abc' }).set(t.staff), /phone/);
    expectValidationError(await t.http().get('/admin/customers/export').set(t.staff), /phone/);

    await erase(customer.phone);
    const after = await t.http().get('/admin/customers/export').query({ phone: customer.phone }).set(t.staff);
    expect(after.body.streams).toEqual([]);
  });

  it('ignores Idempotency-Key on an erasure, so no fingerprint of the phone number is stored', async () => {
    const customer = uniqueCustomer('nokey');
    await place(t, orderFor(customer));
    const res = await t
      .http()
      .post('/admin/customers/erase')
      .set(t.staff)
      .set('Idempotency-Key', 'erase-once')
      .send({ phone: customer.phone });
    expect(res.body.erasedOrders).toBe(1);
    const rows = await t.app.get(Database).query("SELECT key FROM idempotency_keys WHERE key LIKE '%erase-once%'");
    expect(rows).toEqual([]);
  });
});
