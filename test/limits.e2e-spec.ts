import { countEvents, expectError, expectNoLeaks, placeOrder } from './support/orders-helpers.js';
import { MARGHERITA_ORDER, startTestApp, type TestApp } from './support/test-app.js';

describe('limits and protective headers (e2e)', () => {
  describe('write rate limit', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({ writeRateLimitPerMinute: 3 });
    });

    afterAll(async () => {
      await t.close();
    });

    it('answers the 4th write of a minute from one address 429 TOO_MANY_REQUESTS with Retry-After, writing nothing', async () => {
      const first = await t.http().post('/orders').send(MARGHERITA_ORDER);
      expect(first.status).toBe(201);
      expect(first.headers.ratelimit).toMatch(/r=2/);
      expect(first.headers['ratelimit-policy']).toMatch(/q=3/);
      // A refused write counts as a write: the limit is on requests, not on successes.
      expect((await t.http().post('/orders').send({})).status).toBe(400);
      expect((await t.http().post('/orders').send(MARGHERITA_ORDER)).status).toBe(201);
      const events = await countEvents(t);

      const limited = await t.http().post('/orders').send(MARGHERITA_ORDER);
      expectError(limited, 429, 'TOO_MANY_REQUESTS');
      const retryAfter = Number(limited.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(limited.headers.ratelimit).toMatch(/r=0/);
      const keyed = await t.http().post('/orders').set('Idempotency-Key', 'rate-limited').send(MARGHERITA_ORDER);
      expectError(keyed, 429, 'TOO_MANY_REQUESTS');
      expect(await countEvents(t)).toBe(events);
    });

    it('does not limit reads, nor staff with a valid token; a wrong token is limited like a customer', async () => {
      for (let i = 0; i < 10; i++) expect((await t.http().get('/menu')).status).toBe(200);
      for (let i = 0; i < 5; i++) {
        const placed = await t.http().post('/orders').set(t.staff).send(MARGHERITA_ORDER);
        expect(placed.status).toBe(201);
        expect((await t.http().post(`/orders/${placed.body.orderId}/confirm`).set(t.staff).send({})).status).toBe(200);
      }
      const wrong = await t.http().post('/orders').set('Authorization', 'Bearer not-the-staff-token-at-all').send(MARGHERITA_ORDER);
      expectError(wrong, 429, 'TOO_MANY_REQUESTS');
    });
  });

  describe('the client address behind a proxy (TRUST_PROXY)', () => {
    const burst = async (t: TestApp, forwardedFor: string) => {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++)
        statuses.push((await t.http().post('/orders').set('X-Forwarded-For', forwardedFor).send(MARGHERITA_ORDER)).status);
      return statuses;
    };

    it('believes X-Forwarded-For from a trusted proxy: each client has its own limit, and the access log names it', async () => {
      const lines: string[] = [];
      const t = await startTestApp(
        { writeRateLimitPerMinute: 2, trustProxy: ['127.0.0.1', '::1', '::ffff:127.0.0.1'] },
        { logDestination: { write: (line: string) => lines.push(line) } },
      );
      try {
        expect(await burst(t, '203.0.113.5')).toEqual([201, 201, 429]);
        expect(await burst(t, '198.51.100.7')).toEqual([201, 201, 429]);
        const clients = lines
          .map((line) => JSON.parse(line) as { req?: { path: string }; client?: string })
          .filter((l) => l.req?.path === '/orders');
        expect(clients.map((l) => l.client)).toEqual([...Array(3).fill('203.0.113.5'), ...Array(3).fill('198.51.100.7')]);
      } finally {
        await t.close();
      }
    });

    it('ignores X-Forwarded-For by default: a client cannot pick a fresh address to escape the limit', async () => {
      const t = await startTestApp({ writeRateLimitPerMinute: 2 });
      try {
        expect(await burst(t, '203.0.113.5')).toEqual([201, 201, 429]);
        expect(await burst(t, '198.51.100.7')).toEqual([429, 429, 429]);
      } finally {
        await t.close();
      }
    });
  });

  describe('body limit, headers and media types', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp();
    });

    afterAll(async () => {
      await t.close();
    });

    it('answers a JSON body over the limit (64kb) 413 PAYLOAD_TOO_LARGE, on public and staff routes, writing nothing', async () => {
      const events = await countEvents(t);
      const huge = { ...MARGHERITA_ORDER, notes: 'x'.repeat(70 * 1024) };
      expectError(await t.http().post('/orders').send(huge), 413, 'PAYLOAD_TOO_LARGE');
      expectError(await t.http().post('/orders').set('Idempotency-Key', 'too-large').send(huge), 413, 'PAYLOAD_TOO_LARGE');
      const orderId = await placeOrder(t);
      const staff = await t
        .http()
        .post(`/orders/${orderId}/confirm`)
        .set(t.staff)
        .send({ kitchenNotes: 'y'.repeat(70 * 1024) });
      expectError(staff, 413, 'PAYLOAD_TOO_LARGE');
      expect(await countEvents(t)).toBe(events + 1);
      // Just under the limit is read, and then refused by validation for its field's own limit.
      const under = await t
        .http()
        .post('/orders')
        .send({ ...MARGHERITA_ORDER, notes: 'x'.repeat(60 * 1024) });
      expectError(under, 400, 'VALIDATION_FAILED');
    });

    it('answers a body in another charset 415 and malformed JSON 400, in the contract shape', async () => {
      const latin1 = await t
        .http()
        .post('/orders')
        .set('Content-Type', 'application/json; charset=latin1')
        .send(JSON.stringify(MARGHERITA_ORDER));
      expectError(latin1, 415, 'UNSUPPORTED_MEDIA_TYPE');
      const broken = await t.http().post('/orders').set('Content-Type', 'application/json').send('{"customer": ');
      expectError(broken, 400, 'VALIDATION_FAILED');
    });

    it("sends helmet's protective headers on every answer, successes and errors alike, and no X-Powered-By", async () => {
      const answers = [
        await t.http().get('/menu'),
        await t.http().post('/orders').send(MARGHERITA_ORDER),
        await t.http().get('/no-such-route'),
        await t.http().get('/orders'),
        await t.http().post('/orders').set('Content-Type', 'application/json').send('{'),
        // supertest sends a string as a form: a body that is not JSON is refused for its media type.
        await t.http().post('/orders').send('{'),
      ];
      expect(answers.map((r) => r.status)).toEqual([200, 201, 404, 401, 400, 415]);
      for (const res of answers) {
        expect(res.headers).toMatchObject({
          'x-content-type-options': 'nosniff',
          'x-frame-options': 'SAMEORIGIN',
          'referrer-policy': 'no-referrer',
          'cross-origin-opener-policy': 'same-origin',
          'cross-origin-resource-policy': 'same-origin',
          'x-dns-prefetch-control': 'off',
        });
        expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
        expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
        expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'self'/);
        expect(res.headers['x-powered-by']).toBeUndefined();
        if (res.status >= 400) expectNoLeaks(res);
      }
    });
  });
});
