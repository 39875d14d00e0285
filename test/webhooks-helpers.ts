import { Database } from '../src/database/database.js';
import { EventStore } from '../src/event-store/event-store.js';
import { validate, type JsonSchema } from '../src/event-store/json-schema.js';
import { orderStreamId } from '../src/orders/order-stream.js';
import { placeOrder, runSteps } from './support/orders-helpers.js';
import { waitUntil } from './support/projection-helpers.js';
import { MARGHERITA_ORDER, type TestApp } from './support/test-app.js';
import type { TestReceiver } from './webhooks-receiver.js';

/** Webhook settings for the e2e apps: deliveries to loopback allowed, retries quick. */
export const WEBHOOK_TEST_CONFIG = {
  webhookAllowedHosts: ['127.0.0.1'],
  webhookRetryMaxMs: 20,
  webhookTimeoutMs: 3_000,
};

export interface LoggedEvent {
  eventId: string;
  type: string;
  streamId: string;
  version: number;
  position: number;
}

/**
 * Registers a webhook once every committed event is readable by the log's
 * readers. A webhook starts at the readable head, so an event committed just
 * before, while some older transaction was still open, would be delivered too
 * (never one committed after it is missed); waiting makes "only events after
 * registration" exact for the test.
 */
export async function registerWebhook(
  t: TestApp,
  receiver: TestReceiver,
  eventTypes: string[] = ['*'],
  extra: Record<string, unknown> = {},
): Promise<{ id: string; secret: string; position: number }> {
  const store = t.app.get(EventStore);
  const db = t.app.get(Database);
  // Settled: no event lies past the newest checkpoint a reader can stand on (no open transaction holds one back).
  const eventsPast = async (): Promise<number> => {
    const head = await store.headCheckpoint();
    const [row] = await db.query<{ count: string }>(
      'SELECT count(*) AS count FROM events WHERE (transaction_id, position) > ($1::xid8, $2::bigint)',
      [head.transactionId, head.position],
    );
    return Number(row.count);
  };
  await waitUntil(async () => (await eventsPast()) === 0, { what: 'the log has settled' });
  const res = await t
    .http()
    .post('/admin/webhooks')
    .set(t.staff)
    .send({ url: receiver.url, eventTypes, ...extra });
  if (res.status !== 201) throw new Error(`registering a webhook failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function webhookInfo(t: TestApp, id: string): Promise<Record<string, any>> {
  const res = await t.http().get(`/admin/webhooks/${id}`).set(t.staff);
  if (res.status !== 200) throw new Error(`GET /admin/webhooks/${id} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * Two orders whose commands interleave, so the log mixes their streams: a
 * delivery order taken all the way, and a discounted pickup order cancelled
 * by staff after it was confirmed. Ten events; returns the order ids.
 */
export async function busyEvening(t: TestApp): Promise<string[]> {
  const delivered = await placeOrder(t);
  const cancelled = await placeOrder(t, { ...MARGHERITA_ORDER, fulfilment: 'pickup' });
  await runSteps(t, delivered, [['confirm', { kitchenNotes: 'well done' }]]);
  await runSteps(t, cancelled, [['discount', { code: 'WELCOME10' }], ['confirm']]);
  await runSteps(t, delivered, [['pay', { method: 'card' }], ['ready'], ['dispatch', { courier: 'Luigi' }]]);
  await runSteps(t, cancelled, [['cancel', { reason: 'the oven broke' }]]);
  await runSteps(t, delivered, [['deliver']]);
  return [delivered, cancelled];
}

/** The orders' events in the order every reader of the log sees them: (transaction id, position). */
export async function logOf(t: TestApp, orderIds: readonly string[]): Promise<LoggedEvent[]> {
  const rows = await t.app.get(Database).query(
    `SELECT event_id, type, stream_id, version, position FROM events
      WHERE stream_id = ANY($1) ORDER BY transaction_id, position`,
    [orderIds.map(orderStreamId)],
  );
  return rows.map((row) => ({
    eventId: row.event_id,
    type: row.type,
    streamId: row.stream_id,
    version: row.version,
    position: Number(row.position),
  }));
}

/** Problems of each delivered event's data against the published schema of its type and version. */
export function schemaProblems(
  published: Array<{ type: string; schemaVersion: number; schema: JsonSchema }>,
  bodies: ReadonlyArray<Record<string, any>>,
): string[] {
  return bodies.flatMap((body) => {
    const entry = published.find((e) => e.type === body.type && e.schemaVersion === body.schemaVersion);
    if (!entry) return [`${body.type} v${body.schemaVersion}: no published schema`];
    return validate(entry.schema, body.data).map((problem) => `${body.type} v${body.schemaVersion} ${problem}`);
  });
}
