import { randomUUID } from 'node:crypto';
import { MENU, type PizzaSize } from '../src/menu/menu.data.js';
import {
  UUID,
  countEvents,
  expectError,
  expectNoLeaks,
  expectValidationError,
  placeOrder,
  runSteps,
  staffPost,
  streamOf,
} from './support/orders-helpers.js';
import { MARGHERITA_ORDER, startTestApp, type TestApp } from './support/test-app.js';

const PICKUP_ORDER = { ...MARGHERITA_ORDER, fulfilment: 'pickup' };

function withItem(item: Record<string, unknown>) {
  return { ...MARGHERITA_ORDER, items: [{ ...MARGHERITA_ORDER.items[0], ...item }] };
}

describe('orders write side (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  describe('placing an order', () => {
    it('answers 201 with the id, version 1, a position, a Location and an ETag', async () => {
      const res = await t.http().post('/orders').send(MARGHERITA_ORDER);

      expect(res.status).toBe(201);
      expect(res.body).toEqual({ orderId: expect.stringMatching(UUID), version: 1, position: expect.any(Number) });
      expect(res.body.position).toBeGreaterThan(0);
      expect(res.headers.location).toBe(`/orders/${res.body.orderId}`);
      expect(res.headers.etag).toBe('"1"');

      const stream = await streamOf(t, res.body.orderId);
      expect(stream.map((event) => [event.type, event.version, event.position])).toEqual([['OrderPlaced', 1, res.body.position]]);
    });
  });

  describe('lifecycle', () => {
    it('walks a delivery order from placed to delivered, one version per step', async () => {
      const placed = await t.http().post('/orders').send(MARGHERITA_ORDER);
      expect(placed.status).toBe(201);
      const orderId: string = placed.body.orderId;
      const estimatedReadyAt = '2030-01-02T18:30:00.000Z';

      const steps: Array<[string, object]> = [
        ['confirm', { estimatedReadyAt, kitchenNotes: 'well done, please' }],
        ['pay', { method: 'card', transactionId: 'txn-42' }],
        ['ready', {}],
        ['dispatch', { courier: 'Luis' }],
        ['deliver', {}],
      ];
      let previous = { version: 1, position: placed.body.position as number };
      for (const [command, body] of steps) {
        const res = await staffPost(t, `/orders/${orderId}/${command}`, body);
        expect({ command, status: res.status }).toEqual({ command, status: 200 });
        expect(res.body).toEqual({ orderId, version: previous.version + 1, position: expect.any(Number) });
        expect(res.body.position).toBeGreaterThan(previous.position);
        expect(res.headers.etag).toBe(`"${res.body.version}"`);
        previous = { version: res.body.version, position: res.body.position };
      }

      const stream = await streamOf(t, orderId);
      expect(stream.map((event) => event.type)).toEqual([
        'OrderPlaced',
        'OrderConfirmed',
        'PaymentReceived',
        'OrderReady',
        'OrderDispatched',
        'OrderDelivered',
      ]);
      expect(stream.map((event) => event.version)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(stream[stream.length - 1].position).toBe(previous.position);
      expect(stream[1].data).toMatchObject({ estimatedReadyAt, kitchenNotes: 'well done, please' });
      expect(stream[2].data).toMatchObject({ method: 'card', transactionId: 'txn-42', amountCents: 3300 });
      expect(stream[4].data).toMatchObject({ courier: 'Luis' });
    });

    it('moves a confirmed order to cooking with the payment event alone', async () => {
      const orderId = await placeOrder(t);
      await runSteps(t, orderId, [['confirm']]);

      const paid = await staffPost(t, `/orders/${orderId}/pay`, { method: 'cash' });
      expect(paid.status).toBe(200);
      expect(paid.body.version).toBe(3);

      // Only a cooking order can be marked ready, so this proves the status moved.
      const ready = await staffPost(t, `/orders/${orderId}/ready`);
      expect(ready.status).toBe(200);
      expect(ready.body.version).toBe(4);
      const startCooking = await staffPost(t, `/orders/${orderId}/start-cooking`);
      expectError(startCooking, 409, 'ORDER_NOT_CONFIRMED');
    });

    it('walks a pickup order to picked up, and refuses to dispatch it', async () => {
      const orderId = await placeOrder(t, PICKUP_ORDER);
      let version = 1;
      for (const command of ['confirm', 'start-cooking', 'ready']) {
        const res = await staffPost(t, `/orders/${orderId}/${command}`);
        expect({ command, status: res.status }).toEqual({ command, status: 200 });
        expect(res.body.version).toBe(++version);
      }

      const dispatch = await staffPost(t, `/orders/${orderId}/dispatch`, { courier: 'Luis' });
      expectError(dispatch, 409, 'PICKUP_ORDER_NOT_DISPATCHABLE');

      const deliver = await staffPost(t, `/orders/${orderId}/deliver`);
      expect(deliver.status).toBe(200);
      expect(deliver.body.version).toBe(5);
      expect(deliver.headers.etag).toBe('"5"');

      const stream = await streamOf(t, orderId);
      expect(stream.map((event) => event.type)).toEqual(['OrderPlaced', 'OrderConfirmed', 'CookingStarted', 'OrderReady', 'OrderPickedUp']);

      const again = await staffPost(t, `/orders/${orderId}/dispatch`, {});
      expectError(again, 409, 'PICKUP_ORDER_NOT_DISPATCHABLE');
    });

    it('refuses to confirm twice and to pay twice', async () => {
      const orderId = await placeOrder(t);
      await runSteps(t, orderId, [['confirm'], ['pay', { method: 'card' }]]);

      expectError(await staffPost(t, `/orders/${orderId}/confirm`), 409, 'ORDER_NOT_PENDING');
      expectError(await staffPost(t, `/orders/${orderId}/pay`, { method: 'cash' }), 409, 'ORDER_ALREADY_PAID');
      expect((await streamOf(t, orderId)).map((event) => event.type)).toEqual(['OrderPlaced', 'OrderConfirmed', 'PaymentReceived']);
    });

    it('answers the state 409s of the kitchen steps taken out of order', async () => {
      const orderId = await placeOrder(t);
      expectError(await staffPost(t, `/orders/${orderId}/start-cooking`), 409, 'ORDER_NOT_CONFIRMED');
      expectError(await staffPost(t, `/orders/${orderId}/ready`), 409, 'ORDER_NOT_COOKING');
      expectError(await staffPost(t, `/orders/${orderId}/dispatch`), 409, 'ORDER_NOT_READY');
      expectError(await staffPost(t, `/orders/${orderId}/deliver`), 409, 'ORDER_NOT_OUT_FOR_DELIVERY');
      expect(await streamOf(t, orderId)).toHaveLength(1);
    });
  });

  describe('discounts', () => {
    it('applies WELCOME10 to an unpaid order once, and the payment charges the discounted total', async () => {
      const orderId = await placeOrder(t);

      const applied = await staffPost(t, `/orders/${orderId}/discount`, { code: 'WELCOME10' });
      expect(applied.status).toBe(200);
      expect(applied.body).toEqual({ orderId, version: 2, position: expect.any(Number) });
      expect(applied.headers.etag).toBe('"2"');

      const second = await staffPost(t, `/orders/${orderId}/discount`, { code: 'FIVEOFF' });
      expectError(second, 409, 'DISCOUNT_ALREADY_APPLIED');
      const same = await staffPost(t, `/orders/${orderId}/discount`, { code: 'WELCOME10' });
      expectError(same, 409, 'DISCOUNT_ALREADY_APPLIED');

      await runSteps(t, orderId, [['pay', { method: 'card' }]]);
      const stream = await streamOf(t, orderId);
      expect(stream.map((event) => event.type)).toEqual(['OrderPlaced', 'DiscountApplied', 'PaymentReceived']);
      expect(stream[1].data).toMatchObject({ code: 'WELCOME10', discountCents: 330 });
      expect(stream[2].data).toMatchObject({ amountCents: 3300 - 330 });
    });

    it('refuses a discount after payment', async () => {
      const orderId = await placeOrder(t);
      await runSteps(t, orderId, [['pay', { method: 'cash' }]]);

      expectError(await staffPost(t, `/orders/${orderId}/discount`, { code: 'WELCOME10' }), 409, 'ORDER_ALREADY_PAID');
      expect((await streamOf(t, orderId)).map((event) => event.type)).toEqual(['OrderPlaced', 'PaymentReceived']);
    });

    it('refuses an unknown code with 400 DISCOUNT_CODE_UNKNOWN', async () => {
      const orderId = await placeOrder(t);

      expectError(await staffPost(t, `/orders/${orderId}/discount`, { code: 'FREEPIZZA' }), 400, 'DISCOUNT_CODE_UNKNOWN');
      expect(await streamOf(t, orderId)).toHaveLength(1);
    });
  });

  describe('cancelling', () => {
    it('lets a customer without a token cancel a pending order', async () => {
      const orderId = await placeOrder(t);

      const res = await t.http().post(`/orders/${orderId}/cancel`).send({ reason: 'changed my mind' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ orderId, version: 2, position: expect.any(Number) });

      const stream = await streamOf(t, orderId);
      expect(stream.map((event) => event.type)).toEqual(['OrderPlaced', 'OrderCancelled']);
      expect(stream[1].data).toMatchObject({ reason: 'changed my mind', cancelledBy: 'customer' });
      expect(stream[1].metadata.actor).toEqual({ kind: 'customer' });

      const confirm = await staffPost(t, `/orders/${orderId}/confirm`);
      expectError(confirm, 409, 'ORDER_CANCELLED');
    });

    it('sends a customer to staff once the order is confirmed, and lets staff cancel it', async () => {
      const orderId = await placeOrder(t);
      await runSteps(t, orderId, [['confirm']]);

      const byCustomer = await t.http().post(`/orders/${orderId}/cancel`).send({ reason: 'too slow' });
      expectError(byCustomer, 403, 'CANCELLATION_REQUIRES_STAFF');
      const byWrongToken = await t
        .http()
        .post(`/orders/${orderId}/cancel`)
        .set('Authorization', 'Bearer not-the-staff-token')
        .send({ reason: 'too slow' });
      expectError(byWrongToken, 403, 'CANCELLATION_REQUIRES_STAFF');
      expect(await streamOf(t, orderId)).toHaveLength(2);

      const byStaff = await staffPost(t, `/orders/${orderId}/cancel`, { reason: 'oven broke' });
      expect(byStaff.status).toBe(200);
      expect(byStaff.body.version).toBe(3);
      const stream = await streamOf(t, orderId);
      expect(stream[2]).toMatchObject({ type: 'OrderCancelled', data: { cancelledBy: 'staff', reason: 'oven broke' } });
    });

    it('refuses to cancel an order that is cooking, even for staff', async () => {
      const orderId = await placeOrder(t);
      await runSteps(t, orderId, [['confirm'], ['start-cooking']]);

      expectError(await staffPost(t, `/orders/${orderId}/cancel`, { reason: 'too late' }), 409, 'ORDER_NOT_CANCELLABLE');
      const byCustomer = await t.http().post(`/orders/${orderId}/cancel`).send({ reason: 'too late' });
      expectError(byCustomer, 409, 'ORDER_NOT_CANCELLABLE');
      expect(await streamOf(t, orderId)).toHaveLength(3);
    });

    it('refunds a paid order cancelled by staff while still confirmed', async () => {
      const orderId = await placeOrder(t, PICKUP_ORDER);
      await runSteps(t, orderId, [['pay', { method: 'card' }], ['confirm']]);

      const res = await staffPost(t, `/orders/${orderId}/cancel`, { reason: 'out of dough' });
      expect(res.status).toBe(200);
      expect(res.body.version).toBe(5);
      const stream = await streamOf(t, orderId);
      expect(stream.slice(3).map((event) => [event.type, event.data.amountCents])).toEqual([
        ['OrderCancelled', undefined],
        ['PaymentRefunded', 3300],
      ]);
      expect(res.body.position).toBe(stream[4].position);
    });
  });

  describe('validation errors (400 VALIDATION_FAILED)', () => {
    it('rejects malformed JSON', async () => {
      const res = await t.http().post('/orders').set('Content-Type', 'application/json').send('{"customer": {"name": "Ana",');
      expectValidationError(res, /JSON/);
    });

    it('rejects malformed JSON on a staff command too', async () => {
      const orderId = await placeOrder(t);
      const res = await t.http().post(`/orders/${orderId}/confirm`).set(t.staff).set('Content-Type', 'application/json').send('{not json');
      expectValidationError(res, /JSON/);
    });

    it('rejects an unknown top-level field', async () => {
      const res = await t
        .http()
        .post('/orders')
        .send({ ...MARGHERITA_ORDER, coupon: 'FREE' });
      expectValidationError(res, /coupon/);
    });

    it('rejects an unknown nested field such as items[0].price', async () => {
      const res = await t
        .http()
        .post('/orders')
        .send(withItem({ price: 1 }));
      expectValidationError(res, /items\.0\.price/);
    });

    it('rejects an unknown field inside customer', async () => {
      const res = await t
        .http()
        .post('/orders')
        .send({ ...MARGHERITA_ORDER, customer: { ...MARGHERITA_ORDER.customer, vip: true } });
      expectValidationError(res, /customer\.vip/);
    });

    it('rejects an unknown field on a command without input', async () => {
      const orderId = await placeOrder(t);
      await runSteps(t, orderId, [['confirm']]);
      expectValidationError(await staffPost(t, `/orders/${orderId}/start-cooking`, { hurry: true }), /hurry/);
    });

    it('rejects a missing customer', async () => {
      const res = await t.http().post('/orders').send({ items: MARGHERITA_ORDER.items });
      expectValidationError(res, /^customer/);
    });

    it('rejects a customer without a phone', async () => {
      const res = await t
        .http()
        .post('/orders')
        .send({ ...MARGHERITA_ORDER, customer: { name: 'Ana' } });
      expectValidationError(res, /customer\.phone/);
    });

    it('rejects empty items, saying the order needs at least one item', async () => {
      const res = await t
        .http()
        .post('/orders')
        .send({ ...MARGHERITA_ORDER, items: [] });
      expectValidationError(res, /at least one item/);
    });

    it('rejects missing items', async () => {
      const res = await t.http().post('/orders').send({ customer: MARGHERITA_ORDER.customer });
      expectValidationError(res, /^items/);
    });

    it.each([0, 21, 1.5, -1, '2'])('rejects quantity %p', async (quantity) => {
      const res = await t.http().post('/orders').send(withItem({ quantity }));
      expectValidationError(res, /items\.0\.quantity/);
    });

    it('rejects an unknown pizzaId', async () => {
      const res = await t
        .http()
        .post('/orders')
        .send(withItem({ pizzaId: 'pineapple-supreme' }));
      expectValidationError(res, /pizzaId.*pineapple-supreme/);
    });

    it('rejects an unknown toppingId', async () => {
      const res = await t
        .http()
        .post('/orders')
        .send(withItem({ toppings: ['extra-cheese', 'gold-leaf'] }));
      expectValidationError(res, /toppings.*gold-leaf/);
    });

    it('rejects an unknown size', async () => {
      const res = await t
        .http()
        .post('/orders')
        .send(withItem({ size: 'huge' }));
      expectValidationError(res, /items\.0\.size/);
    });

    it('names every bad field at once', async () => {
      const res = await t
        .http()
        .post('/orders')
        .send({
          ...MARGHERITA_ORDER,
          items: [
            { pizzaId: 'nope', size: 'large', quantity: 1 },
            { pizzaId: 'margherita', size: 'large', quantity: 1, toppings: ['gold-leaf'] },
          ],
        });
      expectValidationError(res, /items\.0\.pizzaId/);
      expect(res.body.message).toEqual(expect.arrayContaining([expect.stringMatching(/items\.1\.toppings.*gold-leaf/)]));
    });

    it('rejects an unknown fulfilment', async () => {
      const res = await t
        .http()
        .post('/orders')
        .send({ ...MARGHERITA_ORDER, fulfilment: 'drone' });
      expectValidationError(res, /fulfilment/);
    });

    it('rejects a JSON array body', async () => {
      const res = await t.http().post('/orders').send([MARGHERITA_ORDER]);
      expectValidationError(res, /object/);
    });

    it('rejects a JSON array body on a staff command', async () => {
      const orderId = await placeOrder(t);
      const res = await staffPost(t, `/orders/${orderId}/pay`, [{ method: 'card' }]);
      expectValidationError(res, /object/);
    });

    it('rejects a bad pay method and a bad estimatedReadyAt', async () => {
      const orderId = await placeOrder(t);
      expectValidationError(await staffPost(t, `/orders/${orderId}/pay`, { method: 'bitcoin' }), /method/);
      expectValidationError(await staffPost(t, `/orders/${orderId}/pay`, {}), /method/);
      expectValidationError(await staffPost(t, `/orders/${orderId}/confirm`, { estimatedReadyAt: 'tomorrow-ish' }), /estimatedReadyAt/);
      expectValidationError(await staffPost(t, `/orders/${orderId}/cancel`, {}), /reason/);
      expectValidationError(await staffPost(t, `/orders/${orderId}/discount`, {}), /code/);
    });

    it('answers 413 PAYLOAD_TOO_LARGE for a body over 64kb', async () => {
      const res = await t
        .http()
        .post('/orders')
        .send({ ...MARGHERITA_ORDER, notes: 'x'.repeat(70 * 1024) });
      expectError(res, 413, 'PAYLOAD_TOO_LARGE');
    });
  });

  describe('not found', () => {
    it.each(['confirm', 'pay', 'discount', 'start-cooking', 'ready', 'dispatch', 'deliver', 'cancel'])(
      'answers 404 ORDER_NOT_FOUND to %s on a random uuid',
      async (command) => {
        const bodies: Record<string, object> = { pay: { method: 'card' }, discount: { code: 'WELCOME10' }, cancel: { reason: 'x' } };
        const res = await staffPost(t, `/orders/${randomUUID()}/${command}`, bodies[command] ?? {});
        expectError(res, 404, 'ORDER_NOT_FOUND');
      },
    );

    it('answers 404 ORDER_NOT_FOUND for an id that is not a uuid', async () => {
      expectError(await staffPost(t, '/orders/not-a-uuid/confirm'), 404, 'ORDER_NOT_FOUND');
      expectError(await t.http().post('/orders/12345/cancel').send({ reason: 'x' }), 404, 'ORDER_NOT_FOUND');
      expectError(await staffPost(t, `/orders/${encodeURIComponent("1' OR '1'='1")}/pay`, { method: 'card' }), 404, 'ORDER_NOT_FOUND');
    });
  });

  describe('If-Match', () => {
    it('answers 412 VERSION_MISMATCH with currentVersion when the order moved on, and writes when it matches', async () => {
      const orderId = await placeOrder(t);
      await runSteps(t, orderId, [['confirm']]);

      const stale = await staffPost(t, `/orders/${orderId}/pay`, { method: 'card' }, { 'If-Match': '"1"' });
      expectError(stale, 412, 'VERSION_MISMATCH', ['currentVersion']);
      expect(stale.body.currentVersion).toBe(2);
      expect(await streamOf(t, orderId)).toHaveLength(2);

      const fresh = await staffPost(t, `/orders/${orderId}/pay`, { method: 'card' }, { 'If-Match': '"2"' });
      expect(fresh.status).toBe(200);
      expect(fresh.body.version).toBe(3);
      expect(fresh.headers.etag).toBe('"3"');

      const chained = await staffPost(t, `/orders/${orderId}/ready`, {}, { 'If-Match': fresh.headers.etag });
      expect(chained.status).toBe(200);
      expect(chained.body.version).toBe(4);
    });

    it('checks the version before the state rules', async () => {
      const orderId = await placeOrder(t);
      await runSteps(t, orderId, [['confirm']]);

      const res = await staffPost(t, `/orders/${orderId}/confirm`, {}, { 'If-Match': '"1"' });
      expectError(res, 412, 'VERSION_MISMATCH', ['currentVersion']);
      expect(res.body.currentVersion).toBe(2);
    });

    it.each(['garbage', '"abc"', '"1", "2"', '-1'])('answers 400 VALIDATION_FAILED to If-Match %p', async (ifMatch) => {
      const orderId = await placeOrder(t);
      const res = await staffPost(t, `/orders/${orderId}/confirm`, {}, { 'If-Match': ifMatch });
      expectValidationError(res, /If-Match/);
      expect(await streamOf(t, orderId)).toHaveLength(1);
    });
  });

  describe('staff token', () => {
    const staffRoutes: Array<[string, object]> = [
      ['confirm', {}],
      ['pay', { method: 'card' }],
      ['discount', { code: 'WELCOME10' }],
      ['start-cooking', {}],
      ['ready', {}],
      ['dispatch', { courier: 'Luis' }],
      ['deliver', {}],
    ];
    let orderId: string;

    beforeAll(async () => {
      orderId = await placeOrder(t);
    });

    it.each(staffRoutes)('answers 401 STAFF_TOKEN_MISSING to %s without a token', async (command, body) => {
      const res = await t.http().post(`/orders/${orderId}/${command}`).send(body);
      expectError(res, 401, 'STAFF_TOKEN_MISSING');
    });

    it.each(staffRoutes)('answers 403 STAFF_TOKEN_INVALID to %s with a wrong token', async (command, body) => {
      const wrongBearer = await t
        .http()
        .post(`/orders/${orderId}/${command}`)
        .set('Authorization', 'Bearer test-staff-token-0123456780')
        .send(body);
      expectError(wrongBearer, 403, 'STAFF_TOKEN_INVALID');

      const wrongScheme = await t.http().post(`/orders/${orderId}/${command}`).set('Authorization', 'Basic dGVzdDp0ZXN0').send(body);
      expectError(wrongScheme, 403, 'STAFF_TOKEN_INVALID');
    });

    it('checks the token before validating the body or finding the order', async () => {
      expectError(await t.http().post(`/orders/${randomUUID()}/pay`).send({ method: 'bitcoin' }), 401, 'STAFF_TOKEN_MISSING');
    });

    it('wrote nothing for any of the refused requests', async () => {
      expect(await streamOf(t, orderId)).toHaveLength(1);
    });
  });

  describe('rejected requests write nothing', () => {
    it('leaves the order at its version and the log at its length after a batch of invalid requests', async () => {
      const orderId = await placeOrder(t);
      await runSteps(t, orderId, [['confirm']]);
      const before = await countEvents(t);
      const path = (command: string) => `/orders/${orderId}/${command}`;

      const rejected = [
        await staffPost(t, path('confirm')),
        await staffPost(t, path('start-cooking'), { extra: 1 }),
        await staffPost(t, path('ready')),
        await staffPost(t, path('dispatch')),
        await staffPost(t, path('deliver')),
        await staffPost(t, path('pay'), { method: 'gold' }),
        await staffPost(t, path('pay'), { method: 'card' }, { 'If-Match': '"1"' }),
        await staffPost(t, path('discount'), { code: 'NOPE' }),
        await staffPost(t, path('discount'), { code: 'WELCOME10', amountCents: 100 }),
        await t.http().post(path('cancel')).send({ reason: 'please' }),
        await t.http().post(path('pay')).send({ method: 'card' }),
        await t.http().post(path('confirm')).set('Authorization', 'Bearer wrong-token-wrong-token').send({}),
        await t.http().post(path('confirm')).set(t.staff).set('Content-Type', 'application/json').send('{'),
        await t
          .http()
          .post('/orders')
          .send({ ...MARGHERITA_ORDER, items: [] }),
        await t
          .http()
          .post('/orders')
          .send(withItem({ unitPriceCents: 1 })),
        await t
          .http()
          .post('/orders')
          .send({ ...MARGHERITA_ORDER, notes: 'y'.repeat(70 * 1024) }),
      ];

      expect(rejected.map((res) => res.status)).toEqual([409, 400, 409, 409, 409, 400, 412, 400, 400, 403, 401, 403, 400, 400, 400, 413]);
      for (const res of rejected) expectNoLeaks(res);
      expect(await countEvents(t)).toBe(before);

      const next = await staffPost(t, path('start-cooking'), {}, { 'If-Match': '"2"' });
      expect(next.status).toBe(200);
      expect(next.body.version).toBe(3);
      expect(await countEvents(t)).toBe(before + 1);
    });
  });

  describe('correlation id and actor', () => {
    it('echoes X-Correlation-Id and stores it with a customer actor on POST /orders', async () => {
      const res = await t.http().post('/orders').set('X-Correlation-Id', 'test-corr-123').send(MARGHERITA_ORDER);

      expect(res.status).toBe(201);
      expect(res.headers['x-correlation-id']).toBe('test-corr-123');
      const [placed] = await streamOf(t, res.body.orderId);
      expect(placed.metadata).toMatchObject({ correlationId: 'test-corr-123', actor: { kind: 'customer' } });
      expect(placed.metadata.actor).toEqual({ kind: 'customer' });
    });

    it('stores a staff actor and the correlation id for a staff write', async () => {
      const orderId = await placeOrder(t);
      const res = await staffPost(t, `/orders/${orderId}/confirm`, {}, { 'X-Correlation-Id': 'test-corr-123' });

      expect(res.status).toBe(200);
      expect(res.headers['x-correlation-id']).toBe('test-corr-123');
      const stream = await streamOf(t, orderId);
      expect(stream[1].metadata).toMatchObject({ correlationId: 'test-corr-123', actor: { kind: 'staff' } });
      expect(stream[1].metadata.actor).toEqual({ kind: 'staff' });
      expect(stream[0].metadata.correlationId).not.toBe('test-corr-123');
    });

    it('stores both events of one command under the same correlation id', async () => {
      const orderId = await placeOrder(t);
      await runSteps(t, orderId, [['pay', { method: 'card' }], ['confirm']]);
      const res = await staffPost(t, `/orders/${orderId}/cancel`, { reason: 'no oven' }, { 'X-Correlation-Id': 'test-corr-refund' });

      expect(res.status).toBe(200);
      const written = (await streamOf(t, orderId)).slice(3);
      expect(written.map((event) => [event.type, event.metadata.correlationId, event.metadata.actor])).toEqual([
        ['OrderCancelled', 'test-corr-refund', { kind: 'staff' }],
        ['PaymentRefunded', 'test-corr-refund', { kind: 'staff' }],
      ]);
    });

    it('generates, echoes and stores a correlation id when none is sent', async () => {
      const res = await t.http().post('/orders').send(MARGHERITA_ORDER);

      expect(res.status).toBe(201);
      const generated = res.headers['x-correlation-id'];
      expect(generated).toMatch(UUID);
      const [placed] = await streamOf(t, res.body.orderId);
      expect(placed.metadata.correlationId).toBe(generated);

      const other = await t.http().post('/orders').send(MARGHERITA_ORDER);
      expect(other.headers['x-correlation-id']).toMatch(UUID);
      expect(other.headers['x-correlation-id']).not.toBe(generated);
    });

    it('echoes a correlation id on an error response as well', async () => {
      const res = await t.http().post('/orders').set('X-Correlation-Id', 'test-corr-err').send({});
      expect(res.status).toBe(400);
      expect(res.headers['x-correlation-id']).toBe('test-corr-err');
    });

    it('replaces a correlation id that is not sane', async () => {
      const res = await t.http().post('/orders').set('X-Correlation-Id', 'bad id with spaces <script>').send(MARGHERITA_ORDER);

      expect(res.status).toBe(201);
      expect(res.headers['x-correlation-id']).toMatch(UUID);
      const [placed] = await streamOf(t, res.body.orderId);
      expect(placed.metadata.correlationId).toBe(res.headers['x-correlation-id']);
    });
  });

  describe('prices', () => {
    const menuUnitPrice = (pizzaId: string, size: PizzaSize, toppings: string[]) => {
      const pizza = MENU.pizzas.find((candidate) => candidate.id === pizzaId)!;
      const extras = toppings.map((id) => MENU.toppings.find((topping) => topping.id === id)!.priceCents);
      return pizza.priceCents[size] + extras.reduce((sum, cents) => sum + cents, 0);
    };

    it('stores server-computed unit, line and subtotal prices from the menu', async () => {
      const items = [
        { pizzaId: 'margherita', size: 'large' as const, quantity: 2, toppings: ['extra-cheese'] },
        { pizzaId: 'pepperoni', size: 'medium' as const, quantity: 3, toppings: ['mushrooms', 'olives'] },
        { pizzaId: 'funghi', size: 'small' as const, quantity: 1 },
      ];
      const orderId = await placeOrder(t, { ...MARGHERITA_ORDER, items });

      const [placed] = await streamOf(t, orderId);
      expect(placed.type).toBe('OrderPlaced');
      const expected = items.map((item) => {
        const unitPriceCents = menuUnitPrice(item.pizzaId, item.size, item.toppings ?? []);
        return {
          pizzaId: item.pizzaId,
          size: item.size,
          quantity: item.quantity,
          toppings: item.toppings ?? [],
          unitPriceCents,
          lineTotalCents: unitPriceCents * item.quantity,
        };
      });
      expect(placed.data.items).toEqual(expected.map((item) => expect.objectContaining(item)));
      expect(placed.data.subtotalCents).toBe(expected.reduce((sum, item) => sum + item.lineTotalCents, 0));
      // The same numbers by hand, so a menu edit can not hide a pricing bug.
      expect(placed.data.items.map((item: { lineTotalCents: number }) => item.lineTotalCents)).toEqual([3300, 4800, 1000]);
      expect(placed.data.subtotalCents).toBe(9100);
    });

    it.each([
      ['unitPriceCents on an item', withItem({ unitPriceCents: 1 }), /items\.0\.unitPriceCents/],
      ['lineTotalCents on an item', withItem({ lineTotalCents: 1 }), /items\.0\.lineTotalCents/],
      ['subtotalCents on the order', { ...MARGHERITA_ORDER, subtotalCents: 1 }, /subtotalCents/],
      ['totalCents on the order', { ...MARGHERITA_ORDER, totalCents: 1 }, /totalCents/],
    ])('rejects a client-sent price (%s) and writes nothing', async (_what, body, mentions) => {
      const before = await countEvents(t);
      expectValidationError(await t.http().post('/orders').send(body), mentions);
      expect(await countEvents(t)).toBe(before);
    });
  });
});
