import { Database } from '../../src/database/database.js';
import type { TestApp } from './test-app.js';

/** The same order with every object's keys in another order: the same request to the server. */
export const MARGHERITA_REORDERED = {
  items: [{ toppings: ['extra-cheese'], quantity: 2, size: 'large', pizzaId: 'margherita' }],
  customer: { address: 'Calle Mayor 1, Madrid', phone: '+34 600 111 222', name: 'Ana' },
};

/** A row of the idempotency_keys table, as the app keeps it. */
export interface KeyRow {
  key: string;
  fingerprint: string;
  status: string;
  response_status: number | null;
  created_at: Date;
  locked_until: Date;
  expires_at: Date;
}

/** The Idempotency-Key specs' ways to send a keyed POST and to read what the app keeps of a key. */
export function idempotencyHelpers(t: TestApp) {
  async function keyRow(key: string): Promise<KeyRow | undefined> {
    const [row] = await t.app.get(Database).query<KeyRow>('SELECT * FROM idempotency_keys WHERE key = $1', [key]);
    return row;
  }

  function post(path: string, key: string, body: object, app: TestApp = t) {
    return app.http().post(path).set('Idempotency-Key', key).send(body);
  }

  return { keyRow, post };
}
