import { MenuError } from './menu-error.js';
import { MENU } from './menu.data.js';
import { computeDiscountCents, priceItems } from './pricing.js';

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof MenuError) return error.problems;
    throw error;
  }
  throw new Error('expected a MenuError');
}

describe('menu data', () => {
  it('has unique ids and positive integer prices', () => {
    const pizzaIds = MENU.pizzas.map((pizza) => pizza.id);
    const toppingIds = MENU.toppings.map((topping) => topping.id);
    expect(new Set(pizzaIds).size).toBe(pizzaIds.length);
    expect(new Set(toppingIds).size).toBe(toppingIds.length);
    expect(pizzaIds.length).toBeGreaterThanOrEqual(6);
    expect(toppingIds.length).toBeGreaterThanOrEqual(8);
    const prices = [
      ...MENU.pizzas.flatMap((pizza) => Object.values(pizza.priceCents)),
      ...MENU.toppings.map((topping) => topping.priceCents),
    ];
    for (const price of prices) {
      expect(Number.isInteger(price)).toBe(true);
      expect(price).toBeGreaterThan(0);
    }
  });

  it('prices a bigger pizza higher', () => {
    for (const { priceCents } of MENU.pizzas) {
      expect(priceCents.small).toBeLessThan(priceCents.medium);
      expect(priceCents.medium).toBeLessThan(priceCents.large);
    }
  });
});

describe('priceItems', () => {
  it('prices a plain pizza from the size price', () => {
    expect(priceItems([{ pizzaId: 'margherita', size: 'medium', quantity: 2 }])).toEqual([
      {
        pizzaId: 'margherita',
        name: 'Margherita',
        size: 'medium',
        quantity: 2,
        toppings: [],
        unitPriceCents: 1200,
        lineTotalCents: 2400,
      },
    ]);
  });

  it('adds every topping to the unit price and multiplies by quantity', () => {
    const [item] = priceItems([{ pizzaId: 'margherita', size: 'large', quantity: 3, toppings: ['extra-cheese', 'olives'] }]);
    expect(item.unitPriceCents).toBe(1500 + 150 + 100);
    expect(item.lineTotalCents).toBe(3 * 1750);
    expect(item.toppings).toEqual(['extra-cheese', 'olives']);
  });

  it('keeps the order of the items', () => {
    const priced = priceItems([
      { pizzaId: 'diavola', size: 'small', quantity: 1 },
      { pizzaId: 'hawaiian', size: 'large', quantity: 1 },
    ]);
    expect(priced.map((item) => item.pizzaId)).toEqual(['diavola', 'hawaiian']);
  });

  it('returns nothing for no items (the aggregate decides that an order needs one)', () => {
    expect(priceItems([])).toEqual([]);
  });

  it('rejects an unknown pizza', () => {
    expect(problemsOf(() => priceItems([{ pizzaId: 'calzone', size: 'small', quantity: 1 }]))).toEqual([
      'items.0.pizzaId "calzone" is not on the menu',
    ]);
  });

  it('rejects an unknown size', () => {
    expect(problemsOf(() => priceItems([{ pizzaId: 'funghi', size: 'huge', quantity: 1 }]))).toEqual([
      'items.0.size "huge" is not one of small, medium, large',
    ]);
  });

  it('rejects an unknown topping', () => {
    const items = [{ pizzaId: 'funghi', size: 'small', quantity: 1, toppings: ['basil', 'gold-leaf'] }];
    expect(problemsOf(() => priceItems(items))).toEqual(['items.0.toppings.1 "gold-leaf" is not on the menu']);
  });

  it('rejects a topping listed twice in one item', () => {
    const items = [{ pizzaId: 'funghi', size: 'small', quantity: 1, toppings: ['olives', 'olives'] }];
    expect(problemsOf(() => priceItems(items))).toEqual(['items.0.toppings.1 "olives" is listed more than once']);
  });

  it('names every bad field at once, by item index', () => {
    const problems = problemsOf(() =>
      priceItems([
        { pizzaId: 'margherita', size: 'small', quantity: 1 },
        { pizzaId: 'calzone', size: 'xl', quantity: 1, toppings: ['caviar'] },
      ]),
    );
    expect(problems).toEqual([
      'items.1.pizzaId "calzone" is not on the menu',
      'items.1.size "xl" is not one of small, medium, large',
      'items.1.toppings.0 "caviar" is not on the menu',
    ]);
  });

  it('uses the problems as the error message', () => {
    expect(() => priceItems([{ pizzaId: 'calzone', size: 'small', quantity: 1 }])).toThrow('items.0.pizzaId "calzone" is not on the menu');
  });
});

describe('computeDiscountCents', () => {
  it('takes a percentage of the subtotal, rounded to the nearest cent', () => {
    expect(computeDiscountCents({ code: 'WELCOME10', kind: 'percent', percent: 10 }, 4300)).toBe(430);
    expect(computeDiscountCents({ code: 'WELCOME10', kind: 'percent', percent: 10 }, 1245)).toBe(125);
  });

  it('takes a fixed amount off', () => {
    expect(computeDiscountCents({ code: 'FIVEOFF', kind: 'fixed', amountCents: 500 }, 4300)).toBe(500);
  });

  it('never takes off more than the subtotal', () => {
    expect(computeDiscountCents({ code: 'TENOFF', kind: 'fixed', amountCents: 1000 }, 900)).toBe(900);
  });
});
