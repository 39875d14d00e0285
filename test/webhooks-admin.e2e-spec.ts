import { expectError, expectValidationError } from './support/orders-helpers.js';
import { useTestApp } from './support/use-test-app.js';
import { useWebhookReceivers } from './support/webhook-receivers.js';
import { WEBHOOK_TEST_CONFIG } from './webhooks-helpers.js';

describe('webhooks (e2e)', () => {
  const t = useTestApp(WEBHOOK_TEST_CONFIG);
  const { receiver } = useWebhookReceivers(t);

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
});
