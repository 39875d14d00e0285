import { MENU, PIZZA_SIZES } from '../menu/menu.data.js';

export type SeedAction =
  | {
      kind: 'place';
      customer: { name: string; phone: string; address?: string };
      items: SeedItem[];
      fulfilment: 'delivery' | 'pickup';
      notes?: string;
    }
  | { kind: 'confirm'; estimatedReadyAt: string; kitchenNotes?: string }
  | { kind: 'discount'; code: string }
  | { kind: 'pay'; method: 'card' | 'cash' }
  | { kind: 'start-cooking' }
  | { kind: 'ready' }
  | { kind: 'dispatch'; courier: string }
  | { kind: 'deliver' }
  | { kind: 'cancel'; reason: string; by: 'customer' | 'staff' };

export interface SeedItem {
  pizzaId: string;
  size: (typeof PIZZA_SIZES)[number];
  quantity: number;
  toppings: string[];
}

export interface SeedStep {
  at: Date;
  /** Which order (0-based) the step belongs to. */
  order: number;
  action: SeedAction;
}

const MINUTE = 60_000;
const DAY = 86_400_000;
const NAMES = [
  'Ada',
  'Grace',
  'Alan',
  'Edsger',
  'Barbara',
  'Donald',
  'Margaret',
  'Ken',
  'Frances',
  'Dennis',
  'Radia',
  'Tim',
  'Hedy',
  'Linus',
  'Katherine',
  'Guido',
  'Annie',
  'Niklaus',
  'Shafi',
  'John',
];
const STREETS = ['Calle Mayor', 'Gran Via', 'Calle de Alcala', 'Paseo del Prado', 'Calle de Atocha', 'Calle de Serrano'];
const COURIERS = ['Luigi', 'Marta', 'Kofi', 'Ines'];
const DISCOUNTS = ['WELCOME10', 'PIZZA20', 'FIVEOFF'];

/** mulberry32: a small seeded generator, so `--seed` reproduces the same demo data. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * A few days of plausible trade, as commands in time order: orders placed
 * mostly around lunch and dinner (UTC), most confirmed, paid and delivered or
 * picked up, some cash on delivery, some discounted, a few cancelled (one in
 * fifty refunded). Steps that would fall after `now` are left out, so the last
 * hour's orders are still in the kitchen.
 */
export function planSeed(options: { days: number; orders: number; seed: number; now: Date }): SeedStep[] {
  const random = generator(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const between = (min: number, max: number) => min + random() * (max - min);
  const now = options.now.getTime();
  const today = Math.floor(now / DAY) * DAY;
  const steps: SeedStep[] = [];

  for (let order = 0; order < options.orders; order++) {
    const dayStart = today - Math.floor(random() * options.days) * DAY;
    const hour = random() < 0.45 ? between(12, 14.5) : random() < 0.8 ? between(19, 22) : between(11, 23);
    const placedAt = Math.min(dayStart + hour * 3_600_000, now - between(1, 90) * MINUTE);
    const own: Array<[number, SeedAction]> = [];
    let t = placedAt;
    const next = (minMinutes: number, maxMinutes: number) => (t += between(minMinutes, maxMinutes) * MINUTE);

    const name = pick(NAMES);
    const fulfilment = random() < 0.35 ? 'pickup' : 'delivery';
    own.push([
      t,
      {
        kind: 'place',
        customer: {
          name,
          phone: `+34 6${String(10 + NAMES.indexOf(name)).padStart(2, '0')} ${String(100 + (order % 900)).padStart(3, '0')} ${String(Math.floor(random() * 900) + 100)}`,
          ...(fulfilment === 'delivery' ? { address: `${pick(STREETS)} ${1 + Math.floor(random() * 120)}, Madrid` } : {}),
        },
        items: Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({
          pizzaId: pick(MENU.pizzas).id,
          size: random() < 0.2 ? 'small' : random() < 0.6 ? 'medium' : 'large',
          quantity: random() < 0.75 ? 1 : 2,
          toppings: random() < 0.6 ? [] : [pick(MENU.toppings).id],
        })),
        fulfilment,
        ...(random() < 0.15 ? { notes: 'Ring the bell twice' } : {}),
      },
    ]);

    const fate = random();
    if (fate < 0.06) {
      own.push([next(1, 5), { kind: 'cancel', reason: 'Ordered by mistake', by: 'customer' }]);
    } else if (fate < 0.08) {
      own.push([next(1, 2), { kind: 'pay', method: 'card' }]);
      own.push([next(1, 4), { kind: 'cancel', reason: 'Changed my mind', by: 'customer' }]);
    } else {
      const confirmedAt = next(2, 6);
      own.push([
        confirmedAt,
        {
          kind: 'confirm',
          estimatedReadyAt: new Date(confirmedAt + 25 * MINUTE).toISOString(),
          ...(random() < 0.1 ? { kitchenNotes: 'Extra crispy' } : {}),
        },
      ]);
      if (random() < 0.03) {
        own.push([next(1, 4), { kind: 'cancel', reason: 'Out of mozzarella', by: 'staff' }]);
      } else {
        if (random() < 0.15) own.push([next(0.5, 2), { kind: 'discount', code: pick(DISCOUNTS) }]);
        const cash = random() < 0.3;
        own.push([next(1, 3), cash ? { kind: 'start-cooking' } : { kind: 'pay', method: 'card' }]);
        own.push([next(12, 20), { kind: 'ready' }]);
        if (fulfilment === 'delivery') own.push([next(2, 6), { kind: 'dispatch', courier: pick(COURIERS) }]);
        own.push([next(fulfilment === 'delivery' ? 15 : 5, fulfilment === 'delivery' ? 30 : 25), { kind: 'deliver' }]);
        if (cash) own.push([next(0.1, 0.5), { kind: 'pay', method: 'cash' }]);
      }
    }
    for (const [at, action] of own) {
      if (at > now) break;
      steps.push({ at: new Date(Math.round(at)), order, action });
    }
  }
  return steps.sort((a, b) => a.at.getTime() - b.at.getTime() || a.order - b.order);
}
