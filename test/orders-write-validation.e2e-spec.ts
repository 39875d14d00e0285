import { withItem } from './support/order-bodies.js';
import { expectError, expectValidationError, placeOrder, runSteps, staffPost } from './support/orders-helpers.js';
import { MARGHERITA_ORDER } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

describe('orders write side (e2e)', () => {
  const t = useTestApp();

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
});
