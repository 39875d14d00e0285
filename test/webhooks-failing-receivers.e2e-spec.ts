import client from 'prom-client';
import { placeOrder, runSteps } from './support/orders-helpers.js';
import { waitUntil } from './support/projection-helpers.js';
import { useTestApp } from './support/use-test-app.js';
import { useWebhookReceivers } from './support/webhook-receivers.js';
import { WEBHOOK_TEST_CONFIG, busyEvening, logOf, webhookInfo } from './webhooks-helpers.js';
import { hasValidSignature } from './webhooks-receiver.js';

describe('webhooks (e2e)', () => {
  const t = useTestApp(WEBHOOK_TEST_CONFIG);
  const { receiver, register } = useWebhookReceivers(t);

  describe('deliveries', () => {
    it('keeps retrying a failing receiver without holding up other webhooks, then delivers everything in order', async () => {
      const failing = await receiver();
      const healthy = await receiver();
      failing.mode = 'fail';
      const hook = await register(failing);
      await register(healthy);

      const orders = await busyEvening(t);
      const firstBatch = await logOf(t, orders);
      await waitUntil(() => healthy.accepted.length >= firstBatch.length, { what: 'the healthy receiver has everything' });
      expect(healthy.acceptedEventIds()).toEqual(firstBatch.map((event) => event.eventId));
      expect(failing.accepted).toHaveLength(0);

      await waitUntil(async () => (await webhookInfo(t, hook.id)).status === 'failing', { what: 'the webhook shows as failing' });
      const whileFailing = await webhookInfo(t, hook.id);
      expect(whileFailing).toMatchObject({
        position: hook.position,
        deliveredCount: 0,
        lagEvents: firstBatch.length,
        lastError: expect.stringMatching(new RegExp(`^position ${firstBatch[0].position} \\(OrderPlaced\\): HTTP 500`)),
      });
      expect(whileFailing.failedAttempts).toBeGreaterThanOrEqual(5);
      expect(whileFailing.consecutiveFailures).toBe(whileFailing.failedAttempts);
      expect(failing.requests.every((r) => r.body.eventId === firstBatch[0].eventId)).toBe(true);

      // More happens while it is down; then it comes back.
      orders.push(await placeOrder(t));
      await runSteps(t, orders[2], [['confirm']]);
      const everything = await logOf(t, orders);
      failing.mode = 'ok';

      await waitUntil(() => failing.accepted.length >= everything.length, { what: 'the recovered receiver has everything' });
      expect(failing.acceptedEventIds()).toEqual(everything.map((event) => event.eventId));
      expect(failing.accepted.every((r) => hasValidSignature(r, hook.secret))).toBe(true);
      await waitUntil(async () => (await webhookInfo(t, hook.id)).lagEvents === 0);
      expect(await webhookInfo(t, hook.id)).toMatchObject({
        status: 'active',
        consecutiveFailures: 0,
        lagEvents: 0,
        lastError: expect.any(String),
      });
    });

    it('answers the API while a slow receiver holds a delivery open', async () => {
      const slow = await receiver();
      const other = await receiver();
      slow.mode = 'hold';
      await register(slow);
      await register(other);

      const first = await placeOrder(t);
      await waitUntil(() => slow.pending === 1, { what: 'the slow receiver is holding the first delivery' });

      const placed = await Promise.all([placeOrder(t), placeOrder(t), placeOrder(t)]);
      await runSteps(t, first, [['confirm']]);
      const list = await t.http().get('/admin/webhooks').set(t.staff);
      expect(list.status).toBe(200);
      const expected = await logOf(t, [first, ...placed]);
      await waitUntil(() => other.accepted.length >= expected.length, { what: 'the other webhook has everything' });

      // All of that happened while the first delivery was still held open.
      expect(slow.pending).toBe(1);
      expect(slow.accepted).toHaveLength(0);

      slow.release();
      await waitUntil(() => slow.accepted.length >= expected.length);
      expect(slow.acceptedEventIds()).toEqual(expected.map((event) => event.eventId));
    });

    it('gives up on an attempt after WEBHOOK_TIMEOUT_MS and tries it again', async () => {
      const silent = await receiver();
      silent.mode = 'hold';
      const hook = await register(silent);
      const order = await placeOrder(t);

      await waitUntil(async () => (await webhookInfo(t, hook.id)).failedAttempts >= 1, { what: 'the first attempt timed out' });
      expect((await webhookInfo(t, hook.id)).lastError).toMatch(/no complete answer within 3000 ms$/);
      await waitUntil(() => silent.requests[0].abandoned, { what: 'the receiver sees the timed-out attempt hang up' });

      silent.release();
      const expected = await logOf(t, [order]);
      await waitUntil(() => silent.accepted.length >= 1);
      expect(silent.acceptedEventIds()).toEqual(expected.map((event) => event.eventId));
    });

    it('publishes position, lag, status, deliveries and failures as gauges on the default prom-client registry', async () => {
      const failing = await receiver();
      failing.mode = 'fail';
      const hook = await register(failing);
      await placeOrder(t);
      await waitUntil(async () => (await webhookInfo(t, hook.id)).status === 'failing');

      const text = await client.register.metrics();
      const line = (name: string, labels = '') => new RegExp(`^${name}\\{webhook="${hook.id}"${labels}\\} (\\d+)$`, 'm');
      expect(text).toMatch(line('pizzeria_webhook_position'));
      expect(text.match(line('pizzeria_webhook_lag_events'))?.[1]).toBe('1');
      expect(text.match(line('pizzeria_webhook_status', ',status="failing"'))?.[1]).toBe('1');
      expect(text.match(line('pizzeria_webhook_status', ',status="active"'))?.[1]).toBe('0');
      expect(text.match(line('pizzeria_webhook_delivered_events'))?.[1]).toBe('0');
      expect(Number(text.match(line('pizzeria_webhook_failed_attempts'))?.[1])).toBeGreaterThanOrEqual(5);
      expect(text.match(line('pizzeria_webhook_runs_here'))?.[1]).toBe('1');

      const metrics = await t.http().get('/metrics');
      if (metrics.status === 200) expect(metrics.text).toMatch(line('pizzeria_webhook_lag_events'));
    });
  });
});
