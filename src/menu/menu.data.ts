export const PIZZA_SIZES = ['small', 'medium', 'large'] as const;
export type PizzaSize = (typeof PIZZA_SIZES)[number];

export interface MenuPizza {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly priceCents: Readonly<Record<PizzaSize, number>>;
}

export interface MenuTopping {
  readonly id: string;
  readonly name: string;
  readonly priceCents: number;
}

export interface Menu {
  readonly version: number;
  readonly pizzas: readonly MenuPizza[];
  readonly toppings: readonly MenuTopping[];
}

/** A pizza of the catalogue, its prices in cents for small, medium and large. */
function pizza(id: string, name: string, description: string, [small, medium, large]: [number, number, number]): MenuPizza {
  return { id, name, description, priceCents: { small, medium, large } };
}

// The catalogue is data under a version so a price change is a reviewed edit
// here, and orders already placed keep the prices stored in their events.
export const MENU: Menu = {
  version: 1,
  pizzas: [
    pizza('margherita', 'Margherita', 'San Marzano tomato, fior di latte, fresh basil, olive oil', [900, 1200, 1500]),
    pizza('pepperoni', 'Pepperoni', 'Tomato, mozzarella, spicy pepperoni', [1050, 1400, 1750]),
    pizza('quattro-formaggi', 'Quattro Formaggi', 'Mozzarella, gorgonzola, fontina and parmigiano, no tomato', [1150, 1500, 1850]),
    pizza('diavola', 'Diavola', 'Tomato, mozzarella, hot salami, chilli flakes', [1100, 1450, 1800]),
    pizza('funghi', 'Funghi', 'Tomato, mozzarella, roasted mushrooms, garlic, parsley', [1000, 1300, 1600]),
    pizza('vegetariana', 'Vegetariana', 'Tomato, mozzarella, peppers, onions, olives, courgette', [1050, 1350, 1650]),
    pizza('hawaiian', 'Hawaiian', 'Tomato, mozzarella, cooked ham, pineapple', [1050, 1400, 1700]),
  ],
  toppings: [
    { id: 'extra-cheese', name: 'Extra cheese', priceCents: 150 },
    { id: 'mushrooms', name: 'Mushrooms', priceCents: 100 },
    { id: 'olives', name: 'Olives', priceCents: 100 },
    { id: 'onions', name: 'Red onions', priceCents: 75 },
    { id: 'peppers', name: 'Peppers', priceCents: 100 },
    { id: 'ham', name: 'Cooked ham', priceCents: 175 },
    { id: 'pineapple', name: 'Pineapple', priceCents: 100 },
    { id: 'jalapenos', name: 'Jalapeños', priceCents: 100 },
    { id: 'basil', name: 'Fresh basil', priceCents: 50 },
    { id: 'anchovies', name: 'Anchovies', priceCents: 150 },
  ],
};
