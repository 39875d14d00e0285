import type { Response } from 'supertest';
import { expectError, placeOrder, staffPost, streamOf } from './support/orders-helpers.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const CONCURRENT = 20;

function tally(responses: Response[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const res of responses) {
    const key = res.status === 200 ? '200' : `${res.status} ${res.body?.code}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe('orders under concurrent writes (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it(`lets exactly one of ${CONCURRENT} concurrent confirms win; the others see ORDER_NOT_PENDING`, async () => {
    const orderId = await placeOrder(t);

    const responses = await Promise.all(
      Array.from({ length: CONCURRENT }, (_, i) =>
        staffPost(t, `/orders/${orderId}/confirm`, { kitchenNotes: `attempt ${i}` }, { 'X-Correlation-Id': `confirm-${i}` }),
      ),
    );

    expect(tally(responses)).toEqual({ '200': 1, '409 ORDER_NOT_PENDING': CONCURRENT - 1 });
    for (const res of responses.filter((candidate) => candidate.status !== 200)) {
      expectError(res, 409, 'ORDER_NOT_PENDING');
    }
    const winner = responses.find((res) => res.status === 200)!;
    expect(winner.body).toEqual({ orderId, version: 2, position: expect.any(Number) });

    const stream = await streamOf(t, orderId);
    expect(stream.map((event) => [event.type, event.version])).toEqual([
      ['OrderPlaced', 1],
      ['OrderConfirmed', 2],
    ]);
    expect(stream[1].position).toBe(winner.body.position);
    const attempt = /^confirm-(\d+)$/.exec(winner.headers['x-correlation-id'])![1];
    expect(stream[1].metadata.correlationId).toBe(`confirm-${attempt}`);
    expect(stream[1].data.kitchenNotes).toBe(`attempt ${attempt}`);
  });

  it(`answers one 200 and only 412 VERSION_MISMATCH to ${CONCURRENT} concurrent confirms with If-Match "1"`, async () => {
    const orderId = await placeOrder(t);

    const responses = await Promise.all(
      Array.from({ length: CONCURRENT }, () => staffPost(t, `/orders/${orderId}/confirm`, {}, { 'If-Match': '"1"' })),
    );

    expect(tally(responses)).toEqual({ '200': 1, '412 VERSION_MISMATCH': CONCURRENT - 1 });
    for (const res of responses.filter((candidate) => candidate.status !== 200)) {
      expectError(res, 412, 'VERSION_MISMATCH', ['currentVersion']);
      expect(res.body.currentVersion).toBe(2);
    }
    const stream = await streamOf(t, orderId);
    expect(stream.map((event) => [event.type, event.version])).toEqual([
      ['OrderPlaced', 1],
      ['OrderConfirmed', 2],
    ]);
  });

  it('never writes two different commands at the same version of a stream', async () => {
    const orderId = await placeOrder(t);

    const responses = await Promise.all([
      staffPost(t, `/orders/${orderId}/confirm`),
      staffPost(t, `/orders/${orderId}/pay`, { method: 'card' }),
      staffPost(t, `/orders/${orderId}/discount`, { code: 'PIZZA20' }),
      staffPost(t, `/orders/${orderId}/confirm`),
      staffPost(t, `/orders/${orderId}/pay`, { method: 'cash' }),
    ]);

    const stream = await streamOf(t, orderId);
    expect(stream.map((event) => event.version)).toEqual(stream.map((_, index) => index + 1));
    const successes = responses.filter((res) => res.status === 200);
    expect(stream).toHaveLength(1 + successes.length);
    expect(successes.map((res) => res.body.version).sort((a, b) => a - b)).toEqual(stream.slice(1).map((event) => event.version));
    expect(stream.filter((event) => event.type === 'OrderConfirmed')).toHaveLength(1);
    expect(stream.filter((event) => event.type === 'PaymentReceived')).toHaveLength(1);
  });

  it('never applies a discount after payment when pay and discount race (10 rounds)', async () => {
    for (let round = 0; round < 10; round++) {
      const orderId = await placeOrder(t);
      const [pay, discount] = await Promise.all([
        staffPost(t, `/orders/${orderId}/pay`, { method: 'card' }),
        staffPost(t, `/orders/${orderId}/discount`, { code: 'WELCOME10' }),
      ]);

      expect(pay.status).toBe(200);
      const stream = await streamOf(t, orderId);
      const types = stream.map((event) => event.type);
      const paidAt = types.indexOf('PaymentReceived');
      const discountedAt = types.indexOf('DiscountApplied');

      expect(paidAt).toBeGreaterThan(0);
      if (discount.status === 200) {
        expect(types).toEqual(['OrderPlaced', 'DiscountApplied', 'PaymentReceived']);
        expect(discountedAt).toBeLessThan(paidAt);
        // The payment was taken against the discounted total, not the list price.
        expect(stream[paidAt].data.amountCents).toBe(stream[0].data.subtotalCents - stream[discountedAt].data.discountCents);
        expect(pay.body.version).toBe(3);
      } else {
        expectError(discount, 409, 'ORDER_ALREADY_PAID');
        expect(types).toEqual(['OrderPlaced', 'PaymentReceived']);
        expect(stream[paidAt].data.amountCents).toBe(stream[0].data.subtotalCents);
        expect(pay.body.version).toBe(2);
      }
    }
  });

  it('never applies a discount after payment when a confirmed order is paid and discounted at once (10 rounds)', async () => {
    for (let round = 0; round < 10; round++) {
      const orderId = await placeOrder(t);
      const confirmed = await staffPost(t, `/orders/${orderId}/confirm`);
      expect(confirmed.status).toBe(200);

      const [discount, pay] = await Promise.all([
        staffPost(t, `/orders/${orderId}/discount`, { code: 'FIVEOFF' }),
        staffPost(t, `/orders/${orderId}/pay`, { method: 'cash' }),
      ]);

      expect(pay.status).toBe(200);
      expect([200, 409]).toContain(discount.status);
      const types = (await streamOf(t, orderId)).map((event) => event.type);
      if (types.includes('DiscountApplied')) {
        expect(discount.status).toBe(200);
        expect(types).toEqual(['OrderPlaced', 'OrderConfirmed', 'DiscountApplied', 'PaymentReceived']);
      } else {
        expectError(discount, 409, 'ORDER_ALREADY_PAID');
        expect(types).toEqual(['OrderPlaced', 'OrderConfirmed', 'PaymentReceived']);
      }
    }
  });
});
