import { MENU, type PizzaSize } from '../src/menu/menu.data.js';
import { withItem } from './support/order-bodies.js';
import { UUID, countEvents, expectValidationError, placeOrder, streamOf } from './support/orders-helpers.js';
import { MARGHERITA_ORDER } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

describe('orders write side (e2e)', () => {
  const t = useTestApp();

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
