import { STAFF_EVENT_CLASSES } from '../src/staff/staff-events.js';
import { Database } from '../src/database/database.js';
import { JSON_SCHEMA_DIALECT, validate } from '../src/event-store/json-schema.js';
import { EventStore } from '../src/event-store/event-store.js';
import { ORDER_EVENT_CLASSES } from '../src/orders/domain/order-events.js';
import { orderStreamId } from '../src/orders/order-stream.js';
import { CustomerDataErased } from '../src/personal-data/personal-data-events.js';
import { PersonalData } from '../src/personal-data/personal-data.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { busyEvening } from './webhooks-helpers.js';

describe('GET /events/schemas (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('publishes a draft 2020-12 schema for every event type at every version that can be stored, to anyone', async () => {
    const res = await t.http().get('/events/schemas');

    expect(res.status).toBe(200);
    expect(res.body.dialect).toBe(JSON_SCHEMA_DIALECT);
    const listed = res.body.events.map((e: any) => `${e.type} v${e.schemaVersion}${e.current ? '' : ` -> v${e.upcastTo}`}`);
    expect(listed.sort()).toEqual(
      [
        ...[...ORDER_EVENT_CLASSES, ...STAFF_EVENT_CLASSES, CustomerDataErased].map((c) => `${c.type} v${c.schemaVersion}`),
        'OrderPlaced v1 -> v2',
      ].sort(),
    );
    for (const entry of res.body.events) {
      expect(entry.schema).toMatchObject({
        $schema: JSON_SCHEMA_DIALECT,
        $id: `urn:pizzeria:event:${entry.type}:v${entry.schemaVersion}`,
        type: 'object',
        required: expect.any(Array),
        properties: expect.any(Object),
      });
    }
    expect(res.body.delivery).toMatchObject({ $schema: JSON_SCHEMA_DIALECT, required: expect.arrayContaining(['eventId', 'data']) });
  });

  it('matches what the store holds: every stored event, opened as readers get it, conforms to the schema of its stored version', async () => {
    const orders = await busyEvening(t);
    const { body } = await t.http().get('/events/schemas');
    const rows = await t.app
      .get(Database)
      .query<{ type: string; schema_version: number; data: unknown }>(
        'SELECT type, schema_version, data FROM events WHERE stream_id = ANY($1) ORDER BY position',
        [orders.map(orderStreamId)],
      );
    // The personal fields are stored sealed (see PersonalData): the schemas describe them opened.
    expect(rows.filter((row) => row.type === 'OrderPlaced').every((row) => '$personal' in (row.data as object))).toBe(true);
    await t.app.get(PersonalData).open(rows);

    expect(rows).toHaveLength(10);
    const problems = rows.flatMap((row) => {
      const entry = body.events.find((e: any) => e.type === row.type && e.schemaVersion === row.schema_version);
      return entry ? validate(entry.schema, row.data) : [`${row.type} v${row.schema_version} is not published`];
    });
    expect(problems).toEqual([]);
  });

  it('describes OrderPlaced v1 as stored before pickup orders, and its upcast as v2', async () => {
    const { body } = await t.http().get('/events/schemas');
    const schema = (version: number) => body.events.find((e: any) => e.type === 'OrderPlaced' && e.schemaVersion === version).schema;
    const [placed] = await t.app
      .get(Database)
      .query<{ type: string; schema_version: number; data: Record<string, unknown> }>(
        "SELECT type, schema_version, data FROM events WHERE type = 'OrderPlaced' AND schema_version = 2 LIMIT 1",
      );
    await t.app.get(PersonalData).open([placed]);
    const { fulfilment: _, ...v1 } = placed.data;

    expect(validate(schema(1), v1)).toEqual([]);
    expect(validate(schema(2), v1)).toEqual(['$.fulfilment: is required']);
    // What readers get for v1 data is the upcast, current shape.
    await t.app.get(Database).query(
      `INSERT INTO events (event_id, stream_id, version, type, schema_version, data, occurred_at)
       VALUES (gen_random_uuid(), 'order-legacy', 1, 'OrderPlaced', 1, $1::jsonb, now())`,
      [JSON.stringify({ ...v1, orderId: '3f1e5d7c-9b2a-4c6e-8d0f-1a3b5c7d9e2f' })],
    );
    const [legacy] = await t.app.get(EventStore).readStream('order-legacy');
    expect(validate(schema(2), legacy.event.data)).toEqual([]);
    expect(legacy.event.data).toMatchObject({ fulfilment: 'delivery' });
  });
});
