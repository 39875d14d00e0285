import { randomUUID } from 'node:crypto';
import { ProjectionsService } from '../src/projections/projections.service.js';
import { UUID, expectError, expectValidationError, streamOf } from './support/orders-helpers.js';
import {
  ISO_UTC,
  command,
  contractView,
  expectDuring,
  forgedCursor,
  orderBody,
  place,
  readOrder,
  shiftMs,
  staffGet,
  uniquePhone,
  withOffset,
  type Written,
} from './support/read-helpers.js';
import { MARGHERITA_ORDER, startTestApp, type TestApp } from './support/test-app.js';

const PICKUP_ORDER = { ...MARGHERITA_ORDER, fulfilment: 'pickup' };
const MARGHERITA_LINE = {
  pizzaId: 'margherita',
  name: 'Margherita',
  size: 'large',
  quantity: 2,
  toppings: ['extra-cheese'],
  unitPriceCents: 1650,
  lineTotalCents: 3300,
};
const READY_AT = '2030-01-02T18:30:00.000Z';
const DAY_MS = 86_400_000;

/** The read model right after POST /orders with MARGHERITA_ORDER. */
/** The order's customer as stored: the phone in E.164 form. */
const STORED_CUSTOMER = { ...MARGHERITA_ORDER.customer, phone: '+34600111222' };

function placedView(orderId: string, placedAt: string, fulfilment = 'delivery') {
  return {
    orderId,
    status: 'PENDING',
    paymentStatus: 'UNPAID',
    fulfilment,
    customer: STORED_CUSTOMER,
    items: [MARGHERITA_LINE],
    subtotalCents: 3300,
    discountCents: 0,
    totalCents: 3300,
    placedAt,
    confirmedAt: null,
    estimatedReadyAt: null,
    updatedAt: placedAt,
    version: 1,
  };
}

function ids(items: Array<{ orderId: string }>): string[] {
  return items.map((item) => item.orderId);
}

function dayOf(iso: string, offsetDays = 0): string {
  return new Date(Date.parse(iso.slice(0, 10)) + offsetDays * DAY_MS).toISOString().slice(0, 10);
}

