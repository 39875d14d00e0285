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

// The catalogue is data under a version so a price change is a reviewed edit
// here, and orders already placed keep the prices stored in their events.
export const MENU: Menu = {
  version: 1,
  pizzas: [
    {
      id: 'margherita',
      name: 'Margherita',
      description: 'San Marzano tomato, fior di latte, fresh basil, olive oil',
      priceCents: { small: 900, medium: 1200, large: 1500 },
    },
    {
      id: 'pepperoni',
      name: 'Pepperoni',
      description: 'Tomato, mozzarella, spicy pepperoni',
      priceCents: { small: 1050, medium: 1400, large: 1750 },
    },
    {
      id: 'quattro-formaggi',
      name: 'Quattro Formaggi',
      description: 'Mozzarella, gorgonzola, fontina and parmigiano, no tomato',
      priceCents: { small: 1150, medium: 1500, large: 1850 },
    },
    {
      id: 'diavola',
      name: 'Diavola',
      description: 'Tomato, mozzarella, hot salami, chilli flakes',
      priceCents: { small: 1100, medium: 1450, large: 1800 },
    },
    {
      id: 'funghi',
      name: 'Funghi',
      description: 'Tomato, mozzarella, roasted mushrooms, garlic, parsley',
      priceCents: { small: 1000, medium: 1300, large: 1600 },
    },
    {
      id: 'vegetariana',
      name: 'Vegetariana',
      description: 'Tomato, mozzarella, peppers, onions, olives, courgette',
      priceCents: { small: 1050, medium: 1350, large: 1650 },
    },
    {
      id: 'hawaiian',
      name: 'Hawaiian',
      description: 'Tomato, mozzarella, cooked ham, pineapple',
      priceCents: { small: 1050, medium: 1400, large: 1700 },
    },
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
