import { findDiscount } from '../menu/discount-codes.js';
import { priceItems } from '../menu/pricing.js';
import { PizzaOrder } from '../orders/domain/pizza-order.js';
import { planSeed, type SeedStep } from './seed-plan.js';

const NOW = new Date('2026-11-22T20:15:00.000Z');
const DAY = 86_400_000;

/** Plays a plan through the aggregate itself: every step must be one the domain accepts. */
function play(steps: SeedStep[]): Map<number, PizzaOrder> {
  const orders = new Map<number, PizzaOrder>();
  for (const { at: now, order: n, action } of steps) {
    if (action.kind === 'place') {
      const order = PizzaOrder.place({
        orderId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
        customer: action.customer,
        items: priceItems(action.items),
        fulfilment: action.fulfilment,
        notes: action.notes ?? null,
        now,
      });
      orders.set(n, order);
      continue;
    }
    const order = orders.get(n)!;
    switch (action.kind) {
      case 'confirm':
        order.confirm({ estimatedReadyAt: action.estimatedReadyAt, kitchenNotes: action.kitchenNotes ?? null, now });
        break;
      case 'discount':
        order.applyDiscount({ discount: findDiscount(action.code)!, now });
        break;
      case 'pay':
        order.pay({ method: action.method, transactionId: null, now });
        break;
      case 'start-cooking':
        order.startCooking({ now });
        break;
      case 'ready':
        order.markReady({ now });
        break;
      case 'dispatch':
        order.dispatch({ courier: action.courier, now });
        break;
      case 'deliver':
        order.deliver({ now });
        break;
      case 'cancel':
        order.cancel({ reason: action.reason, by: action.by, now });
        break;
    }
  }
  return orders;
}

describe('seed plan', () => {
  const plan = planSeed({ days: 7, orders: 200, seed: 7, now: NOW });

  it('is the same for the same seed, and another for another', () => {
    expect(planSeed({ days: 7, orders: 200, seed: 7, now: NOW })).toEqual(plan);
    expect(planSeed({ days: 7, orders: 200, seed: 8, now: NOW })).not.toEqual(plan);
  });

  it('places every order once, within the last days and never in the future', () => {
    const places = plan.filter((step) => step.action.kind === 'place');
    expect(places).toHaveLength(200);
    for (const step of plan) {
      expect(step.at.getTime()).toBeLessThanOrEqual(NOW.getTime());
      expect(step.at.getTime()).toBeGreaterThanOrEqual(Math.floor(NOW.getTime() / DAY) * DAY - 7 * DAY);
    }
    const days = new Set(places.map((step) => step.at.toISOString().slice(0, 10)));
    expect(days.size).toBe(7);
  });

  it('is in time order, and every step is one the order accepts', () => {
    expect(plan.map((s) => s.at.getTime())).toEqual([...plan.map((s) => s.at.getTime())].sort((a, b) => a - b));
    const orders = play(plan);
    const statuses = new Set([...orders.values()].map((order) => order.status));
    for (const status of ['DELIVERED', 'PICKED_UP', 'CANCELLED']) expect(statuses).toContain(status);
    expect([...orders.values()].some((order) => order.paymentStatus === 'REFUNDED')).toBe(true);
  });
});
