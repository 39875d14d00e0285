import { AdvisoryLocks } from '../src/database/advisory-locks.js';
import { Database } from '../src/database/database.js';
import { EventRegistry } from '../src/event-store/event-registry.js';
import { EventStore } from '../src/event-store/event-store.js';
import { OrderConfirmed, OrderPlaced } from '../src/orders/domain/order-events.js';
import { registerOrderEvents, registerOrderPersonalData } from '../src/orders/order-stream.js';
import { ExistingEventsSealer } from '../src/personal-data/existing-events-sealer.js';
import { personalDataFor } from '../src/personal-data/personal-data.module.js';
import { PersonalData } from '../src/personal-data/personal-data.js';
import { ITEMS } from './support/orders/order-fixtures.js';
import { openDatabaseFixture, type DatabaseFixture } from './support/database-fixture.js';
import { waitUntil } from './support/projection-helpers.js';
import { orderFor, uniqueCustomer, type Customer } from './support/personal-data-helpers.js';
import { place, readOrder, staffGet } from './support/read-helpers.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { AppConfig } from '../src/config/app-config.js';
import { randomUUID } from 'node:crypto';

const ORDERS = 260;
const ERASED = '[erased]';

interface EventRow {
  position: string;
  event_id: string;
  stream_id: string;
  version: number;
  type: string;
  schema_version: number;
  data: Record<string, unknown>;
  metadata: unknown;
  occurred_at: Date;
  transaction_id: string;
}

const ALL =
  'SELECT position, event_id, stream_id, version, type, schema_version, data, metadata, occurred_at, transaction_id::text FROM events ORDER BY position';

/**
 * A store written before crypto-shredding (by the app's own store, with no
 * codec: as the previous version wrote) is sealed in place: the one sanctioned
 * rewrite of history. The proof: every column but `data` is byte-for-byte the
 * same, `data` opens to exactly what it held, and no plaintext is left.
 */
