import type { QueryConfig } from 'pg';
import { openDatabaseFixture, type DatabaseFixture } from '../../../test/support/database-fixture.js';
import type { Queryable } from '../../database/database.js';
import type { RecordedEvent } from '../../event-store/event-types.js';
import { liveTables } from '../../projections/projection.js';
import { cancelled, confirmed, iso, ORDER_ID, placed } from '../../../test/support/orders/order-fixtures.js';
import type { OrderEvent } from '../domain/order-events.js';
import { orderStreamId } from '../order-stream.js';
import { createHmac } from 'node:crypto';
import { CustomerDataErased } from '../../personal-data/personal-data-events.js';
import { orderDetailsProjection, type OrderDetailsRow, type PhoneIndexer } from './order-details.projection.js';
import { TableWriter } from '../../projections/table-writer.js';

let position = 0;
function recorded(event: OrderEvent, version: number, orderId = ORDER_ID): RecordedEvent {
  position++;
  const data = { ...event.data, orderId };
  return {
    eventId: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
    streamId: orderStreamId(orderId),
    version,
    position,
    transactionId: String(1000 + position),
    type: (event.constructor as unknown as { type: string }).type,
    storedSchemaVersion: 1,
    occurredAt: iso(version),
    metadata: {},
    event: Object.assign(Object.create(Object.getPrototypeOf(event) as object), event, { data }) as OrderEvent,
  };
}

/** The pool, noting the text of every statement a batch sends. */
function recording(fixture: DatabaseFixture, sent: string[]): Queryable {
  return {
    query: (config: string | QueryConfig, values?: unknown[]) => {
      sent.push(typeof config === 'string' ? config : config.text);
      return fixture.db.pool.query(config as QueryConfig, values);
    },
  } as unknown as Queryable;
}

describe('order-details projection on PostgreSQL', () => {
  let fixture: DatabaseFixture;
  const hash = (text: string) => createHmac('sha256', 'test-index-key').update(text).digest();
  const indexer: PhoneIndexer = {
    customerIndex: (phone) => hash(`customer:${phone}`),
    suffixIndex: (digits) => hash(`last4:${digits.slice(-4)}`),
    phoneSuffix: (phone) => phone.replace(/\D/g, '').slice(-4),
  };
  const projection = orderDetailsProjection(indexer);
  const tables = liveTables(projection);

  beforeAll(async () => {
    fixture = await openDatabaseFixture(4);
  });

  afterAll(() => fixture.close());

  const row = async (orderId: string) =>
    (await fixture.db.query<OrderDetailsRow>('SELECT * FROM order_details WHERE order_id = $1', [orderId]))[0];

  it('writes a batch of new orders without reading first', async () => {
    const sent: string[] = [];
    const ids = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'];
    await projection.apply(
      new TableWriter(recording(fixture, sent)),
      ids.map((id) => recorded(placed(), 1, id)),
      tables,
    );
    expect(sent.filter((text) => /^\s*SELECT/i.test(text))).toEqual([]);
    expect(sent).toHaveLength(1);
    for (const id of ids) expect(await row(id)).toMatchObject({ status: 'PENDING', version: 1 });
  });

  it('reads only the orders a batch did not place itself', async () => {
    const existing = '33333333-3333-4333-8333-333333333333';
    const fresh = '44444444-4444-4444-8444-444444444444';
    await projection.apply(new TableWriter(fixture.db.pool), [recorded(placed(), 1, existing)], tables);
    const sent: string[] = [];
    await projection.apply(
      new TableWriter(recording(fixture, sent)),
      [recorded(confirmed(), 2, existing), recorded(placed(), 1, fresh), recorded(confirmed(), 2, fresh), recorded(cancelled(), 3, fresh)],
      tables,
    );
    expect(sent.filter((text) => /^\s*SELECT/i.test(text))).toHaveLength(1);
    expect(await row(existing)).toMatchObject({ status: 'CONFIRMED', version: 2 });
    expect(await row(fresh)).toMatchObject({ status: 'CANCELLED', version: 3 });
  });

  it('never lets an OrderPlaced delivered again overwrite the newer row it did not read', async () => {
    const id = '55555555-5555-4555-8555-555555555555';
    await projection.apply(new TableWriter(fixture.db.pool), [recorded(placed(), 1, id), recorded(confirmed(), 2, id)], tables);
    await projection.apply(new TableWriter(fixture.db.pool), [recorded(placed(), 1, id)], tables);
    expect(await row(id)).toMatchObject({ status: 'CONFIRMED', version: 2 });
  });

  it("erases a customer's fields in place on CustomerDataErased: same version, no index left, and a replay cannot bring them back", async () => {
    const id = '66666666-6666-4666-8666-666666666666';
    await projection.apply(new TableWriter(fixture.db.pool), [recorded(placed(), 1, id), recorded(confirmed(), 2, id)], tables);
    const before = await row(id);
    expect(before.phone_index).toEqual(expect.stringMatching(/^[0-9a-f]{64}$/));
    position++;
    const erasure: RecordedEvent = {
      eventId: '00000000-0000-4000-8000-00000000ffff',
      streamId: 'personal-data-erasure-x',
      version: 1,
      position,
      transactionId: String(1000 + position),
      type: 'CustomerDataErased',
      storedSchemaVersion: 1,
      occurredAt: iso(3),
      metadata: {},
      event: new CustomerDataErased({
        erasureId: '00000000-0000-4000-8000-00000000fffe',
        reason: 'request',
        streamIds: [orderStreamId(id)],
        keyIds: [],
        erasedAt: iso(3),
      }),
    };
    await projection.apply(new TableWriter(fixture.db.pool), [erasure], tables);
    const after = await row(id);
    expect(after).toEqual({
      ...before,
      customer: { name: '[erased]', phone: '[erased]', address: before.customer.address === null ? null : '[erased]' },
      notes: before.notes === null ? null : '[erased]',
      phone_index: null,
      phone_suffix_index: null,
      personal_data_erased: true,
    });
    await projection.apply(new TableWriter(fixture.db.pool), [recorded(placed(), 1, id)], tables);
    expect(await row(id)).toEqual(after);
  });
});
