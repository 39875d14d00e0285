import { jest } from '@jest/globals';
import { useLiveStreamApp } from './support/live-stream-app.js';
import { expectError, placeOrder } from './support/orders-helpers.js';
import { hire, signIn } from './support/staff-helpers.js';
import { STAFF_TOKEN } from './support/test-app.js';

jest.setTimeout(60_000);

describe('GET /events/stream (e2e)', () => {
  const { t, connect, staff } = useLiveStreamApp();

  describe('who may listen', () => {
    it('answers 401 STAFF_TOKEN_MISSING without a token and without an orderId', async () => {
      const res = await t.http().get('/events/stream');
      expectError(res, 401, 'STAFF_TOKEN_MISSING');
    });

    it('answers 403 STAFF_TOKEN_INVALID for a wrong token, in the header or the query', async () => {
      expectError(await t.http().get('/events/stream').set('Authorization', 'Bearer not-the-token-at-all'), 403, 'STAFF_TOKEN_INVALID');
      expectError(await t.http().get('/events/stream').query({ token: 'not-the-token-at-all' }), 403, 'STAFF_TOKEN_INVALID');
    });

    it('opens an event stream for staff, with the token in the header or (for EventSource) in the query', async () => {
      for (const client of [await staff(), await connect(`/events/stream?token=${encodeURIComponent(STAFF_TOKEN)}`)]) {
        expect(client.status).toBe(200);
        expect(client.headers['content-type']).toBe('text/event-stream; charset=utf-8');
        expect(client.headers['cache-control']).toBe('no-cache, no-transform');
      }
    });

    it('opens the stream for a signed-in browser by its session cookie (EventSource sends it), and not for an ended session', async () => {
      const luca = await hire(t, 'Luca', 'kitchen');
      const session = await signIn(t, luca.login, luca.password);
      const client = await connect('/events/stream', session.cookie);
      expect(client.status).toBe(200);
      expect(client.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      await t.http().post('/auth/sign-out').set(session.changes).expect(204);
      expectError(await t.http().get('/events/stream').set(session.cookie), 401, 'SESSION_INVALID');
      // A stale cookie does not stand in the way of a wall screen's token in the query.
      const token = luca.auth.Authorization.slice('Bearer '.length);
      expect((await connect(`/events/stream?token=${token}`, session.cookie)).status).toBe(200);
    });

    it("opens a customer's stream with only the order's id", async () => {
      const orderId = await placeOrder(t);
      const client = await connect(`/events/stream?orderId=${orderId}`);
      expect(client.status).toBe(200);
      expect(client.headers['content-type']).toMatch(/^text\/event-stream/);
    });

    it('answers 404 ORDER_NOT_FOUND for an order that does not exist or an id that is not a UUID', async () => {
      expectError(await t.http().get('/events/stream').query({ orderId: '0b9b7c1e-2f3a-4c5d-8e9f-0a1b2c3d4e5f' }), 404, 'ORDER_NOT_FOUND');
      expectError(await t.http().get('/events/stream').query({ orderId: 'margherita' }), 404, 'ORDER_NOT_FOUND');
    });

    it('answers 400 for a Last-Event-ID that is not the position of a stored event, (unknown parameters are ignored, as on every route)', async () => {
      const asStaff = () => t.http().get('/events/stream').set(t.staff);
      expectError(await asStaff().set('Last-Event-ID', 'yesterday'), 400, 'VALIDATION_FAILED');
      expectError(await asStaff().set('Last-Event-ID', '987654321'), 400, 'VALIDATION_FAILED');
      expectError(await asStaff().query({ lastEventId: '-1' }), 400, 'VALIDATION_FAILED');
      expectError(await asStaff().query({ lastEventId: '1e300' }), 400, 'VALIDATION_FAILED');
    });
  });
});
