import { MARGHERITA_ORDER } from './test-app.js';

/** MARGHERITA_ORDER, collected by the customer instead of delivered. */
export const PICKUP_ORDER = { ...MARGHERITA_ORDER, fulfilment: 'pickup' };

/** MARGHERITA_ORDER with its one item changed (or given extra fields). */
export function withItem(item: Record<string, unknown>) {
  return { ...MARGHERITA_ORDER, items: [{ ...MARGHERITA_ORDER.items[0], ...item }] };
}