describe('Personal data: sealing the events of an existing store in place (e2e)', () => {
  let fixture: DatabaseFixture;
  let customers: Customer[];
  let orderIds: string[];
  let before: EventRow[];
  let t: TestApp | undefined;

  beforeAll(async () => {
    fixture = await openDatabaseFixture(8);
    const registry = new EventRegistry();
    registerOrderEvents(registry);
    const legacy = new EventStore(fixture.db, registry);
    customers = Array.from({ length: 5 }, (_, i) => uniqueCustomer(`legacy${i}`));
    orderIds = [];
    for (let i = 0; i < ORDERS; i++) {
      const customer = customers[i % customers.length];
      const orderId = randomUUID();
      orderIds.push(orderId);
      await legacy.append(
        `order-${orderId}`,
        [
          new OrderPlaced({
            orderId,
            customer: { name: customer.name, phone: customer.phone, address: i % 3 === 0 ? null : customer.address },
            items: ITEMS,
            fulfilment: i % 3 === 0 ? 'pickup' : 'delivery',
            notes: i % 2 === 0 ? customer.notes : null,
            subtotalCents: 4300,
            placedAt: new Date().toISOString(),
          }),
          new OrderConfirmed({ orderId, estimatedReadyAt: null, kitchenNotes: null, confirmedAt: new Date().toISOString() }),
        ],
        0,
        { metadata: { correlationId: `legacy-${i}`, actor: { kind: 'customer' } } },
      );
    }
    // A v1 OrderPlaced, as stored before pickup orders, and a plain snapshot.
    await fixture.db.query(
      `INSERT INTO events (event_id, stream_id, version, type, schema_version, data, metadata, occurred_at)
       VALUES ($1, $2, 1, 'OrderPlaced', 1, $3::jsonb, '{}', now())`,
      [
        randomUUID(),
        `order-${orderIds[0].slice(0, -4)}beef`,
        JSON.stringify({
          orderId: `${orderIds[0].slice(0, -4)}beef`,
          customer: { name: customers[0].name, phone: customers[0].typedPhone, address: customers[0].address },
          items: ITEMS,
          notes: null,
          subtotalCents: 4300,
          placedAt: new Date().toISOString(),
        }),
      ],
    );
    await fixture.db.query(
      `INSERT INTO snapshots (stream_id, version, type, schema_version, state) VALUES ($1, 2, 'PizzaOrder', 1, $2::jsonb)`,
      [`order-${orderIds[1]}`, JSON.stringify({ id: orderIds[1], customer: { name: customers[1].name } })],
    );
    before = await fixture.db.query<EventRow>(ALL);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await fixture.close();
  });

  it('refuses any other change to the log: events are append-only', async () => {
    await expect(fixture.db.query(`UPDATE events SET data = '{}' WHERE position = $1`, [before[0].position])).rejects.toThrow(
      /append-only/,
    );
    await expect(fixture.db.query(`DELETE FROM events WHERE position = $1`, [before[0].position])).rejects.toThrow(/append-only/);
    // Even the sealing's own flag allows only `data` to change.
    await expect(
      fixture.db.transaction(async (tx) => {
        await tx.query(`SELECT set_config('pizzeria.history_rewrite', 'seal-personal-data', true)`);
        await tx.query(`UPDATE events SET version = version WHERE position = $1`, [before[0].position]);
        await tx.query(`UPDATE events SET metadata = '{}' WHERE position = $1`, [before[0].position]);
      }),
    ).rejects.toThrow(/append-only/);
  });

  it('seals in batches, resumably: a run stopped after one batch goes on from where it stopped', async () => {
    const config = AppConfig.fromEnv({ NODE_ENV: 'test' }).with({ databaseUrl: fixture.testDatabase.url });
    const personalData = await personalDataFor(fixture.db, config);
    registerOrderPersonalData(personalData);
    const sealer = () => new ExistingEventsSealer(fixture.db, personalData, undefined as unknown as AdvisoryLocks, config);

    const first = await sealer().run({ batchSize: 100, maxBatches: 1 });
    expect(first.legacyThrough).toBe(Number(before[before.length - 1].position));
    expect(first.sealedThrough).toBe(Number(before[99].position));
    const partly = await fixture.db.query<EventRow>(ALL);
    const sealedNow = partly.map((row) => '$personal' in row.data);
    expect(sealedNow.slice(0, 100).filter((s, i) => !s && before[i].type === 'OrderPlaced')).toEqual([]);
    expect(sealedNow.slice(100).some(Boolean)).toBe(false);

    const progress: number[] = [];
    const rest = await sealer().run({ batchSize: 100, progress: (p) => progress.push(p.sealedThrough) });
    expect(rest.sealedThrough).toBe(rest.legacyThrough);
    expect(first.sealed + rest.sealed).toBe(ORDERS + 1);
    expect(progress.length).toBeGreaterThan(3);
    // Nothing left to do: a third run seals nothing.
    expect((await sealer().run()).sealed).toBe(0);

    const after = await fixture.db.query<EventRow>(ALL);
    const strip = ({ data: _, ...row }: EventRow) => row;
    expect(after.map(strip)).toEqual(before.map(strip));
    for (const row of after) {
      if (row.type === 'OrderPlaced') {
        expect(JSON.stringify(row.data)).not.toContain(customers[0].name.slice(0, 8));
        expect(row.data.$personal).toMatchObject({ key: row.event_id });
      } else {
        expect(row.data).toEqual(before.find((b) => b.position === row.position)!.data);
      }
    }
    await personalData.open(after);
    expect(after.map((row) => row.data)).toEqual(before.map((row) => row.data));
    const [keys] = await fixture.db.query<{ n: number }>('SELECT count(*)::int AS n FROM personal_data_keys');
    expect(keys.n).toBe(ORDERS + 1);
    expect(await fixture.db.query('SELECT stream_id FROM snapshots')).toEqual([]);
  });

  it('then serves the sealed orders as before: read models rebuilt with the blind index, search and erasure work on them', async () => {
    t = await startTestApp({ databaseUrl: fixture.testDatabase.url });
    const head = await t.app.get(EventStore).headPosition();
    const sample = orderIds[5];
    const order = await readOrder(t, sample, head);
    expect(order.customer.name).toBe(customers[0].name);
    const found = await staffGet(t, '/orders', { phone: customers[0].phone, minPosition: head, limit: 100 });
    expect(found.body.items.length).toBeGreaterThan(40);
    const erased = await t.http().post('/admin/customers/erase').set(t.staff).send({ phone: customers[0].phone });
    expect(erased.body.erasedOrders).toBe(ORDERS / 5 + 1);
    expect((await readOrder(t, sample, erased.body.position)).customer.name).toBe(ERASED);
  });

  it('runs online in the app after start-up, while orders are placed', async () => {
    // A second legacy batch: the keyring says which positions predate sealing, so widen it to cover these.
    const registry = new EventRegistry();
    registerOrderEvents(registry);
    const legacy = new EventStore(fixture.db, registry);
    for (let i = 0; i < 40; i++) {
      const orderId = randomUUID();
      await legacy.append(
        `order-${orderId}`,
        [
          new OrderPlaced({
            orderId,
            customer: { name: customers[1].name, phone: customers[1].phone, address: customers[1].address },
            items: ITEMS,
            fulfilment: 'delivery',
            notes: null,
            subtotalCents: 4300,
            placedAt: new Date().toISOString(),
          }),
        ],
        0,
      );
    }
    await fixture.db.query('UPDATE personal_data_keyring SET legacy_through = (SELECT max(position) FROM events)');
    await t!.close();
    t = undefined;
    const app = await startTestApp({ databaseUrl: fixture.testDatabase.url, projectionLockRetryMs: 50 });
    t = app;
    const placing = Promise.all(Array.from({ length: 10 }, () => place(app, orderFor(customers[2]))));
    const sealer = app.app.get(ExistingEventsSealer);
    await waitUntil(async () => {
      const state = await sealer.state();
      return state.sealedThrough >= state.legacyThrough;
    });
    await placing;
    const plain = await app.app
      .get(Database)
      .query("SELECT count(*)::int AS n FROM events WHERE type = 'OrderPlaced' AND NOT (data ? '$personal')");
    expect(plain).toEqual([{ n: 0 }]);
    expect(app.app.get(PersonalData)).toBeDefined();
  });
});
