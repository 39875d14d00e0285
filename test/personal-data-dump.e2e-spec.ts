import { place } from './support/read-helpers.js';
import {
  customerWithOrders,
  dumpableDatabase,
  dumpDatabase,
  encodingsOf,
  orderFor,
  projectionsAt,
  uniqueCustomer,
} from './support/personal-data-helpers.js';
import { waitUntil } from './support/projection-helpers.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { TestReceiver } from './webhooks-receiver.js';
import { registerWebhook, WEBHOOK_TEST_CONFIG } from './webhooks-helpers.js';

/**
 * The proof of an erasure: a pg_dump of the app's whole database (events,
 * snapshots, keys, read models, webhook and idempotency tables, everything)
 * holds nothing of the erased customer, in any encoding the app writes.
 */
describe('Personal data: nothing left in a database dump after an erasure (e2e)', () => {
  let t: TestApp;
  let own: Awaited<ReturnType<typeof dumpableDatabase>>;

  beforeAll(async () => {
    own = await dumpableDatabase();
    t = await startTestApp({ ...WEBHOOK_TEST_CONFIG, snapshotEvery: 2, ...(own ? { databaseUrl: own.url } : {}) });
  });

  afterAll(async () => {
    await t.close();
    await own?.drop();
  });

  it('leaves none of their name, phone, address or notes, plain, JSON-escaped, base64 or hex, nor their blind index', async () => {
    const customer = uniqueCustomer('dumped');
    const neighbour = uniqueCustomer('neighbour');
    await customerWithOrders(t, customer);
    const [kept] = await customerWithOrders(t, neighbour);
    const receiver = await TestReceiver.start();
    try {
      await registerWebhook(t, receiver, ['OrderPlaced']);
      const hooked = await place(t, orderFor(customer), { 'Idempotency-Key': 'pii-dump-order' });
      await waitUntil(() => receiver.accepted.some((r) => r.body.orderId === hooked.orderId), { what: 'the webhook delivered the order' });
    } finally {
      await receiver.close();
    }
    await projectionsAt(t, kept.position);
    const before = await dumpDatabase(t);
    // The search sees the customer while they are there: the key rows and read model hold their blind index.
    expect(before).toContain(encodingsOf(t, customer).find(([what]) => what === 'blind index')![1]);

    const res = await t.http().post('/admin/customers/erase').set(t.staff).send({ phone: customer.typedPhone });
    expect(res.body).toEqual({ erasedOrders: 4, position: expect.any(Number) });
    await projectionsAt(t, res.body.position);

    const dump = await dumpDatabase(t);
    const found = encodingsOf(t, customer)
      .filter(([, form]) => dump.includes(form))
      .map(([what]) => what);
    expect(found).toEqual([]);
    expect(dump).toContain('[erased]');
    // The neighbour's data is still there, where the app shows it: the read model (and nowhere in plaintext in the log).
    expect(dump).toContain(neighbour.name);
  });
});
