import { PICKUP_ORDER } from './support/order-bodies.js';
import { expectError, placeOrder, runSteps, staffPost, streamOf } from './support/orders-helpers.js';
import { MARGHERITA_ORDER } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

describe('orders write side (e2e)', () => {
  const t = useTestApp();

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
});
