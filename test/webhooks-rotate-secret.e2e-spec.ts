import pg from 'pg';
import { Database } from '../src/database/database.js';
import { expectError, placeOrder } from './support/orders-helpers.js';
import { waitUntil } from './support/projection-helpers.js';
import { useTestApp } from './support/use-test-app.js';
import { useWebhookReceivers } from './support/webhook-receivers.js';
import { WEBHOOK_TEST_CONFIG, logOf } from './webhooks-helpers.js';
import { hasValidSignature, signaturesOf, type ReceivedRequest, type TestReceiver } from './webhooks-receiver.js';

/** Long enough for a delivery right after the rotation to fall inside it, short enough to wait out. */
const OVERLAP_SECONDS = 3;

/** The delivery as if its header carried this one signature value. */
function only(request: ReceivedRequest, signature: string): ReceivedRequest {
  return { ...request, headers: { ...request.headers, 'x-pizzeria-signature': signature } };
}

describe('rotating a webhook secret (e2e)', () => {
  const t = useTestApp({ ...WEBHOOK_TEST_CONFIG, webhookSecretRotationOverlapSeconds: OVERLAP_SECONDS });
  const { receiver, register } = useWebhookReceivers(t);

  const rotate = (id: string) => t.http().post(`/admin/webhooks/${id}/rotate-secret`).set(t.staff);

  /** Places an order and answers the delivery of its OrderPlaced event. */
  async function deliveryOfNextOrder(to: TestReceiver): Promise<ReceivedRequest> {
    const orderId = await placeOrder(t);
    const [placed] = await logOf(t, [orderId]);
    await waitUntil(() => to.accepted.some((r) => r.body.eventId === placed.eventId), { what: `the delivery of ${placed.eventId}` });
    return to.accepted.find((r) => r.body.eventId === placed.eventId)!;
  }

  it('answers a new secret once; both secrets sign during the overlap, then only the new one', async () => {
    const to = await receiver();
    const webhook = await register(to);

    const res = await rotate(webhook.id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: webhook.id,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{43}$/),
      previousSecretExpiresAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    });
    const { secret, previousSecretExpiresAt } = res.body;
    expect(secret).not.toBe(webhook.secret);
    const listed = (await t.http().get(`/admin/webhooks/${webhook.id}`).set(t.staff)).body;
    expect(JSON.stringify(listed)).not.toContain(secret);
    expect(listed.previousSecretExpiresAt).toBe(previousSecretExpiresAt);

    const during = await deliveryOfNextOrder(to);
    const [newSignature, oldSignature] = signaturesOf(during);
    expect(signaturesOf(during)).toHaveLength(2);
    expect(hasValidSignature(only(during, newSignature), secret)).toBe(true);
    expect(hasValidSignature(only(during, oldSignature), webhook.secret)).toBe(true);
    expect(hasValidSignature(only(during, newSignature), webhook.secret)).toBe(false);

    // After the overlap (by the database's clock, which the delivery reads): the new secret alone.
    await waitUntil(
      async () => {
        const [now] = await t.app
          .get(Database)
          .query<{ over: boolean }>('SELECT now() >= $1::timestamptz AS over', [previousSecretExpiresAt]);
        return now.over;
      },
      { what: 'the overlap has ended' },
    );
    expect((await t.http().get(`/admin/webhooks/${webhook.id}`).set(t.staff)).body).not.toHaveProperty('previousSecretExpiresAt');
    const after = await deliveryOfNextOrder(to);
    expect(signaturesOf(after)).toHaveLength(1);
    expect(hasValidSignature(after, secret)).toBe(true);
    expect(hasValidSignature(after, webhook.secret)).toBe(false);
  });

  it('keeps the secret current until then as the old one when rotated again', async () => {
    const to = await receiver();
    const webhook = await register(to);
    const first = (await rotate(webhook.id)).body;
    const second = (await rotate(webhook.id)).body;
    expect(second.secret).not.toBe(first.secret);

    const delivery = await deliveryOfNextOrder(to);
    const [newSignature, oldSignature] = signaturesOf(delivery);
    expect(signaturesOf(delivery)).toHaveLength(2);
    expect(hasValidSignature(only(delivery, newSignature), second.secret)).toBe(true);
    expect(hasValidSignature(only(delivery, oldSignature), first.secret)).toBe(true);
    expect(hasValidSignature(delivery, webhook.secret)).toBe(false);
  });

  it('lets one of two rotations at once win; the other gets 409 and changes nothing', async () => {
    const to = await receiver();
    const webhook = await register(to);
    // Both requests read the row before either writes: a transaction holding the row lock makes them wait side by side.
    const blocker = new pg.Client({ connectionString: t.config.databaseUrl });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM webhooks WHERE id = $1 FOR UPDATE', [webhook.id]);
      const racing = [rotate(webhook.id), rotate(webhook.id)].map((request) => request.then((res) => res));
      await waitUntil(
        async () => {
          // Not through the blocker: inside a transaction pg_stat_activity stays as it was first read.
          const [row] = await t.app
            .get(Database)
            .query<{ n: string }>(
              `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'UPDATE webhooks%SET previous_secret%'`,
            );
          return Number(row.n) === 2;
        },
        { what: 'both rotations wait on the row' },
      );
      await blocker.query('COMMIT');
      const answers = await Promise.all(racing);

      expect(answers.map((res) => res.status).sort()).toEqual([200, 409]);
      const won = answers.find((res) => res.status === 200)!;
      const lost = answers.find((res) => res.status === 409)!;
      expectError(lost, 409, 'WEBHOOK_SECRET_ROTATION_CONFLICT');
      expect(lost.body.message).toContain(webhook.id);

      const [row] = await t.app.get(Database).query('SELECT secret_version FROM webhooks WHERE id = $1', [webhook.id]);
      expect(row.secret_version).toBe(2);
      // No secret handed out is lost: the winner's signs, and so does the one it replaced.
      const delivery = await deliveryOfNextOrder(to);
      expect(signaturesOf(delivery)).toHaveLength(2);
      expect(hasValidSignature(delivery, won.body.secret)).toBe(true);
      expect(hasValidSignature(delivery, webhook.secret)).toBe(true);
    } finally {
      await blocker.end();
    }
  });

  it('answers 404 WEBHOOK_NOT_FOUND for an unknown, deleted or malformed id', async () => {
    const to = await receiver();
    const webhook = await register(to);
    expect((await t.http().delete(`/admin/webhooks/${webhook.id}`).set(t.staff)).status).toBe(204);
    expectError(await rotate(webhook.id), 404, 'WEBHOOK_NOT_FOUND');
    expectError(await rotate('7d3c6f1e-9a4b-4c2d-8e5f-0a1b2c3d4e5f'), 404, 'WEBHOOK_NOT_FOUND');
    expectError(await rotate('not-a-uuid'), 404, 'WEBHOOK_NOT_FOUND');
  });

  it('is for staff only', async () => {
    const id = '7d3c6f1e-9a4b-4c2d-8e5f-0a1b2c3d4e5f';
    expectError(await t.http().post(`/admin/webhooks/${id}/rotate-secret`), 401, 'STAFF_TOKEN_MISSING');
    expectError(
      await t.http().post(`/admin/webhooks/${id}/rotate-secret`).set({ Authorization: 'Bearer not-the-staff-token-at-all' }),
      403,
      'STAFF_TOKEN_INVALID',
    );
  });
});
