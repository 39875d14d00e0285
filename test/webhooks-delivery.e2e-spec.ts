import { placeOrder, runSteps } from './support/orders-helpers.js';
import { waitUntil } from './support/projection-helpers.js';
import { useTestApp } from './support/use-test-app.js';
import { useWebhookReceivers } from './support/webhook-receivers.js';
import { WEBHOOK_TEST_CONFIG, busyEvening, logOf, schemaProblems, webhookInfo } from './webhooks-helpers.js';
import { hasValidSignature, signaturesOf } from './webhooks-receiver.js';

const DELIVERY_FIELDS = ['data', 'eventId', 'occurredAt', 'orderId', 'position', 'schemaVersion', 'type', 'version'];

describe('webhooks (e2e)', () => {
  const t = useTestApp(WEBHOOK_TEST_CONFIG);
  const { receiver, register } = useWebhookReceivers(t);
  let published: any[];

  beforeAll(async () => {
    published = (await t.http().get('/events/schemas')).body.events;
  });

  describe('deliveries', () => {
    it('delivers every event after registration, signed, in log order, in the contract shape', async () => {
      const before = await placeOrder(t);
      const to = await receiver();
      const webhook = await register(to);
      const orders = await busyEvening(t);
      const expected = await logOf(t, orders);
      expect(expected).toHaveLength(10);

      await waitUntil(() => to.accepted.length >= expected.length, { what: 'all ten events are delivered' });

      expect(to.acceptedEventIds()).toEqual(expected.map((event) => event.eventId));
      // At least once: whatever was sent, a redelivery included, is signed and in the contract shape.
      for (const request of to.requests) {
        const event = expected.find((e) => e.eventId === request.body.eventId)!;
        expect(hasValidSignature(request, webhook.secret)).toBe(true);
        // Never rotated: the one `sha256=<hex>` value, as before rotation existed.
        expect(signaturesOf(request)).toEqual([expect.stringMatching(/^sha256=[0-9a-f]{64}$/)]);
        expect(Object.keys(request.body).sort()).toEqual(DELIVERY_FIELDS);
        expect(request.body).toMatchObject({
          eventId: event.eventId,
          type: event.type,
          orderId: event.streamId.replace(/^order-/, ''),
          version: event.version,
          position: event.position,
          occurredAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
          data: expect.objectContaining({ orderId: event.streamId.replace(/^order-/, '') }),
        });
        expect(request.headers).toMatchObject({
          'content-type': 'application/json',
          'x-pizzeria-event-id': event.eventId,
          'x-pizzeria-event-type': event.type,
          'x-pizzeria-webhook-id': webhook.id,
        });
      }
      expect(to.requests.map((r) => r.body.orderId)).not.toContain(before);
      expect(
        schemaProblems(
          published,
          to.requests.map((r) => r.body),
        ),
      ).toEqual([]);
      const current = new Map(published.filter((e) => e.current).map((e) => [e.type, e.schemaVersion]));
      for (const request of to.requests) expect(request.body.schemaVersion).toBe(current.get(request.body.type));

      // The checkpoint is saved right after each 2xx: wait for the last one.
      await waitUntil(async () => (await webhookInfo(t, webhook.id)).lagEvents === 0);
      expect(await webhookInfo(t, webhook.id)).toMatchObject({
        position: expected[expected.length - 1].position,
        status: 'active',
        deliveredCount: expected.length,
        lastDeliveredAt: expect.any(String),
      });
    });

    it('sends only the event types a webhook asks for, and moves past the others', async () => {
      const to = await receiver();
      const webhook = await register(to, ['OrderConfirmed', 'OrderCancelled']);
      const expected = await logOf(t, await busyEvening(t));
      const wanted = expected.filter((event) => event.type === 'OrderConfirmed' || event.type === 'OrderCancelled');
      expect(wanted).toHaveLength(3);

      await waitUntil(async () => (await webhookInfo(t, webhook.id)).position === expected[expected.length - 1].position, {
        what: 'the checkpoint has passed the last event, wanted or not',
      });

      expect(to.acceptedEventIds()).toEqual(wanted.map((event) => event.eventId));
      expect(to.requests.every((r) => wanted.some((event) => event.eventId === r.body.eventId))).toBe(true);
      expect(await webhookInfo(t, webhook.id)).toMatchObject({ lagEvents: 0 });
    });

    it('replays the log from fromPosition on', async () => {
      const orders = [await placeOrder(t)];
      const [first] = await logOf(t, orders);
      const to = await receiver();
      await register(to, ['OrderPlaced', 'OrderConfirmed'], { fromPosition: first.position });
      await runSteps(t, orders[0], [['confirm']]);
      const expected = await logOf(t, orders);

      await waitUntil(() => to.accepted.length >= 2);

      expect(to.acceptedEventIds()).toEqual(expected.map((event) => event.eventId));
    });

    it('stops delivering once the webhook is deleted', async () => {
      const removed = await receiver();
      const kept = await receiver();
      const gone = await register(removed);
      await register(kept);
      const before = await placeOrder(t);
      await waitUntil(() => removed.accepted.length === 1 && kept.accepted.length === 1);

      expect((await t.http().delete(`/admin/webhooks/${gone.id}`).set(t.staff)).status).toBe(204);
      const after = await placeOrder(t);
      const expected = await logOf(t, [before, after]);
      await waitUntil(() => kept.accepted.length === 2, { what: 'the kept webhook has the later event' });

      expect(kept.acceptedEventIds()).toEqual(expected.map((event) => event.eventId));
      expect([...new Set(removed.requests.map((r) => r.body.eventId))]).toEqual([expected[0].eventId]);
    });
  });
});
