import type { Discount } from './discount-codes.js';
import { MenuError } from './menu-error.js';
import { MENU, PIZZA_SIZES, type MenuTopping, type PizzaSize } from './menu.data.js';

/** How many of one line a basket may hold. */
export const MIN_ITEM_QUANTITY = 1;
export const MAX_ITEM_QUANTITY = 20;

export interface ItemRequest {
  pizzaId: string;
  size: string;
  quantity: number;
  toppings?: string[];
}

export interface PricedItem {
  pizzaId: string;
  name: string;
  size: PizzaSize;
  quantity: number;
  toppings: string[];
  unitPriceCents: number;
  lineTotalCents: number;
}

const TOPPINGS_BY_ID = new Map<string, MenuTopping>(MENU.toppings.map((topping) => [topping.id, topping]));

function isPizzaSize(size: string): size is PizzaSize {
  return (PIZZA_SIZES as readonly string[]).includes(size);
}

// Prices come from the server's menu only. Every bad field is collected before
// throwing so the 400 response can name all of them.
export function priceItems(items: ItemRequest[]): PricedItem[] {
  const problems: string[] = [];
  const priced: PricedItem[] = [];

  items.forEach((item, index) => {
    const at = `items.${index}`;
    const pizza = MENU.pizzas.find((candidate) => candidate.id === item.pizzaId);
    if (!pizza) problems.push(`${at}.pizzaId "${item.pizzaId}" is not on the menu`);
    if (!isPizzaSize(item.size)) problems.push(`${at}.size "${item.size}" is not one of ${PIZZA_SIZES.join(', ')}`);

    const toppingIds = item.toppings ?? [];
    let toppingsCents = 0;
    const seen = new Set<string>();
    toppingIds.forEach((toppingId, toppingIndex) => {
      const topping = TOPPINGS_BY_ID.get(toppingId);
      if (!topping) {
        problems.push(`${at}.toppings.${toppingIndex} "${toppingId}" is not on the menu`);
      } else if (seen.has(toppingId)) {
        problems.push(`${at}.toppings.${toppingIndex} "${toppingId}" is listed more than once`);
      } else {
        toppingsCents += topping.priceCents;
      }
      seen.add(toppingId);
    });

    if (!pizza || !isPizzaSize(item.size)) return;
    const unitPriceCents = pizza.priceCents[item.size] + toppingsCents;
    priced.push({
      pizzaId: pizza.id,
      name: pizza.name,
      size: item.size,
      quantity: item.quantity,
      toppings: [...toppingIds],
      unitPriceCents,
      lineTotalCents: unitPriceCents * item.quantity,
    });
  });

  if (problems.length > 0) throw new MenuError(problems);
  return priced;
}

// Never more than the subtotal, so a total can not go negative.
export function computeDiscountCents(discount: Discount, subtotalCents: number): number {
  const raw = discount.kind === 'percent' ? Math.round((subtotalCents * discount.percent) / 100) : discount.amountCents;
  return Math.max(0, Math.min(raw, subtotalCents));
}
