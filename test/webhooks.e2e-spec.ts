import client from 'prom-client';
import { expectError, expectValidationError, placeOrder, runSteps } from './support/orders-helpers.js';
import { waitUntil } from './support/projection-helpers.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { WEBHOOK_TEST_CONFIG, busyEvening, logOf, registerWebhook, schemaProblems, webhookInfo } from './webhooks-helpers.js';
import { TestReceiver, hasValidSignature } from './webhooks-receiver.js';

const DELIVERY_FIELDS = ['data', 'eventId', 'occurredAt', 'orderId', 'position', 'schemaVersion', 'type', 'version'];

describe('webhooks (e2e)', () => {
  let t: TestApp;
  let published: any[];
  const receivers: TestReceiver[] = [];
  const webhooks: string[] = [];

  async function receiver(): Promise<TestReceiver> {
    const started = await TestReceiver.start();
    receivers.push(started);
    return started;
  }

  async function register(to: TestReceiver, eventTypes?: string[], extra?: Record<string, unknown>) {
    const webhook = await registerWebhook(t, to, eventTypes, extra);
    webhooks.push(webhook.id);
    return webhook;
  }

  beforeAll(async () => {
    t = await startTestApp(WEBHOOK_TEST_CONFIG);
    published = (await t.http().get('/events/schemas')).body.events;
  });

  // Each test's webhooks go, so the next test's events reach only its own.
  afterEach(async () => {
    for (const id of webhooks.splice(0)) await t.http().delete(`/admin/webhooks/${id}`).set(t.staff);
    for (const started of receivers.splice(0)) await started.close();
  });

  afterAll(async () => {
    await t.close();
  });

  describe('the admin API', () => {
    it('registers a webhook with a secret, lists it without the secret, and deletes it', async () => {
      const to = await receiver();
      const created = await t
        .http()
        .post('/admin/webhooks')
        .set(t.staff)
        .send({ url: to.url, eventTypes: ['OrderConfirmed', 'OrderCancelled'] });

      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        url: to.url,
        eventTypes: ['OrderConfirmed', 'OrderCancelled'],
        secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{43}$/),
        position: expect.any(Number),
        status: 'active',
        createdAt: expect.any(String),
      });
      const { id } = created.body;

      const list = await t.http().get('/admin/webhooks').set(t.staff);
      expect(list.status).toBe(200);
      expect(list.body).toEqual([
        {
          id,
          url: to.url,
          eventTypes: ['OrderConfirmed', 'OrderCancelled'],
          position: created.body.position,
          status: 'active',
          lagEvents: 0,
          deliveredCount: 0,
          failedAttempts: 0,
          consecutiveFailures: 0,
          lastDeliveredAt: null,
          createdAt: created.body.createdAt,
          runsHere: true,
        },
      ]);
      expect(JSON.stringify(list.body)).not.toContain(created.body.secret);
      expect((await t.http().get(`/admin/webhooks/${id}`).set(t.staff)).body).toEqual(list.body[0]);

      const deleted = await t.http().delete(`/admin/webhooks/${id}`).set(t.staff);
      expect(deleted.status).toBe(204);
      expect((await t.http().get('/admin/webhooks').set(t.staff)).body).toEqual([]);
      expectError(await t.http().delete(`/admin/webhooks/${id}`).set(t.staff), 404, 'WEBHOOK_NOT_FOUND');
      expectError(await t.http().get(`/admin/webhooks/${id}`).set(t.staff), 404, 'WEBHOOK_NOT_FOUND');
      expectError(await t.http().delete('/admin/webhooks/not-a-uuid').set(t.staff), 404, 'WEBHOOK_NOT_FOUND');
    });

    it('refuses unknown event types and malformed bodies with 400 VALIDATION_FAILED', async () => {
      const post = (body: object) => t.http().post('/admin/webhooks').set(t.staff).send(body);
      const url = 'http://127.0.0.1:9/hook';

      expectValidationError(await post({ url, eventTypes: ['OrderConfirmed', 'OrderBaked'] }), /"OrderBaked" is not an event type/);
      expectValidationError(await post({ url, eventTypes: [] }), /eventTypes must name at least one event type/);
      expectValidationError(await post({ url, eventTypes: ['*', 'OrderPlaced'] }), /"\*" already means every event type/);
      expectValidationError(await post({ url, eventTypes: 'OrderPlaced' }), /eventTypes/);
      expectValidationError(await post({ eventTypes: ['*'] }), /^url /);
      expectValidationError(await post({ url: 'not a url', eventTypes: ['*'] }), /url must be an absolute http or https URL/);
      expectValidationError(
        await post({ url: 'http://user:pw@127.0.0.1/hook', eventTypes: ['*'] }),
        /url must not contain a user name or password/,
      );
      expectValidationError(await post({ url, eventTypes: ['*'], secret: 'mine' }), /secret should not exist/);
      expectValidationError(await post({ url, eventTypes: ['*'], fromPosition: -1 }), /fromPosition/);
      expectValidationError(
        await post({ url, eventTypes: ['*'], fromPosition: 987654321 }),
        /fromPosition 987654321 is not the position of a stored event/,
      );
      expect((await t.http().get('/admin/webhooks').set(t.staff)).body).toEqual([]);
    });

    it('refuses URLs that are not http(s) or whose host is not allowed with 400 WEBHOOK_URL_NOT_ALLOWED', async () => {
      for (const url of [
        'ftp://127.0.0.1/hook',
        'file:///etc/passwd',
        'http://10.0.0.7/hook',
        'http://169.254.169.254/latest/meta-data',
        'http://localhost:3000/admin',
        'https://example.com/hook',
        'http://[::1]/hook',
      ]) {
        const res = await t
          .http()
          .post('/admin/webhooks')
          .set(t.staff)
          .send({ url, eventTypes: ['*'] });
        expect({ url, status: res.status, code: res.body.code }).toEqual({ url, status: 400, code: 'WEBHOOK_URL_NOT_ALLOWED' });
        expectError(res, 400, 'WEBHOOK_URL_NOT_ALLOWED');
      }
    });

    it('is for staff only', async () => {
      const id = '7d3c6f1e-9a4b-4c2d-8e5f-0a1b2c3d4e5f';
      const body = { url: 'http://127.0.0.1:9/hook', eventTypes: ['*'] };
      expectError(await t.http().post('/admin/webhooks').send(body), 401, 'STAFF_TOKEN_MISSING');
      expectError(await t.http().get('/admin/webhooks'), 401, 'STAFF_TOKEN_MISSING');
      expectError(await t.http().get(`/admin/webhooks/${id}`), 401, 'STAFF_TOKEN_MISSING');
      expectError(await t.http().delete(`/admin/webhooks/${id}`), 401, 'STAFF_TOKEN_MISSING');
      const wrong = { Authorization: 'Bearer not-the-staff-token-at-all' };
      expectError(await t.http().post('/admin/webhooks').set(wrong).send(body), 403, 'STAFF_TOKEN_INVALID');
      expectError(await t.http().get('/admin/webhooks').set(wrong), 403, 'STAFF_TOKEN_INVALID');
      expectError(await t.http().delete(`/admin/webhooks/${id}`).set(wrong), 403, 'STAFF_TOKEN_INVALID');
    });
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
