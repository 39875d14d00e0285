import { Database } from '../src/database/database.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('POST /menu/quote (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(() => t.close());

  async function eventCount(): Promise<number> {
    const [row] = await t.app.get(Database).query<{ count: string }>('SELECT count(*) AS count FROM events');
    return Number(row.count);
  }

  it('prices a basket with the rules POST /orders applies, and writes nothing', async () => {
    const before = await eventCount();
    const res = await t
      .http()
      .post('/menu/quote')
      .send({
        items: [
          { pizzaId: 'margherita', size: 'large', quantity: 2, toppings: ['extra-cheese'] },
          { pizzaId: 'diavola', size: 'small', quantity: 1 },
        ],
      });
    expect(res.status).toBe(200);
    const placed = await t
      .http()
      .post('/orders')
      .send({
        customer: { name: 'Ana', phone: '+34 600 111 222' },
        items: [
          { pizzaId: 'margherita', size: 'large', quantity: 2, toppings: ['extra-cheese'] },
          { pizzaId: 'diavola', size: 'small', quantity: 1 },
        ],
      });
    const order = await t.http().get(`/orders/${placed.body.orderId}`).query({ minPosition: placed.body.position });
    expect(res.body.items).toEqual(order.body.items);
    expect(res.body.subtotalCents).toBe(order.body.subtotalCents);
    expect(res.body).toMatchObject({ discountCents: 0, totalCents: order.body.totalCents });
    expect(await eventCount()).toBe(before + 1);
  });

  it('prices a discount code in, capped at the subtotal', async () => {
    const res = await t
      .http()
      .post('/menu/quote')
      .send({ items: [{ pizzaId: 'margherita', size: 'small', quantity: 1 }], discountCode: 'welcome10' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ subtotalCents: 900, discountCents: 90, totalCents: 810 });
    const fixed = await t
      .http()
      .post('/menu/quote')
      .send({ items: [{ pizzaId: 'margherita', size: 'small', quantity: 1 }], discountCode: 'TENOFF' });
    expect(fixed.body).toMatchObject({ subtotalCents: 900, discountCents: 900, totalCents: 0 });
  });

  it('answers bad baskets and codes with the contract errors', async () => {
    const empty = await t.http().post('/menu/quote').send({ items: [] });
    expect(empty.status).toBe(400);
    expect(empty.body.code).toBe('VALIDATION_FAILED');
    const unknown = await t
      .http()
      .post('/menu/quote')
      .send({ items: [{ pizzaId: 'calzone', size: 'large', quantity: 1 }] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message.join(' ')).toMatch(/calzone/);
    const code = await t
      .http()
      .post('/menu/quote')
      .send({ items: [{ pizzaId: 'margherita', size: 'large', quantity: 1 }], discountCode: 'FREEPIZZA' });
    expect(code.status).toBe(400);
    expect(code.body.code).toBe('DISCOUNT_CODE_UNKNOWN');
  });
});
