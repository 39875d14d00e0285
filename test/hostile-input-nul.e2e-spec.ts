import { HOSTILE_INPUT_CONFIG, placeFixtureOrders } from './support/hostile-input/app.js';
import { countEvents } from './support/orders-helpers.js';
import { listen, send } from './support/raw-http.js';
import { STAFF_TOKEN } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

/**
 * A NUL character in any text a command stores: PostgreSQL keeps it in neither
 * text nor jsonb, so it is refused as invalid input before it reaches the event
 * store (the app and its orders as in hostile-input-routes).
 */
describe('hostile input: a NUL character in stored text (e2e)', () => {
  const t = useTestApp(HOSTILE_INPUT_CONFIG);
  let port: number;
  const fixture = { ids: [] as string[] };

  beforeAll(async () => {
    port = await listen(t.app);
    fixture.ids.push(...(await placeFixtureOrders(t)));
  });

  it('refuses a NUL character in any stored text of a valid command with 400 VALIDATION_FAILED, and writes nothing', async () => {
    // PostgreSQL stores NUL in neither text nor jsonb: once it reached the append it was a 500.
    const order = {
      customer: { name: 'Ana', phone: '+34 600 111 222', address: 'Calle Mayor 1' },
      items: [{ pizzaId: 'margherita', size: 'large', quantity: 1 }],
      fulfilment: 'delivery',
      notes: 'ring twice',
    };
    const withNul = (path: string[]): object => {
      const copy = JSON.parse(JSON.stringify(order)) as Record<string, unknown>;
      let at = copy;
      for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
      at[path[path.length - 1]] = 'a\u0000b';
      return copy;
    };
    const cases: Array<[string, object, Record<string, string>]> = [
      ...[['customer', 'name'], ['customer', 'phone'], ['customer', 'address'], ['notes']].map(
        (path): [string, object, Record<string, string>] => ['/orders', withNul(path), {}],
      ),
      ['/orders', { ...order, 'no\u0000key': 1 }, {}],
      [`/orders/${fixture.ids[0]}/cancel`, { reason: 'nul \u0000' }, { authorization: `Bearer ${STAFF_TOKEN}` }],
      [`/orders/${fixture.ids[0]}/confirm`, { kitchenNotes: '\u0000' }, { authorization: `Bearer ${STAFF_TOKEN}` }],
    ];
    const before = await countEvents(t);
    for (const [path, body, headers] of cases) {
      const res = await send(port, {
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
      expect({ path, body, status: res.status, code: (res.body as { code?: string } | undefined)?.code }).toEqual({
        path,
        body,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    }
    expect(await countEvents(t)).toBe(before);
  });
});
