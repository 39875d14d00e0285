import type { INestApplication } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import request from 'supertest';
import { createApp } from '../src/bootstrap.js';
import type { SecretKey } from '../src/config/secret-keys.js';
import { Database } from '../src/database/database.js';
import { EventStore } from '../src/event-store/event-store.js';
import { SecretCipher } from '../src/webhooks/secrets/secret-cipher.js';
import { WebhookSecretStore } from '../src/webhooks/secrets/webhook-secret-store.js';
import { placeOrder } from './support/orders-helpers.js';
import { waitUntil } from './support/projection-helpers.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { WEBHOOK_TEST_CONFIG, logOf, registerWebhook, webhookInfo } from './webhooks-helpers.js';
import { TestReceiver, hasValidSignature, signaturesOf } from './webhooks-receiver.js';

const key = (id: string): SecretKey => ({ id, key: randomBytes(32) });
const [K1, K2, K3] = [key('k1'), key('k2'), key('k3')];

describe('webhook secrets at rest (e2e)', () => {
  let first: TestApp;
  let receiver: TestReceiver;
  const running: INestApplication[] = [];

  /** The app again on the same database, with another WEBHOOK_SECRET_KEYS: a restart after a change of configuration. */
  async function restartWith(keys: SecretKey[], logs?: string[]): Promise<TestApp> {
    const logDestination = logs ? { write: (line: string) => void logs.push(line) } : undefined;
    const app = await createApp(first.config.with({ webhookSecretKeys: keys }), { logger: false, logDestination });
    running.push(app);
    return { ...first, app, http: () => request(app.getHttpServer()), close: () => app.close() };
  }

  async function stop(t: TestApp): Promise<void> {
    running.splice(running.indexOf(t.app), 1);
    await t.app.close();
  }

  async function deliveredOrder(t: TestApp): Promise<(typeof receiver.accepted)[number]> {
    const [placed] = await logOf(t, [await placeOrder(t)]);
    await waitUntil(() => receiver.accepted.some((r) => r.body.eventId === placed.eventId), { what: `the delivery of ${placed.eventId}` });
    return receiver.accepted.find((r) => r.body.eventId === placed.eventId)!;
  }

  const storedSecret = async (t: TestApp, id: string): Promise<string> =>
    (await t.app.get(Database).query<{ secret: string }>('SELECT secret FROM webhooks WHERE id = $1', [id]))[0].secret;

  beforeEach(async () => {
    first = await startTestApp({ ...WEBHOOK_TEST_CONFIG, webhookSecretKeys: [K1] });
    running.push(first.app);
    receiver = await TestReceiver.start();
  });

  afterEach(async () => {
    await receiver.close();
    for (const app of running.splice(0)) await app.close().catch(() => undefined);
    await first.database.drop();
  });

  it('keeps no plaintext secret anywhere in the database, only v1.<keyId>.<iv>.<ciphertext>', async () => {
    const webhook = await registerWebhook(first, receiver);
    const db = first.app.get(Database);

    const stored = await storedSecret(first, webhook.id);
    expect(stored).toMatch(/^v1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(new SecretCipher([K1]).open(stored)).toBe(webhook.secret);
    const tables = await db.query<{ name: string }>(
      `SELECT quote_ident(table_name) AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    expect(tables.map((t) => t.name)).toContain('webhooks');
    for (const { name } of tables) {
      const [found] = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${name} row WHERE strpos(row::text, $1) > 0`, [
        webhook.secret.slice('whsec_'.length),
      ]);
      expect({ table: name, rowsWithTheSecret: Number(found.n) }).toEqual({ table: name, rowsWithTheSecret: 0 });
    }
    expect(hasValidSignature(await deliveredOrder(first), webhook.secret)).toBe(true);
  });

  it('keeps the answers stored for Idempotency-Key replays without the plaintext secret, and replays them whole', async () => {
    const db = first.app.get(Database);
    const createKey = randomUUID();
    const create = () =>
      first
        .http()
        .post('/admin/webhooks')
        .set({ ...first.staff, 'Idempotency-Key': createKey })
        .send({ url: receiver.url, eventTypes: ['*'] });
    const created = await create();
    expect(created.status).toBe(201);
    const rotateKey = randomUUID();
    const rotate = () =>
      first
        .http()
        .post(`/admin/webhooks/${created.body.id}/rotate-secret`)
        .set({ ...first.staff, 'Idempotency-Key': rotateKey });
    const rotated = await rotate();
    expect(rotated.status).toBe(200);

    const stored = await db.query<{ body: string }>('SELECT response_body::text AS body FROM idempotency_keys WHERE key = ANY($1)', [
      [createKey, rotateKey],
    ]);
    expect(stored).toHaveLength(2);
    for (const secret of [created.body.secret, rotated.body.secret]) {
      for (const row of stored) expect(row.body).not.toContain(secret.slice('whsec_'.length));
    }
    expect(stored.every((row) => /"secret": "v1\.k1\./.test(row.body))).toBe(true);

    const again = await create();
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(created.body);
    const rotatedAgain = await rotate();
    expect(rotatedAgain.headers['idempotent-replayed']).toBe('true');
    expect(rotatedAgain.body).toEqual(rotated.body);
  });

  it('encrypts the plaintext secrets of an older version at start-up, once, with two instances starting together', async () => {
    const head = await first.app.get(EventStore).headCheckpoint();
    await stop(first);
    const legacy = [randomUUID(), randomUUID()].map((id) => ({ id, secret: `whsec_${randomBytes(32).toString('base64url')}` }));
    const older = new pg.Client({ connectionString: first.config.databaseUrl });
    await older.connect();
    for (const { id, secret } of legacy) {
      await older.query(
        `INSERT INTO webhooks (id, url, event_types, secret, transaction_id, position) VALUES ($1, $2, '{OrderPlaced}', $3, $4::xid8, $5)`,
        [id, receiver.url, secret, head.transactionId, head.position],
      );
    }
    await older.end();

    const [a, b] = await Promise.all([restartWith([K1]), restartWith([K1])]);
    for (const { id, secret } of legacy) {
      const stored = await storedSecret(a, id);
      expect(stored.startsWith('v1.k1.')).toBe(true);
      expect(new SecretCipher([K1]).open(stored)).toBe(secret);
    }
    expect(await a.app.get(WebhookSecretStore).sealPlaintext()).toBe(0);

    const [placed] = await logOf(b, [await placeOrder(b)]);
    await waitUntil(
      () => legacy.every(({ secret }) => receiver.accepted.some((r) => r.body.eventId === placed.eventId && hasValidSignature(r, secret))),
      {
        what: 'both legacy webhooks have the event, signed with their original secrets',
      },
    );
  });

  it('signs with the same secret after a restart with a new first key, and after re-encrypting and dropping the old one', async () => {
    const webhook = await registerWebhook(first, receiver);
    await stop(first);

    const both = await restartWith([K2, K1]);
    expect(hasValidSignature(await deliveredOrder(both), webhook.secret)).toBe(true);
    expect(await both.app.get(WebhookSecretStore).resealAll()).toEqual({ resealed: 1, unreadable: [] });
    expect((await storedSecret(both, webhook.id)).startsWith('v1.k2.')).toBe(true);
    await stop(both);

    const onlyNew = await restartWith([K2]);
    const delivery = await deliveredOrder(onlyNew);
    expect(hasValidSignature(delivery, webhook.secret)).toBe(true);
    expect(signaturesOf(delivery)).toHaveLength(1);
    expect(await webhookInfo(onlyNew, webhook.id)).toMatchObject({ status: 'active' });
  });

  it('reports a webhook whose secret no key opens as failing, holds its deliveries, logs it once, and recovers on a rotation', async () => {
    const webhook = await registerWebhook(first, receiver);
    await stop(first);

    const logs: string[] = [];
    const wrong = await restartWith([K3], logs);
    const atStart = await webhookInfo(wrong, webhook.id);
    expect(atStart).toMatchObject({
      status: 'failing',
      lastError: expect.stringContaining('it was encrypted with key "k1", which is not in WEBHOOK_SECRET_KEYS'),
    });
    const [placed] = await logOf(wrong, [await placeOrder(wrong)]);
    // Each attempt records itself: wait for a few, then nothing may have been sent.
    let attempts = 0;
    let lastErrorAt = atStart.lastErrorAt;
    await waitUntil(
      async () => {
        const now = await webhookInfo(wrong, webhook.id);
        if (now.lastErrorAt !== lastErrorAt) attempts++;
        lastErrorAt = now.lastErrorAt;
        return attempts >= 3;
      },
      { what: 'the worker has tried to sign three times' },
    );
    expect(receiver.requests).toHaveLength(0);
    expect(await webhookInfo(wrong, webhook.id)).toMatchObject({ status: 'failing', lagEvents: 1, deliveredCount: 0, failedAttempts: 0 });
    const told = logs.filter((line) => line.includes(webhook.id) && line.includes('can not be decrypted'));
    expect(told).toHaveLength(1);
    expect(JSON.parse(told[0])).toMatchObject({ level: 'error' });
    expect((await wrong.http().get('/health/live')).status).toBe(200);

    const rotated = await wrong.http().post(`/admin/webhooks/${webhook.id}/rotate-secret`).set(wrong.staff);
    expect(rotated.status).toBe(200);
    await waitUntil(() => receiver.accepted.some((r) => r.body.eventId === placed.eventId), { what: 'the held event is delivered' });
    const delivery = receiver.accepted.find((r) => r.body.eventId === placed.eventId)!;
    // The old secret is still unreadable, so only the new one signs.
    expect(signaturesOf(delivery)).toHaveLength(1);
    expect(hasValidSignature(delivery, rotated.body.secret)).toBe(true);
    await waitUntil(async () => (await webhookInfo(wrong, webhook.id)).status === 'active', { what: 'the webhook is active again' });
  });

  it('shows the webhook active again after a restart with the missing key back, and signs with the same secret', async () => {
    const webhook = await registerWebhook(first, receiver);
    await stop(first);
    const wrong = await restartWith([K3]);
    expect(await webhookInfo(wrong, webhook.id)).toMatchObject({ status: 'failing' });
    await stop(wrong);

    // Nothing was waiting, so no delivery can have made it active: the start-up check did.
    const keyBack = await restartWith([K3, K1]);
    expect(await webhookInfo(keyBack, webhook.id)).toMatchObject({ status: 'active', lagEvents: 0 });
    expect(hasValidSignature(await deliveredOrder(keyBack), webhook.secret)).toBe(true);
  });
});
