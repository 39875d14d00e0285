import type { TestApp } from './test-app.js';
import { registerWebhook } from '../webhooks-helpers.js';
import { TestReceiver } from '../webhooks-receiver.js';

/**
 * Receivers on loopback and webhooks registered to them, for the tests of the
 * enclosing describe: each test's webhooks are deleted and its receivers closed
 * after it, so the next test's events reach only its own.
 */
export function useWebhookReceivers(t: TestApp) {
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

  afterEach(async () => {
    for (const id of webhooks.splice(0)) await t.http().delete(`/admin/webhooks/${id}`).set(t.staff);
    for (const started of receivers.splice(0)) await started.close();
  });

  return { receiver, register };
}
