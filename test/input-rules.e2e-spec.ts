import { countEvents, expectError, placeOrder, streamOf } from './support/orders-helpers.js';
import { listen, send, type RawResponse } from './support/raw-http.js';
import { place, staffGet } from './support/read-helpers.js';
import { MARGHERITA_ORDER, STAFF_TOKEN, startTestApp, type TestApp } from './support/test-app.js';

/** Issue 14's findings, each pinned: text the database cannot store, depth, media types, order rules, messages, If-Match. */
describe('input rules (e2e)', () => {
  let t: TestApp;
  let port: number;
  const staff = { authorization: `Bearer ${STAFF_TOKEN}` };
  const json = { 'content-type': 'application/json' };

  beforeAll(async () => {
    t = await startTestApp();
    port = await listen(t.app);
  });

  afterAll(async () => {
    await t.close();
  });

  const post = (path: string, body: string | Buffer, headers: Record<string, string> = json): Promise<RawResponse> =>
    send(port, { method: 'POST', path, headers, body });
  const messages = (res: RawResponse): string[] => res.body?.message;

  describe('text PostgreSQL cannot store', () => {
    it('refuses a lone UTF-16 surrogate in any string or key of a body with 400 naming the field, writing nothing', async () => {
      const orderId = await placeOrder(t);
      const before = await countEvents(t);
      const order = JSON.stringify(MARGHERITA_ORDER);
      const cases: Array<[string, string, Record<string, string>, RegExp]> = [
        ['/orders', order.replace('"Ana"', '"An\\ud83d"'), json, /^customer\.name must be well-formed Unicode/],
        ['/orders', order.replace('"Calle Mayor 1, Madrid"', '"\\udc00 Calle"'), json, /^customer\.address must be well-formed Unicode/],
        ['/orders', order.replace('"extra-cheese"', '"\\ud83d\\ud83d"'), json, /^items\.0\.toppings\.0 must be well-formed Unicode/],
        ['/orders', order.replace('{"customer"', '{"\\ud800":1,"customer"'), json, /the key must be well-formed Unicode/],
        [`/orders/${orderId}/cancel`, '{"reason":"\\ud83d"}', json, /^reason must be well-formed Unicode/],
        [`/orders/${orderId}/confirm`, '{"kitchenNotes":"no \\ud83d"}', { ...json, ...staff }, /^kitchenNotes must be well-formed Unicode/],
        [
          '/menu/quote',
          '{"items":[{"pizzaId":"\\ud83d","size":"large","quantity":1}]}',
          json,
          /^items\.0\.pizzaId must be well-formed Unicode/,
        ],
      ];
      for (const [path, body, headers, message] of cases) {
        const res = await post(path, body, headers);
        expect({ path, status: res.status, code: res.body?.code }).toEqual({ path, status: 400, code: 'VALIDATION_FAILED' });
        expect(messages(res)).toEqual([expect.stringMatching(message)]);
      }
      // A well-formed pair (an emoji) is text like any other.
      expect((await post('/orders', order.replace('"Ana"', '"Ana \\ud83c\\udf55"'))).status).toBe(201);
      expect(await countEvents(t)).toBe(before + 1);
    });

    it('refuses a body that is not UTF-8, and a query or path whose percent-encoding is not UTF-8, with 400', async () => {
      const bytes = Buffer.concat([Buffer.from('{"customer":{"name":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}}')]);
      const body = await post('/orders', bytes);
      expectError(body, 400, 'VALIDATION_FAILED');
      expect(messages(body)).toEqual(['body must be UTF-8 encoded']);

      const query = await send(port, { method: 'GET', path: '/orders?phone=%ED%A0%BD', headers: staff });
      expectError(query, 400, 'VALIDATION_FAILED');
      expect(messages(query)).toEqual(['query parameter phone is not validly percent-encoded UTF-8']);
      const name = await send(port, { method: 'GET', path: '/menu?%ED%A0%BD=1' });
      expectError(name, 400, 'VALIDATION_FAILED');

      const path = await send(port, { method: 'GET', path: '/orders/%ED%A0%BD' });
      expectError(path, 400, 'VALIDATION_FAILED');
      expect(messages(path)).toEqual(['the path is not validly percent-encoded UTF-8']);
    });
  });

  describe('nesting', () => {
    const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

    it('refuses thousands of levels with 400 before any transformation runs, on public and staff routes, writing nothing', async () => {
      const before = await countEvents(t);
      const deep = `{"customer":${nested(5_000)},"items":[]}`;
      for (const [path, headers] of [
        ['/orders', json],
        ['/menu/quote', json],
        ['/admin/webhooks', { ...json, ...staff }],
      ] as const) {
        const res = await post(path, deep, headers);
        expect({ path, status: res.status, code: res.body?.code }).toEqual({ path, status: 400, code: 'VALIDATION_FAILED' });
        expect(messages(res)).toEqual(['body must not nest objects and arrays more than 8 levels deep']);
      }
      expect(await countEvents(t)).toBe(before);
    });

    it('takes 8 levels and refuses 9', async () => {
      expect(messages(await post('/menu/quote', nested(8)))).not.toContain('body must not nest objects and arrays more than 8 levels deep');
      expect(messages(await post('/menu/quote', nested(9)))).toEqual(['body must not nest objects and arrays more than 8 levels deep']);
    });
  });

  describe('media types', () => {
    it('answers a body sent without Content-Type, or as text or a form, 415 UNSUPPORTED_MEDIA_TYPE, writing nothing', async () => {
      const orderId = await placeOrder(t);
      const before = await countEvents(t);
      const order = JSON.stringify(MARGHERITA_ORDER);
      const mediaTypes: Array<Record<string, string>> = [
        {},
        { 'content-type': 'text/plain' },
        { 'content-type': 'application/x-www-form-urlencoded' },
      ];
      for (const headers of mediaTypes) {
        expectError(await post('/orders', order, headers), 415, 'UNSUPPORTED_MEDIA_TYPE');
        expectError(await post(`/orders/${orderId}/confirm`, '{}', { ...headers, ...staff }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      }
      expect(await countEvents(t)).toBe(before);
      // No body at all is no body: a command that takes none needs no media type.
      expect((await send(port, { method: 'POST', path: `/orders/${orderId}/confirm`, headers: staff })).status).toBe(200);
    });
  });

  describe('fulfilment and address', () => {
    it('refuses a delivery without an address, or with a blank one, naming customer.address, writing nothing', async () => {
      const before = await countEvents(t);
      const { address: _address, ...noAddress } = MARGHERITA_ORDER.customer;
      for (const customer of [noAddress, { ...noAddress, address: '   ' }]) {
        const res = await t
          .http()
          .post('/orders')
          .send({ ...MARGHERITA_ORDER, customer, fulfilment: 'delivery' });
        expectError(res, 400, 'VALIDATION_FAILED');
        expect(res.body.message).toEqual([expect.stringMatching(/customer\.address/)]);
      }
      expect(await countEvents(t)).toBe(before);
    });

    it('makes an order that names no fulfilment a delivery when it has an address, else a pickup', async () => {
      const { address: _address, ...noAddress } = MARGHERITA_ORDER.customer;
      const withAddress = await place(t, MARGHERITA_ORDER);
      const without = await place(t, { ...MARGHERITA_ORDER, customer: noAddress });
      expect((await streamOf(t, withAddress.orderId))[0].data).toMatchObject({
        fulfilment: 'delivery',
        customer: { address: 'Calle Mayor 1, Madrid' },
      });
      expect((await streamOf(t, without.orderId))[0].data).toMatchObject({ fulfilment: 'pickup', customer: { address: null } });
    });
  });

  describe('phone numbers', () => {
    it('takes a national number with brackets, stores it in E.164, and refuses what is not a number', async () => {
      const placed = await place(t, { ...MARGHERITA_ORDER, customer: { ...MARGHERITA_ORDER.customer, phone: '(020) 1234 5678' } });
      expect((await streamOf(t, placed.orderId))[0].data).toMatchObject({ customer: { phone: '+442012345678' } });
      for (const phone of ['1-----', '12', 'call me', '+1 2']) {
        const res = await t
          .http()
          .post('/orders')
          .send({ ...MARGHERITA_ORDER, customer: { ...MARGHERITA_ORDER.customer, phone } });
        expect({ phone, status: res.status, message: res.body.message }).toEqual({
          phone,
          status: 400,
          message: [expect.stringMatching(/^customer\.phone must be a phone number/)],
        });
      }
    });

    it('lets staff find orders by the last 4 or more digits of the phone, and refuses fewer', async () => {
      const mine = await place(t, { ...MARGHERITA_ORDER, customer: { ...MARGHERITA_ORDER.customer, phone: '+44 20 7946 3141' } });
      const other = await place(t, { ...MARGHERITA_ORDER, customer: { ...MARGHERITA_ORDER.customer, phone: '+44 20 7946 3142' } });
      for (const phone of ['3141', '946 3141', '020 7946 3141', '+44 20 7946 3141']) {
        const res = await staffGet(t, '/orders', { phone, minPosition: other.position });
        expect({ phone, ids: res.body.items.map((o: { orderId: string }) => o.orderId) }).toEqual({ phone, ids: [mine.orderId] });
      }
      const res = await staffGet(t, '/orders', { phone: '141' });
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.message).toEqual(['phone must be a phone number or its last digits: 4 to 15 of them']);
    });
  });

  describe('validation messages', () => {
    it('gives one clear message per field', async () => {
      const item = MARGHERITA_ORDER.items[0];
      const quantity = await t
        .http()
        .post('/orders')
        .send({ ...MARGHERITA_ORDER, items: [{ ...item, quantity: '2' }] });
      expect(quantity.body.message).toEqual(['items.0.quantity must be an integer number']);
      const name = await t
        .http()
        .post('/orders')
        .send({ ...MARGHERITA_ORDER, customer: { ...MARGHERITA_ORDER.customer, name: 123 } });
      expect(name.body.message).toEqual(['customer.name must be a string']);
      const blank = await t
        .http()
        .post('/orders')
        .send({ ...MARGHERITA_ORDER, customer: { ...MARGHERITA_ORDER.customer, name: '   ' } });
      expect(blank.body.message).toEqual(['customer.name should not be empty']);
      const position = await t.http().get('/menu').query({ minPosition: 'abc' });
      expect(position.status).toBe(200); // /menu takes no minPosition: unknown parameters are ignored
      const order = await t.http().get('/orders/00000000-0000-4000-8000-000000000000').query({ minPosition: 'abc' });
      expect(order.body.message).toEqual(['minPosition must be a whole number']);
    });

    it('trims names, addresses and notes before storing them', async () => {
      const placed = await place(t, {
        ...MARGHERITA_ORDER,
        customer: { ...MARGHERITA_ORDER.customer, name: '  Ana  ', address: ' Calle Mayor 1 ' },
        notes: ' ring ',
      });
      expect((await streamOf(t, placed.orderId))[0].data).toMatchObject({
        customer: { name: 'Ana', address: 'Calle Mayor 1' },
        notes: 'ring',
      });
    });
  });

  describe('null', () => {
    it('is no value for an optional field: 400 naming it, where it once reached a handler that expected a string or nothing (a 500 the fuzzer found)', async () => {
      const before = await countEvents(t);
      const quote = await post('/menu/quote', JSON.stringify({ items: MARGHERITA_ORDER.items, discountCode: null }));
      expect({ status: quote.status, message: messages(quote) }).toEqual({ status: 400, message: ['discountCode must be a string'] });
      const order = await post(
        '/orders',
        JSON.stringify({ ...MARGHERITA_ORDER, notes: null, customer: { ...MARGHERITA_ORDER.customer, address: null } }),
      );
      expect({ status: order.status, message: messages(order) }).toEqual({
        status: 400,
        message: ['customer.address must be a string', 'notes must be a string'],
      });
      const confirm = await post(`/orders/${await placeOrder(t)}/confirm`, JSON.stringify({ kitchenNotes: null }), { ...json, ...staff });
      expect({ status: confirm.status, message: messages(confirm) }).toEqual({ status: 400, message: ['kitchenNotes must be a string'] });
      expect(await countEvents(t)).toBe(before + 1);
    });
  });

  describe('If-Match', () => {
    it('never matches a weak tag (RFC 9110 strong comparison): 412 VERSION_MISMATCH with the current version, writing nothing', async () => {
      const orderId = await placeOrder(t);
      const before = await countEvents(t);
      const weak = await t.http().post(`/orders/${orderId}/confirm`).set(t.staff).set('If-Match', 'W/"1"').send({});
      expectError(weak, 412, 'VERSION_MISMATCH', ['currentVersion']);
      expect(weak.body.currentVersion).toBe(1);
      expect(await countEvents(t)).toBe(before);
      expect((await t.http().post(`/orders/${orderId}/confirm`).set(t.staff).set('If-Match', '"1"').send({})).status).toBe(200);
    });
  });

  describe('unknown query parameters', () => {
    it('are ignored on every GET, so a cache-buster never breaks a read', async () => {
      for (const path of ['/menu', '/events/schemas', '/health/live', '/admin/webhooks', '/admin/projections', '/kitchen/queue']) {
        const res = await t.http().get(path).set(t.staff).query({ _: '1733540000000' });
        expect({ path, status: res.status }).toEqual({ path, status: 200 });
      }
    });
  });
});
