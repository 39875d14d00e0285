import { placeOrder, runSteps } from '../orders-helpers.js';
import type { TestApp } from '../test-app.js';

/** The app the hostile-input specs attack. */
export const HOSTILE_INPUT_CONFIG = {
  // Webhooks may only go to a host that never resolves: a random URL must not make the suite call out.
  webhookAllowedHosts: ['hooks.pizzeria.invalid'],
  readYourWritesTimeoutMs: 300,
};

/** A pending, a confirmed and a delivered order, in that order, for requests to name. */
export async function placeFixtureOrders(t: TestApp): Promise<string[]> {
  const pending = await placeOrder(t);
  const confirmed = await placeOrder(t);
  await runSteps(t, confirmed, [['confirm']]);
  const delivered = await placeOrder(t);
  await runSteps(t, delivered, [['confirm'], ['pay', { method: 'card' }], ['ready'], ['dispatch'], ['deliver']]);
  return [pending, confirmed, delivered];
}