describe('orders read side (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('GET /orders/{id}', () => {
    it('shows a delivery order after each write of its lifecycle, read with that write’s position', async () => {
      const placed = await place(t, MARGHERITA_ORDER);
      const { orderId } = placed;
      expect(orderId).toMatch(UUID);

      const first = await readOrder(t, orderId, placed.position);
      expectDuring(first.placedAt, placed);
      let expected: Record<string, unknown> = placedView(orderId, first.placedAt);
      expect(contractView(first)).toEqual(expected);

      // Given with an offset, shown in UTC.
      const confirmed = await command(t, orderId, 'confirm', { estimatedReadyAt: '2030-01-02T19:30:00+01:00' });
      const afterConfirm = await readOrder(t, orderId, confirmed.position);
      expectDuring(afterConfirm.confirmedAt, confirmed);
      expected = {
        ...expected,
        status: 'CONFIRMED',
        confirmedAt: afterConfirm.confirmedAt,
        estimatedReadyAt: READY_AT,
        updatedAt: afterConfirm.confirmedAt,
        version: 2,
      };
      expect(contractView(afterConfirm)).toEqual(expected);

      const steps: Array<[string, object, Record<string, unknown>]> = [
        ['pay', { method: 'card' }, { status: 'COOKING', paymentStatus: 'PAID' }],
        ['ready', {}, { status: 'READY' }],
        ['dispatch', { courier: 'Luis' }, { status: 'OUT_FOR_DELIVERY' }],
        ['deliver', {}, { status: 'DELIVERED' }],
      ];
      for (const [name, body, change] of steps) {
        const write = await command(t, orderId, name, body);
        const order = await readOrder(t, orderId, write.position);
        expectDuring(order.updatedAt, write);
        expected = { ...expected, ...change, updatedAt: order.updatedAt, version: write.version };
        expect({ after: name, order: contractView(order) }).toEqual({ after: name, order: expected });
      }
      expect(expected.version).toBe(6);
    });

    it('shows a pickup order as PICKED_UP at the end', async () => {
      const placed = await place(t, PICKUP_ORDER);
      const { orderId } = placed;
      const first = await readOrder(t, orderId, placed.position);
      expect(contractView(first)).toEqual(placedView(orderId, first.placedAt, 'pickup'));

      let last!: Written;
      for (const name of ['confirm', 'start-cooking', 'ready']) last = await command(t, orderId, name);
      expect((await readOrder(t, orderId, last.position)).status).toBe('READY');

      const pickedUp = await command(t, orderId, 'deliver');
      const order = await readOrder(t, orderId, pickedUp.position);
      expectDuring(order.updatedAt, pickedUp);
      expect(contractView(order)).toEqual({
        ...placedView(orderId, first.placedAt, 'pickup'),
        status: 'PICKED_UP',
        confirmedAt: expect.stringMatching(ISO_UTC),
        updatedAt: order.updatedAt,
        version: 5,
      });
    });

    it('takes a discount off the total, and a payment of a pending order leaves it pending', async () => {
      const placed = await place(t, MARGHERITA_ORDER);
      const { orderId } = placed;
      const placedAt = (await readOrder(t, orderId, placed.position)).placedAt;

      const discounted = await command(t, orderId, 'discount', { code: 'WELCOME10' });
      const afterDiscount = await readOrder(t, orderId, discounted.position);
      expect(contractView(afterDiscount)).toEqual({
        ...placedView(orderId, placedAt),
        discountCents: 330,
        totalCents: 2970,
        updatedAt: afterDiscount.updatedAt,
        version: 2,
      });
      expectDuring(afterDiscount.updatedAt, discounted);

      const paid = await command(t, orderId, 'pay', { method: 'cash' });
      const afterPay = await readOrder(t, orderId, paid.position);
      expect(contractView(afterPay)).toEqual({
        ...contractView(afterDiscount),
        paymentStatus: 'PAID',
        updatedAt: afterPay.updatedAt,
        version: 3,
      });
    });

    it('applies a fixed-amount discount code', async () => {
      const placed = await place(t, MARGHERITA_ORDER);
      const discounted = await command(t, placed.orderId, 'discount', { code: 'FIVEOFF' });
      const order = await readOrder(t, placed.orderId, discounted.position);
      expect({ subtotalCents: order.subtotalCents, discountCents: order.discountCents, totalCents: order.totalCents }).toEqual({
        subtotalCents: 3300,
        discountCents: 500,
        totalCents: 2800,
      });
    });

    it('shows a paid order cancelled by staff as CANCELLED and REFUNDED, at the version after both events', async () => {
      const placed = await place(t, MARGHERITA_ORDER);
      const { orderId } = placed;
      await command(t, orderId, 'pay', { method: 'card' });
      const confirmed = await command(t, orderId, 'confirm');
      const beforeCancel = await readOrder(t, orderId, confirmed.position);
      expect([beforeCancel.status, beforeCancel.paymentStatus]).toEqual(['CONFIRMED', 'PAID']);

      const cancelled = await command(t, orderId, 'cancel', { reason: 'out of dough' });
      expect(cancelled.version).toBe(5);
      const order = await readOrder(t, orderId, cancelled.position);
      expectDuring(order.updatedAt, cancelled);
      expect(contractView(order)).toEqual({
        ...contractView(beforeCancel),
        status: 'CANCELLED',
        paymentStatus: 'REFUNDED',
        updatedAt: order.updatedAt,
        version: 5,
      });
    });

    it('lets anyone with the id read it, with or without a token', async () => {
      const placed = await place(t, MARGHERITA_ORDER);
      const anonymous = await t.http().get(`/orders/${placed.orderId}`).query({ minPosition: placed.position });
      const staff = await staffGet(t, `/orders/${placed.orderId}`, { minPosition: placed.position });
      const wrongToken = await t.http().get(`/orders/${placed.orderId}`).set('Authorization', 'Bearer nope-nope-nope-nope');
      expect([anonymous.status, staff.status, wrongToken.status]).toEqual([200, 200, 200]);
      expect(anonymous.body.orderId).toBe(placed.orderId);
      expect(staff.body).toEqual(anonymous.body);
      expect(wrongToken.body).toEqual(anonymous.body);
    });

    it('answers 404 ORDER_NOT_FOUND for an unknown uuid and for an id that is not a uuid', async () => {
      expectError(await t.http().get(`/orders/${randomUUID()}`), 404, 'ORDER_NOT_FOUND');
      expectError(await t.http().get('/orders/not-a-uuid'), 404, 'ORDER_NOT_FOUND');
      expectError(await t.http().get(`/orders/${randomUUID()}`).query({ minPosition: 1 }), 404, 'ORDER_NOT_FOUND');
    });
  });

  describe('minPosition and query parameters', () => {
    let orderId: string;

    beforeAll(async () => {
      orderId = (await place(t, MARGHERITA_ORDER)).orderId;
    });

    const routes = (): Array<[string, Record<string, string>]> => [
      [`/orders/${orderId}`, {}],
      ['/orders', {}],
      [`/orders/${orderId}/timeline`, {}],
      [`/orders/${orderId}/state`, { asOf: new Date().toISOString() }],
      ['/kitchen/queue', {}],
      ['/analytics/summary', {}],
    ];

    it('answers 400 VALIDATION_FAILED to a minPosition that is not a whole number, on every query', async () => {
      for (const [path, query] of routes()) {
        for (const minPosition of ['abc', '-1', '1.5']) {
          const res = await staffGet(t, path, { ...query, minPosition });
          expect({ path, minPosition, status: res.status }).toEqual({ path, minPosition, status: 400 });
          expectValidationError(res, /minPosition/);
        }
      }
    });

    it('ignores an unknown query parameter (a cache-buster, say) on every query, and still validates the known ones', async () => {
      for (const [path, query] of routes()) {
        const res = await staffGet(t, path, { ...query, colour: 'blue', _: '123' });
        expect({ path, status: res.status }).toEqual({ path, status: 200 });
        expectValidationError(await staffGet(t, path, { ...query, _: '123', minPosition: 'abc' }), /^minPosition must be a whole number$/);
      }
    });

    it('answers a query with minPosition 0 or the current position at once', async () => {
      const res = await t.http().get(`/orders/${orderId}`).query({ minPosition: 0 });
      expect(res.status).toBe(200);
      expect(res.body.orderId).toBe(orderId);
    });
  });

  describe('GET /orders', () => {
    it('is for staff only', async () => {
      expectError(await t.http().get('/orders'), 401, 'STAFF_TOKEN_MISSING');
      expectError(await t.http().get('/orders').set('Authorization', 'Bearer test-staff-token-0123456780'), 403, 'STAFF_TOKEN_INVALID');
    });

    it('lists orders newest first, as { items, nextCursor }, in the order read model’s shape', async () => {
      const phone = uniquePhone();
      const written: Written[] = [];
      for (let i = 0; i < 3; i++) written.push(await place(t, orderBody(phone)));
      const last = written[written.length - 1];

      const res = await staffGet(t, '/orders', { limit: 3, minPosition: last.position });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(['items', 'nextCursor']);
      expect(ids(res.body.items)).toEqual(written.map((w) => w.orderId).reverse());
      expect(res.body.nextCursor).toEqual(expect.any(String));

      const single = await readOrder(t, last.orderId, last.position);
      expect(res.body.items[0]).toEqual(single);
      const times = res.body.items.map((item: { placedAt: string }) => Date.parse(item.placedAt));
      expect(times).toEqual([...times].sort((a, b) => b - a));
    });

    it('filters by one status and by several, comma-separated', async () => {
      const phone = uniquePhone();
      const pending = await place(t, orderBody(phone));
      const confirmed = await place(t, orderBody(phone));
      const cooking = await place(t, orderBody(phone));
      const cancelled = await place(t, orderBody(phone));
      await command(t, confirmed.orderId, 'confirm');
      await command(t, cooking.orderId, 'confirm');
      await command(t, cooking.orderId, 'pay', { method: 'card' });
      const last = await command(t, cancelled.orderId, 'cancel', { reason: 'mistake' });
      const list = (query: Record<string, string | number>) => staffGet(t, '/orders', { phone, minPosition: last.position, ...query });

      const all = await list({});
      expect(ids(all.body.items)).toEqual([cancelled, cooking, confirmed, pending].map((w) => w.orderId));
      expect(all.body.items.map((item: { status: string }) => item.status)).toEqual(['CANCELLED', 'COOKING', 'CONFIRMED', 'PENDING']);

      expect(ids((await list({ status: 'CONFIRMED' })).body.items)).toEqual([confirmed.orderId]);
      expect(ids((await list({ status: 'PENDING' })).body.items)).toEqual([pending.orderId]);
      expect(ids((await list({ status: 'CONFIRMED,COOKING' })).body.items)).toEqual([cooking.orderId, confirmed.orderId]);
      expect(ids((await list({ status: 'CANCELLED,PENDING' })).body.items)).toEqual([cancelled.orderId, pending.orderId]);
      expect((await list({ status: 'DELIVERED' })).body).toEqual({ items: [], nextCursor: null });

      const everyCancelled = await staffGet(t, '/orders', { status: 'CANCELLED', limit: 100, minPosition: last.position });
      expect(everyCancelled.status).toBe(200);
      expect(ids(everyCancelled.body.items)).toContain(cancelled.orderId);
      expect(new Set(everyCancelled.body.items.map((item: { status: string }) => item.status))).toEqual(new Set(['CANCELLED']));
    });

    it('refuses an unknown status', async () => {
      expectValidationError(await staffGet(t, '/orders', { status: 'BURNT' }), /status/);
      expectValidationError(await staffGet(t, '/orders', { status: 'CONFIRMED,' }), /status/);
    });

    it('matches a phone by its digits, whatever the formatting on either side', async () => {
      const spaced = await place(t, orderBody('+34 655-321-987'));
      const compact = await place(t, orderBody('+34655321987'));
      const other = await place(t, orderBody('+34 655-321-988'));
      for (const query of ['+34655321987', '+34 655-321-987', '34 655 321 987', '+34 (655) 321.987']) {
        const res = await staffGet(t, '/orders', { phone: query, minPosition: other.position });
        expect({ query, status: res.status }).toEqual({ query, status: 200 });
        expect({ query, ids: ids(res.body.items) }).toEqual({ query, ids: [compact.orderId, spaced.orderId] });
      }
      const res = await staffGet(t, '/orders', { phone: '+34 655 321 988', minPosition: other.position });
      expect(ids(res.body.items)).toEqual([other.orderId]);
      // Stored in E.164, whatever the customer typed.
      expect(res.body.items[0].customer.phone).toBe('+34655321988');
    });

    it('limits the page, and refuses a limit below 1, above 100 or not a whole number', async () => {
      const phone = uniquePhone();
      const written: Written[] = [];
      for (let i = 0; i < 3; i++) written.push(await place(t, orderBody(phone)));
      const minPosition = written[2].position;

      const two = await staffGet(t, '/orders', { phone, limit: 2, minPosition });
      expect(ids(two.body.items)).toEqual([written[2].orderId, written[1].orderId]);
      expect(two.body.nextCursor).toEqual(expect.any(String));
      const hundred = await staffGet(t, '/orders', { phone, limit: 100, minPosition });
      expect(hundred.status).toBe(200);
      expect(hundred.body.items).toHaveLength(3);
      expect(hundred.body.nextCursor).toBeNull();

      for (const limit of ['0', '101', '-1', '2.5', 'ten']) {
        const res = await staffGet(t, '/orders', { limit });
        expect({ limit, status: res.status }).toEqual({ limit, status: 400 });
        expectValidationError(res, /limit/);
      }
    });

    describe('cursor pagination', () => {
      const phone = uniquePhone();
      const placedOrder: string[] = [];
      let head = 0;

      beforeAll(async () => {
        for (let i = 0; i < 25; i++) {
          const written = await place(t, orderBody(phone));
          placedOrder.push(written.orderId);
          head = written.position;
        }
      });

      async function walk(limit: number): Promise<{ pages: string[][]; cursors: Array<string | null> }> {
        const pages: string[][] = [];
        const cursors: Array<string | null> = [];
        let cursor: string | undefined;
        for (let guard = 0; guard < 30; guard++) {
          const res = await staffGet(t, '/orders', { phone, limit, minPosition: head, ...(cursor ? { cursor } : {}) });
          expect(res.status).toBe(200);
          pages.push(ids(res.body.items));
          cursors.push(res.body.nextCursor);
          if (res.body.nextCursor === null) break;
          cursor = res.body.nextCursor;
        }
        return { pages, cursors };
      }

      it('gives every order exactly once, newest first, in pages of 10 and a last one of 5', async () => {
        const { pages, cursors } = await walk(10);
        expect(pages.map((page) => page.length)).toEqual([10, 10, 5]);
        expect(cursors.map((cursor) => (cursor === null ? null : 'cursor'))).toEqual(['cursor', 'cursor', null]);
        expect(pages.flat()).toEqual([...placedOrder].reverse());
      });

      it('ends with nextCursor null when the last page is exactly full', async () => {
        const { pages, cursors } = await walk(5);
        expect(pages.map((page) => page.length)).toEqual([5, 5, 5, 5, 5]);
        expect(cursors[4]).toBeNull();
        expect(pages.flat()).toEqual([...placedOrder].reverse());
      });

      it('is not shifted by an order placed between two pages', async () => {
        const first = await staffGet(t, '/orders', { phone, limit: 10, minPosition: head });
        const newer = await place(t, orderBody(phone));
        const second = await staffGet(t, '/orders', { phone, limit: 10, cursor: first.body.nextCursor, minPosition: newer.position });
        expect(ids(second.body.items)).toEqual([...placedOrder].reverse().slice(10, 20));

        const fresh = await staffGet(t, '/orders', { phone, limit: 1, minPosition: newer.position });
        expect(ids(fresh.body.items)).toEqual([newer.orderId]);
      });

      it('answers 400 VALIDATION_FAILED to a cursor that is not one at all', async () => {
        for (const cursor of ['garbage', '%%%', Buffer.from('{"a":1}').toString('base64url'), 'x'.repeat(300)]) {
          const res = await staffGet(t, '/orders', { cursor });
          expect({ cursor, status: res.status }).toEqual({ cursor, status: 400 });
          expectValidationError(res, /cursor/);
        }
      });

      it('answers 400 VALIDATION_FAILED to a forged cursor shaped like its own, never a 500', async () => {
        const someId = placedOrder[0];
        const forged: Array<[unknown, unknown]> = [
          ['yesterday', someId],
          ['2026-01-01T00:00:00.000Z', 'not-an-id'],
          ['2026-01-01T00:00:00.000Z', 42],
          ['0', someId],
          ['+275760-09-13T00:00:00.000Z', someId],
          ['2026-01-01T00:00:00.000Z', '-'.repeat(36)],
        ];
        for (const [placedAt, orderId] of forged) {
          const res = await staffGet(t, '/orders', { cursor: forgedCursor(placedAt, orderId) });
          expect({ placedAt, orderId, status: res.status }).toEqual({ placedAt, orderId, status: 400 });
          expectValidationError(res, /cursor/);
        }
      });
    });
  });

  describe('GET /orders/{id}/timeline', () => {
    it('lists every event in stream order: position, version, type, time, description, details, actor and correlation id', async () => {
      const run = randomUUID().slice(0, 8);
      const correlation = (step: string) => `read-spec-${run}-${step}`;
      const placed = await place(t, { ...MARGHERITA_ORDER, notes: 'ring twice' }, { 'X-Correlation-Id': correlation('place') });
      const { orderId } = placed;
      const steps: Array<[string, object]> = [
        ['confirm', { estimatedReadyAt: READY_AT, kitchenNotes: 'crispy' }],
        ['discount', { code: 'WELCOME10' }],
        ['pay', { method: 'card', transactionId: 'txn-7' }],
        ['ready', {}],
        ['dispatch', { courier: 'Luis' }],
        ['deliver', {}],
      ];
      const writes: Written[] = [placed];
      for (const [name, body] of steps) writes.push(await command(t, orderId, name, body, { 'X-Correlation-Id': correlation(name) }));

      const res = await t.http().get(`/orders/${orderId}/timeline`);
      expect(res.status).toBe(200);
      expect(Array.isArray(res.body)).toBe(true);
      const timeline: Array<Record<string, any>> = res.body;
      expect(timeline.map((entry) => [entry.type, entry.version, entry.position])).toEqual([
        ['OrderPlaced', 1, writes[0].position],
        ['OrderConfirmed', 2, writes[1].position],
        ['DiscountApplied', 3, writes[2].position],
        ['PaymentReceived', 4, writes[3].position],
        ['OrderReady', 5, writes[4].position],
        ['OrderDispatched', 6, writes[5].position],
        ['OrderDelivered', 7, writes[6].position],
      ]);

      const stream = await streamOf(t, orderId);
      const stepNames = ['place', ...steps.map(([name]) => name)];
      timeline.forEach((entry, i) => {
        expectDuring(entry.occurredAt, writes[i]);
        const { orderId: _omitted, ...data } = stream[i].data;
        expect({ type: entry.type, details: entry.details }).toEqual({ type: entry.type, details: data });
        expect(entry.details).not.toHaveProperty('orderId');
        expect({ type: entry.type, actor: entry.actor, correlationId: entry.correlationId }).toEqual({
          type: entry.type,
          actor: i === 0 ? 'customer' : 'staff',
          correlationId: correlation(stepNames[i]),
        });
        expect(entry.description).toEqual(expect.any(String));
        expect(entry.description.length).toBeGreaterThan(3);
        expect(entry.description).not.toMatch(/undefined|null|NaN|\[object/);
      });
      expect(new Set(timeline.map((entry) => entry.description)).size).toBe(timeline.length);

      expect(timeline[0].description).toMatch(/^Order placed by Ana: 2 × Margherita \(large\)/);
      expect(timeline[1].description).toMatch(/^Confirmed by staff, ready by 18:30/);
      expect(timeline[0].details).toEqual({
        customer: STORED_CUSTOMER,
        items: [MARGHERITA_LINE],
        fulfilment: 'delivery',
        notes: 'ring twice',
        subtotalCents: 3300,
        placedAt: timeline[0].occurredAt,
      });
      expect(timeline[1].details).toEqual({ estimatedReadyAt: READY_AT, kitchenNotes: 'crispy', confirmedAt: timeline[1].occurredAt });
      expect(timeline[3].details).toMatchObject({ method: 'card', transactionId: 'txn-7', amountCents: 2970 });
      expect(timeline[5].details).toMatchObject({ courier: 'Luis' });

      const withPosition = await t.http().get(`/orders/${orderId}/timeline`).query({ minPosition: writes[6].position });
      expect(withPosition.status).toBe(200);
      expect(withPosition.body).toEqual(timeline);
    });

    it('shows both events of a paid order’s cancellation under the cancel’s correlation id', async () => {
      const placed = await place(t, PICKUP_ORDER);
      await command(t, placed.orderId, 'pay', { method: 'card' });
      await command(t, placed.orderId, 'confirm');
      const cancelled = await command(t, placed.orderId, 'cancel', { reason: 'out of dough' }, { 'X-Correlation-Id': 'cancel-and-refund' });

      const res = await t.http().get(`/orders/${placed.orderId}/timeline`);
      expect(res.status).toBe(200);
      expect(res.body.map((entry: { type: string }) => entry.type)).toEqual([
        'OrderPlaced',
        'PaymentReceived',
        'OrderConfirmed',
        'OrderCancelled',
        'PaymentRefunded',
      ]);
      const [cancel, refund] = res.body.slice(3);
      expect([cancel.version, refund.version]).toEqual([4, 5]);
      expect(refund.position).toBe(cancelled.position);
      expect(cancel.position).toBeLessThan(refund.position);
      expect([cancel.correlationId, refund.correlationId]).toEqual(['cancel-and-refund', 'cancel-and-refund']);
      expect([cancel.actor, refund.actor]).toEqual(['staff', 'staff']);
      expect(cancel.details).toMatchObject({ reason: 'out of dough', cancelledBy: 'staff' });
      expect(refund.details).toMatchObject({ amountCents: 3300 });
      expect(cancel.description).toContain('out of dough');
    });

    it('shows a cancellation by the customer with a customer actor', async () => {
      const placed = await place(t, MARGHERITA_ORDER);
      const res = await t.http().post(`/orders/${placed.orderId}/cancel`).send({ reason: 'changed my mind' });
      expect(res.status).toBe(200);
      const timeline = await t.http().get(`/orders/${placed.orderId}/timeline`);
      expect(timeline.body.map((entry: { type: string; actor: string }) => [entry.type, entry.actor])).toEqual([
        ['OrderPlaced', 'customer'],
        ['OrderCancelled', 'customer'],
      ]);
    });

    it('answers 404 ORDER_NOT_FOUND for an unknown order and for an id that is not a uuid', async () => {
      expectError(await t.http().get(`/orders/${randomUUID()}/timeline`), 404, 'ORDER_NOT_FOUND');
      expectError(await t.http().get('/orders/12345/timeline'), 404, 'ORDER_NOT_FOUND');
    });
  });

  describe('GET /orders/{id}/state?asOf=', () => {
    let orderId: string;
    let current: Record<string, any>;
    let placedAt: string;
    let confirmedAt: string;
    let paidAt: string;

    beforeAll(async () => {
      const placed = await place(t, MARGHERITA_ORDER);
      orderId = placed.orderId;
      await readOrder(t, orderId, placed.position);
      const confirmed = await command(t, orderId, 'confirm', { estimatedReadyAt: READY_AT });
      await readOrder(t, orderId, confirmed.position);
      const paid = await command(t, orderId, 'pay', { method: 'cash' });
      current = await readOrder(t, orderId, paid.position);
      const timeline = await t.http().get(`/orders/${orderId}/timeline`);
      [placedAt, confirmedAt, paidAt] = timeline.body.map((entry: { occurredAt: string }) => entry.occurredAt);
    });

    const at = (asOf: string, id = orderId) => staffGet(t, `/orders/${id}/state`, { asOf });

    it('shows the order as it stood at each write, and between two writes', async () => {
      // The instants below only separate the writes if the writes are apart in time.
      expect(Date.parse(placedAt)).toBeLessThan(Date.parse(confirmedAt));
      expect(Date.parse(confirmedAt)).toBeLessThan(Date.parse(paidAt));

      const atPlaced = await at(placedAt);
      expect(atPlaced.status).toBe(200);
      expect(contractView(atPlaced.body)).toEqual(placedView(orderId, placedAt));

      const atConfirmed = await at(confirmedAt);
      expect(atConfirmed.status).toBe(200);
      const confirmedView = {
        ...placedView(orderId, placedAt),
        status: 'CONFIRMED',
        confirmedAt,
        estimatedReadyAt: READY_AT,
        updatedAt: confirmedAt,
        version: 2,
      };
      expect(contractView(atConfirmed.body)).toEqual(confirmedView);

      const justBeforePay = await at(shiftMs(paidAt, -1));
      expect(contractView(justBeforePay.body)).toEqual(confirmedView);

      const atPaid = await at(paidAt);
      expect(contractView(atPaid.body)).toEqual({
        ...confirmedView,
        status: 'COOKING',
        paymentStatus: 'PAID',
        updatedAt: paidAt,
        version: 3,
      });
    });

    it('matches the read model for an instant after the last write', async () => {
      const res = await at(new Date(Date.now() + 60_000).toISOString());
      expect(res.status).toBe(200);
      expect(res.body).toEqual(current);
    });

    it('takes an instant written with a UTC offset', async () => {
      const res = await at(withOffset(confirmedAt, 120));
      expect(res.status).toBe(200);
      expect([res.body.status, res.body.version]).toEqual(['CONFIRMED', 2]);
      const justBefore = await at(withOffset(shiftMs(confirmedAt, -1), -300));
      expect([justBefore.body.status, justBefore.body.version]).toEqual(['PENDING', 1]);
    });

    it('answers 404 ORDER_NOT_FOUND for an instant before the order existed, and for unknown orders', async () => {
      expectError(await at(shiftMs(placedAt, -1)), 404, 'ORDER_NOT_FOUND');
      expectError(await at('2000-01-01T00:00:00.000Z'), 404, 'ORDER_NOT_FOUND');
      expectError(await at(new Date().toISOString(), randomUUID()), 404, 'ORDER_NOT_FOUND');
      expectError(await at(new Date().toISOString(), 'not-a-uuid'), 404, 'ORDER_NOT_FOUND');
    });

    it('answers 400 VALIDATION_FAILED without asOf or with one that is not an ISO-8601 instant', async () => {
      expectValidationError(await staffGet(t, `/orders/${orderId}/state`), /asOf/);
      for (const asOf of ['yesterday', '2026-02-30T10:00:00Z', '1700000000000', '']) {
        const res = await at(asOf);
        expect({ asOf, status: res.status }).toEqual({ asOf, status: 400 });
        expectValidationError(res, /asOf/);
      }
    });

    it('is for staff only', async () => {
      expectError(await t.http().get(`/orders/${orderId}/state`).query({ asOf: paidAt }), 401, 'STAFF_TOKEN_MISSING');
      expectError(
        await t.http().get(`/orders/${orderId}/state`).query({ asOf: paidAt }).set('Authorization', 'Bearer test-staff-token-0123456780'),
        403,
        'STAFF_TOKEN_INVALID',
      );
    });
  });

  describe('GET /kitchen/queue', () => {
    it('is for staff only', async () => {
      expectError(await t.http().get('/kitchen/queue'), 401, 'STAFF_TOKEN_MISSING');
    });

    it('holds CONFIRMED and COOKING orders, oldest confirmation first, until they are ready or cancelled', async () => {
      const [a, b, c, pending] = [
        await place(t, MARGHERITA_ORDER),
        await place(t, MARGHERITA_ORDER),
        await place(t, PICKUP_ORDER),
        await place(t, MARGHERITA_ORDER),
      ];
      const mine = new Set([a, b, c, pending].map((w) => w.orderId));
      const queue = async (minPosition: number) => {
        const res = await staffGet(t, '/kitchen/queue', { minPosition });
        expect(res.status).toBe(200);
        expect(Array.isArray(res.body)).toBe(true);
        const tickets: Array<{ orderId: string; status: string; confirmedAt: string }> = res.body;
        for (const ticket of tickets) expect(['CONFIRMED', 'COOKING']).toContain(ticket.status);
        const confirmations = tickets.map((ticket) => ticket.confirmedAt);
        for (const confirmedAt of confirmations) expect(confirmedAt).toMatch(ISO_UTC);
        expect(confirmations).toEqual([...confirmations].sort());
        return tickets.filter((ticket) => mine.has(ticket.orderId)).map((ticket) => [ticket.orderId, ticket.status]);
      };

      expect(await queue(pending.position)).toEqual([]);

      // Confirmed in another order than placed: the queue follows the confirmations.
      await command(t, c.orderId, 'confirm');
      await command(t, a.orderId, 'confirm');
      const lastConfirm = await command(t, b.orderId, 'confirm');
      expect(await queue(lastConfirm.position)).toEqual([
        [c.orderId, 'CONFIRMED'],
        [a.orderId, 'CONFIRMED'],
        [b.orderId, 'CONFIRMED'],
      ]);

      const paid = await command(t, a.orderId, 'pay', { method: 'card' });
      const paidPending = await command(t, pending.orderId, 'pay', { method: 'cash' });
      expect(await queue(Math.max(paid.position, paidPending.position))).toEqual([
        [c.orderId, 'CONFIRMED'],
        [a.orderId, 'COOKING'],
        [b.orderId, 'CONFIRMED'],
      ]);

      await command(t, c.orderId, 'start-cooking');
      const ready = await command(t, c.orderId, 'ready');
      expect(await queue(ready.position)).toEqual([
        [a.orderId, 'COOKING'],
        [b.orderId, 'CONFIRMED'],
      ]);

      const cancelled = await command(t, b.orderId, 'cancel', { reason: 'oven broke' });
      expect(await queue(cancelled.position)).toEqual([[a.orderId, 'COOKING']]);

      const aReady = await command(t, a.orderId, 'ready');
      expect(await queue(aReady.position)).toEqual([]);
    });
  });

  describe('GET /analytics/summary', () => {
    let a: TestApp;
    let placedDays: string[];
    let head: number;

    beforeAll(async () => {
      a = await startTestApp();
      const phone = uniquePhone();
      // 3300 paid by card
      const o1 = await place(a, orderBody(phone));
      await command(a, o1.orderId, 'confirm');
      await command(a, o1.orderId, 'pay', { method: 'card' });
      // 1400 + 3 × 1100 = 4700, 500 off, 4200 paid in cash
      const o2 = await place(
        a,
        orderBody(phone, [
          { pizzaId: 'pepperoni', size: 'medium', quantity: 1 },
          { pizzaId: 'diavola', size: 'small', quantity: 3 },
        ]),
      );
      await command(a, o2.orderId, 'discount', { code: 'FIVEOFF' });
      await command(a, o2.orderId, 'confirm');
      await command(a, o2.orderId, 'pay', { method: 'cash' });
      // 2000 paid, then refunded when staff cancel it
      const o3 = await place(a, orderBody(phone, [{ pizzaId: 'funghi', size: 'small', quantity: 2 }]));
      await command(a, o3.orderId, 'pay', { method: 'card' });
      await command(a, o3.orderId, 'confirm');
      await command(a, o3.orderId, 'cancel', { reason: 'out of mushrooms' });
      // never confirmed, cancelled by the customer
      const o4 = await place(a, orderBody(phone, [{ pizzaId: 'margherita', size: 'small', quantity: 2 }]));
      const cancel = await a.http().post(`/orders/${o4.orderId}/cancel`).send({ reason: 'changed my mind' });
      expect(cancel.status).toBe(200);
      head = cancel.body.position;
      placedDays = [];
      for (const o of [o1, o2, o3, o4]) placedDays.push((await readOrder(a, o.orderId, head)).placedAt.slice(0, 10));
    });

    afterAll(async () => {
      await a?.close();
    });

    it('is for staff only', async () => {
      expectError(await a.http().get('/analytics/summary'), 401, 'STAFF_TOKEN_MISSING');
    });

    it('sums orders, confirmations, cancellations, net revenue and pizzas over the range, with every day in it', async () => {
      const first = [...placedDays].sort()[0];
      const lastDay = [...placedDays].sort()[3];
      const from = dayOf(first, -2);
      const to = dayOf(lastDay, 1);
      const res = await staffGet(a, '/analytics/summary', { from, to, minPosition: head });
      expect(res.status).toBe(200);

      const revenueByOrder = [3300, 4200, 0, 0];
      const days: string[] = [];
      for (let day = from; day <= to; day = dayOf(day, 1)) days.push(day);
      expect(days.length).toBeGreaterThanOrEqual(4);
      expect(res.body).toMatchObject({
        totalOrders: 4,
        confirmedOrders: 3,
        cancelledOrders: 2,
        confirmationRate: 0.75,
        revenueCents: 7500,
        averageOrderValueCents: 3750,
        popularItems: [
          { pizzaId: 'margherita', name: 'Margherita', quantity: 4 },
          { pizzaId: 'diavola', name: 'Diavola', quantity: 3 },
          { pizzaId: 'funghi', name: 'Funghi', quantity: 2 },
          { pizzaId: 'pepperoni', name: 'Pepperoni', quantity: 1 },
        ],
        daily: days.map((date) => ({
          date,
          orders: placedDays.filter((day) => day === date).length,
          revenueCents: placedDays.reduce((sum, day, i) => (day === date ? sum + revenueByOrder[i] : sum), 0),
        })),
      });
    });

    it('counts nothing for a range without orders, and still lists its days', async () => {
      const later = dayOf([...placedDays].sort()[3], 1);
      const res = await staffGet(a, '/analytics/summary', { from: later, to: dayOf(later, 2), minPosition: head });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        totalOrders: 0,
        confirmedOrders: 0,
        cancelledOrders: 0,
        confirmationRate: 0,
        revenueCents: 0,
        averageOrderValueCents: 0,
        popularItems: [],
        daily: [0, 1, 2].map((offset) => ({ date: dayOf(later, offset), orders: 0, revenueCents: 0 })),
      });
    });

    it('counts a one-day range', async () => {
      const day = placedDays[0];
      const res = await staffGet(a, '/analytics/summary', { from: day, to: day, minPosition: head });
      expect(res.status).toBe(200);
      expect(res.body.daily).toEqual([{ date: day, orders: placedDays.filter((d) => d === day).length, revenueCents: expect.any(Number) }]);
    });

    it('answers 400 VALIDATION_FAILED when from is after to, or a date is not ISO-8601', async () => {
      const day = placedDays[0];
      expectValidationError(await staffGet(a, '/analytics/summary', { from: dayOf(day, 1), to: day }), /from/);
      expectValidationError(await staffGet(a, '/analytics/summary', { from: 'last week' }), /from/);
      expectValidationError(await staffGet(a, '/analytics/summary', { to: '2026-13-01' }), /to/);
    });
  });

  describe('with a short read-your-writes bound', () => {
    // Short enough to wait out in a test, long enough to cover the event feed's one-second fallback poll.
    const BOUND_MS = 1_500;
    let s: TestApp;

    beforeAll(async () => {
      s = await startTestApp({ readYourWritesTimeoutMs: BOUND_MS });
    });

    afterAll(async () => {
      await s?.close();
    });

    it('answers 503 PROJECTION_BEHIND to a position beyond the head of the log, on every read-model query', async () => {
      const placed = await place(s, MARGHERITA_ORDER);
      const beyond = placed.position + 1000;
      for (const path of [`/orders/${placed.orderId}`, '/orders', '/kitchen/queue', '/analytics/summary']) {
        const started = Date.now();
        const res = await staffGet(s, path, { minPosition: beyond });
        expect({ path, status: res.status }).toEqual({ path, status: 503 });
        expectError(res, 503, 'PROJECTION_BEHIND');
        expect(Date.now() - started).toBeLessThan(BOUND_MS + 2_000);
      }
      // The order itself is there: only the position was out of reach.
      expect((await readOrder(s, placed.orderId, placed.position)).orderId).toBe(placed.orderId);
    });

    it('answers 503 after the bound while the projection is held back, and the write once it catches up', async () => {
      const placed = await place(s, MARGHERITA_ORDER);
      await readOrder(s, placed.orderId, placed.position);
      const runner = s.app.get(ProjectionsService).runner('order-details');
      let release!: () => void;
      const paused = runner.whilePaused(() => new Promise<void>((resolve) => (release = resolve)));
      let confirmed!: Written;
      try {
        confirmed = await command(s, placed.orderId, 'confirm');
        const started = Date.now();
        const behind = await s.http().get(`/orders/${placed.orderId}`).query({ minPosition: confirmed.position });
        const waited = Date.now() - started;
        expectError(behind, 503, 'PROJECTION_BEHIND');
        expect(waited).toBeGreaterThanOrEqual(BOUND_MS - 50);
        expect(waited).toBeLessThan(BOUND_MS + 2_000);

        // Without minPosition the read model answers with what it holds.
        const stale = await s.http().get(`/orders/${placed.orderId}`);
        expect([stale.status, stale.body.status, stale.body.version]).toEqual([200, 'PENDING', 1]);

        // The other read models go on.
        const queue = await staffGet(s, '/kitchen/queue', { minPosition: confirmed.position });
        expect(ids(queue.body)).toContain(placed.orderId);
      } finally {
        release?.();
        await paused;
      }
      const order = await readOrder(s, placed.orderId, confirmed.position);
      expect([order.status, order.version]).toEqual(['CONFIRMED', 2]);
    });

    it('holds a query with minPosition while the projection catches up, and answers with the write', async () => {
      const placed = await place(s, MARGHERITA_ORDER);
      await readOrder(s, placed.orderId, placed.position);
      const service = s.app.get(ProjectionsService);
      const runner = service.runner('order-details');
      let release!: () => void;
      const paused = runner.whilePaused(() => new Promise<void>((resolve) => (release = resolve)));
      const originalWaitFor = service.waitFor;
      try {
        const paid = await command(s, placed.orderId, 'pay', { method: 'card' });
        // Let the projection go only once the query is on its way through the server.
        service.waitFor = function (this: ProjectionsService, ...args: Parameters<ProjectionsService['waitFor']>) {
          const waiting = originalWaitFor.apply(this, args);
          release();
          return waiting;
        };
        const res = await s.http().get(`/orders/${placed.orderId}`).query({ minPosition: paid.position });
        expect(res.status).toBe(200);
        expect([res.body.paymentStatus, res.body.version]).toEqual(['PAID', 2]);
      } finally {
        service.waitFor = originalWaitFor;
        release?.();
        await paused;
      }
    });
  });
});
