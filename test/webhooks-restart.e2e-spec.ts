import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp } from '../src/bootstrap.js';
import { placeOrder, runSteps } from './support/orders-helpers.js';
import { waitUntil } from './support/projection-helpers.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { WEBHOOK_TEST_CONFIG, busyEvening, logOf, registerWebhook, webhookInfo } from './webhooks-helpers.js';
import { TestReceiver, hasValidSignature } from './webhooks-receiver.js';

/** Another instance of the app on the same database and configuration, as after a deploy or beside a replica. */
async function anotherInstance(of: TestApp): Promise<TestApp> {
  const app: INestApplication = await createApp(of.config, { logger: false });
  await app.init();
  return { ...of, app, http: () => request(app.getHttpServer()), close: () => app.close() };
}

describe('webhooks across app restarts and instances (e2e)', () => {
  let first: TestApp;
  let second: TestApp | undefined;
  let receiver: TestReceiver;

  beforeEach(async () => {
    first = await startTestApp(WEBHOOK_TEST_CONFIG);
    receiver = await TestReceiver.start();
  });

  afterEach(async () => {
    await receiver.close();
    await second?.close();
    second = undefined;
    await first.close().catch(() => first.database.drop());
  });

  it('loses nothing when the app stops while a receiver is holding a delivery open', async () => {
    receiver.mode = 'hold';
    const webhook = await registerWebhook(first, receiver);
    const orders = await busyEvening(first);
    await waitUntil(() => receiver.pending === 1, { what: 'the receiver is holding the first delivery' });
    const held = receiver.requests[0];

    await first.app.close();

    expect(receiver.accepted).toHaveLength(0);
    await waitUntil(() => held.abandoned, { what: 'the stopped app has hung up on the held delivery' });
    expect(receiver.requests).toHaveLength(1);

    second = await anotherInstance(first);
    orders.push(await placeOrder(second));
    await runSteps(second, orders[2], [['confirm'], ['cancel', { reason: 'closing early' }]]);
    const expected = await logOf(second, orders);
    expect(expected).toHaveLength(13);
    receiver.release();

    await waitUntil(() => receiver.acceptedEventIds().length >= expected.length, { what: 'every event has arrived' });
    expect(receiver.acceptedEventIds()).toEqual(expected.map((event) => event.eventId));
    expect(receiver.accepted[0].body.eventId).toBe(held.body.eventId);
    expect(receiver.accepted.every((delivery) => hasValidSignature(delivery, webhook.secret))).toBe(true);
    await waitUntil(async () => (await webhookInfo(second!, webhook.id)).lagEvents === 0);
    expect(await webhookInfo(second, webhook.id)).toMatchObject({
      position: expected[expected.length - 1].position,
      status: 'active',
      deliveredCount: expected.length,
      runsHere: true,
    });
  });

  it('delivers from one instance at a time, and another takes over when it goes', async () => {
    second = await anotherInstance(first);
    const webhook = await registerWebhook(first, receiver);
    // The second instance learns of the webhook on its next tick, and stands by: the first holds the lock.
    await waitUntil(async () => (await webhookInfo(first, webhook.id)).runsHere, { what: 'the first instance delivers it' });

    const orders = [await placeOrder(second), await placeOrder(first)];
    await runSteps(second, orders[0], [['confirm']]);
    const early = await logOf(first, orders);
    await waitUntil(() => receiver.accepted.length >= early.length);
    expect(receiver.acceptedEventIds()).toEqual(early.map((event) => event.eventId));
    expect((await webhookInfo(second, webhook.id)).runsHere).toBe(false);

    receiver.mode = 'hold';
    await runSteps(second, orders[1], [['confirm']]);
    await waitUntil(() => receiver.pending === 1, { what: 'the first instance is mid-delivery' });
    await first.app.close();

    await runSteps(second, orders[1], [['cancel', { reason: 'changed my mind' }]]);
    const expected = await logOf(second, orders);
    receiver.release();
    await waitUntil(async () => (await webhookInfo(second!, webhook.id)).runsHere, { what: 'the second instance has taken over' });
    await waitUntil(() => receiver.acceptedEventIds().length >= expected.length, { what: 'every event has arrived' });
    expect(receiver.acceptedEventIds()).toEqual(expected.map((event) => event.eventId));
  });
});
