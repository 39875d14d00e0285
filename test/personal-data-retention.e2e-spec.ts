import { Database } from '../src/database/database.js';
import { customerWithOrders, orderFor, projectionsAt, uniqueCustomer, type Customer } from './support/personal-data-helpers.js';
import { waitUntil } from './support/projection-helpers.js';
import { command, place, readOrder, type Written } from './support/read-helpers.js';
import { startSibling } from './support/sibling-app.js';
import { useTestApp } from './support/use-test-app.js';

const ERASED = '[erased]';

/**
 * PII_RETENTION_DAYS: the instance holding the retention lock erases, on its
 * schedule, the customers whose every order ended longer ago than that. The
 * orders are aged by moving their end back in the read model the task reads
 * (a test can not wait days), exactly as time would.
 */
describe('Personal data: retention (e2e)', () => {
  const t = useTestApp({ piiRetentionDays: 30, piiRetentionCheckSeconds: 1 });

  async function age(orders: readonly Written[], days: number): Promise<void> {
    await t.app
      .get(Database)
      .query(`UPDATE order_details SET updated_at = now() - make_interval(days => $2::int) WHERE order_id = ANY($1::uuid[])`, [
        orders.map((o) => o.orderId),
        days,
      ]);
  }

  const nameOf = async (written: Written) => (await readOrder(t, written.orderId, written.position)).customer.name as string;

  it('erases a customer once all their orders ended more than PII_RETENTION_DAYS ago, and not before; one with a recent order keeps theirs', async () => {
    const old: Customer = uniqueCustomer('aged');
    const recent: Customer = uniqueCustomer('recent');
    const open: Customer = uniqueCustomer('open');
    const oldOrders = await customerWithOrders(t, old);
    // The first of the three stays CONFIRMED: close it, so every one of them has ended.
    const closed = await command(t, oldOrders[0].orderId, 'cancel', { reason: 'kitchen closed' });
    const recentOrders = await customerWithOrders(t, recent);
    await command(t, recentOrders[0].orderId, 'cancel', { reason: 'kitchen closed' });
    const openOrder = await place(t, orderFor(open));
    const last = await command(t, openOrder.orderId, 'confirm', {});
    await projectionsAt(t, last.position);

    await age([...oldOrders], 31);
    await age(recentOrders.slice(0, 2), 31); // the third stays recent: the customer keeps their key
    await age([openOrder], 400); // old, but not ended

    await waitUntil(async () => (await nameOf({ ...oldOrders[1], position: closed.position })) === ERASED, {
      what: 'retention erased the aged customer',
      timeoutMs: 15_000,
    });
    const [erasure] = await t.app
      .get(Database)
      .query<{ data: { reason: string; streamIds: string[] } }>("SELECT data FROM events WHERE type = 'CustomerDataErased'");
    expect(erasure.data.reason).toBe('retention');
    expect(erasure.data.streamIds.sort()).toEqual(oldOrders.map((o) => `order-${o.orderId}`).sort());
    for (const o of recentOrders) expect(await nameOf(o)).toBe(recent.name);
    expect(await nameOf(openOrder)).toBe(open.name);

    // Once the last order ages out too, the customer goes.
    await age(recentOrders.slice(2), 31);
    await waitUntil(async () => (await nameOf(recentOrders[0])) === ERASED, { what: 'the recent customer erased', timeoutMs: 15_000 });
    expect(await nameOf(openOrder)).toBe(open.name);
  });

  it('runs in one instance at a time: two instances erase a customer once', async () => {
    const sibling = await startSibling(t);
    try {
      const customer = uniqueCustomer('twice');
      const written = await place(t, orderFor(customer));
      const ended = await command(t, written.orderId, 'cancel', { reason: 'no' });
      await projectionsAt(t, ended.position);
      await age([written], 31);
      await waitUntil(async () => (await nameOf({ ...written, position: ended.position })) === ERASED, {
        what: 'erased',
        timeoutMs: 15_000,
      });
      const rows = await t.app
        .get(Database)
        .query("SELECT 1 FROM events WHERE type = 'CustomerDataErased' AND data->'streamIds' ? $1", [`order-${written.orderId}`]);
      expect(rows).toHaveLength(1);
    } finally {
      await sibling.close();
    }
  });
});
