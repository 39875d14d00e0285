import { jest } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Database } from '../src/database/database.js';
import { EventStore } from '../src/event-store/event-store.js';
import { LiveEventsService } from '../src/live/live-events.service.js';
import { OrderConfirmed } from '../src/orders/domain/order-events.js';
import { orderStreamId } from '../src/orders/order-stream.js';
import { expectError, placeOrder, staffPost } from './support/orders-helpers.js';
import { STAFF_TOKEN, startTestApp, type TestApp } from './support/test-app.js';

jest.setTimeout(60_000);

interface SseMessage {
  id: string | undefined;
  data: Record<string, any>;
}

/**
 * A plain Node client for Server-Sent Events: it parses the stream as the
 * EventSource spec does, and can be cut off mid-stream like a dropped phone
 * connection.
 */
class SseClient {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  retry: number | undefined;
  private buffer = '';
  private request: http.ClientRequest | undefined;

  private constructor(
    readonly status: number,
    readonly headers: http.IncomingHttpHeaders,
  ) {}

  static connect(base: string, path: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const request = http.get(`${base}${path}`, { headers: { Accept: 'text/event-stream', ...headers } }, (response) => {
        const client = new SseClient(response.statusCode ?? 0, response.headers);
        client.request = request;
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => client.feed(chunk));
        response.on('error', () => undefined);
        resolve(client);
      });
      request.on('error', (error) => {
        if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(error);
      });
    });
  }

  get ids(): number[] {
    return this.messages.map((message) => Number(message.id));
  }

  /** Drops the connection without a goodbye, as a flaky network does. */
  cut(): void {
    this.request?.destroy();
  }

  async waitForMessages(count: number, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} messages, got ${this.messages.length}: ${this.ids.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let id: string | undefined;
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
        else if (line.startsWith('id:')) id = line.slice(3).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
        else if (line.startsWith('retry:')) this.retry = Number(line.slice(6));
        else if (line.startsWith('event:')) throw new Error(`unexpected named event: ${line}`);
      }
      if (data.length) this.messages.push({ id, data: JSON.parse(data.join('\n')) });
    }
  }
}

describe('GET /events/stream (e2e)', () => {
  let t: TestApp;
  let base: string;
  const open: SseClient[] = [];

  const connect = async (path: string, headers: Record<string, string> = {}) => {
    const client = await SseClient.connect(base, path, headers);
    open.push(client);
    return client;
  };
  const staff = (path = '/events/stream', headers: Record<string, string> = {}) =>
    connect(path, { Authorization: `Bearer ${STAFF_TOKEN}`, ...headers });

  /**
   * A staff stream from the last event in the log. "From now" would do in
   * production, but here an earlier test's last write may still be on its way
   * through the feed, so the start is pinned.
   */
  const staffFromHead = async () => {
    const [head] = await t.app
      .get(Database)
      .query<{ position: string }>('SELECT position FROM events ORDER BY transaction_id DESC, position DESC LIMIT 1');
    return staff('/events/stream', { 'Last-Event-ID': head?.position ?? '0' });
  };

  /** Every stored event in the readers' commit-safe order, as the stream must deliver them. */
  const logOrder = async (): Promise<number[]> => {
    const rows = await t.app.get(Database).query<{ position: string }>('SELECT position FROM events ORDER BY transaction_id, position');
    return rows.map((row) => Number(row.position));
  };

  const step = async (orderId: string, command: string, body: object = {}) => {
    const res = await staffPost(t, `/orders/${orderId}/${command}`, body);
    if (res.status !== 200) throw new Error(`${command}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { position: number; version: number };
  };

  /** An order from placed to delivered: six events, one request after another. */
  const walk = async () => {
    const orderId = await placeOrder(t);
    for (const [command, body] of [
      ['confirm', {}],
      ['pay', { method: 'card' }],
      ['ready', {}],
      ['dispatch', {}],
      ['deliver', {}],
    ] as const) {
      await step(orderId, command, body);
    }
    return orderId;
  };

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterEach(() => {
    for (const client of open.splice(0)) client.cut();
  });

  afterAll(async () => {
    await t.close();
  });

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

  describe('what it sends', () => {
    it('sends each stored event once, as an unnamed message whose id is its global position', async () => {
      const client = await staffFromHead();
      expect(client.retry).toBeGreaterThan(0);
      const orderId = await placeOrder(t);
      const confirmed = await step(orderId, 'confirm', { kitchenNotes: 'crispy' });
      await client.waitForMessages(2);

      const [placed, confirmation] = client.messages;
      expect(placed.data).toEqual({
        position: Number(placed.id),
        version: 1,
        streamId: orderStreamId(orderId),
        orderId,
        type: 'OrderPlaced',
        occurredAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        data: expect.objectContaining({ orderId, customer: expect.objectContaining({ name: 'Ana' }), subtotalCents: expect.any(Number) }),
      });
      expect(confirmation.id).toBe(String(confirmed.position));
      expect(confirmation.data).toMatchObject({
        position: confirmed.position,
        version: 2,
        orderId,
        type: 'OrderConfirmed',
        data: { kitchenNotes: 'crispy' },
      });
    });

    it("gives a customer only their own order's events, in order, even while other orders change", async () => {
      const mine = await placeOrder(t);
      const other = await placeOrder(t);
      const client = await connect(`/events/stream?orderId=${mine}&lastEventId=0`);
      // The other order is confirmed then cancelled (in that order: a cancel that won the race
      // would make its confirm a 409), while this one and a third change at the same time.
      const otherChanges = async () => {
        await step(other, 'confirm');
        await step(other, 'cancel', { reason: 'no dough' });
      };
      await Promise.all([walk(), otherChanges(), step(mine, 'confirm')]);
      await step(mine, 'pay', { method: 'cash' });
      await client.waitForMessages(3);
      const sentinel = await step(mine, 'ready');
      await client.waitForMessages(4);

      expect(client.messages.map((m) => [m.data.orderId, m.data.version, m.data.type])).toEqual([
        [mine, 1, 'OrderPlaced'],
        [mine, 2, 'OrderConfirmed'],
        [mine, 3, 'PaymentReceived'],
        [mine, 4, 'OrderReady'],
      ]);
      expect(client.ids[3]).toBe(sentinel.position);
    });
  });

  describe('resuming after a dropped connection', () => {
    it('misses nothing and repeats nothing when staff reconnect with Last-Event-ID while orders keep changing', async () => {
      const first = await staffFromHead();
      const writers = Promise.all([walk(), walk(), walk()]);
      await first.waitForMessages(5);
      first.cut();
      const lastSeen = first.messages[first.messages.length - 1].id!;

      // More writes while the client is away, and more still while it reconnects and is replayed to.
      const meanwhile = Promise.all([walk(), walk()]);
      await new Promise((resolve) => setTimeout(resolve, 0));
      const second = await staff('/events/stream', { 'Last-Event-ID': lastSeen });
      const during = Promise.all([walk(), walk()]);
      await Promise.all([writers, meanwhile, during]);

      const sentinelOrder = await placeOrder(t);
      const log = await logOrder();
      const from = log.indexOf(first.ids[0]);
      const expectedAfter = log.slice(log.indexOf(Number(lastSeen)) + 1);
      await second.waitForMessages(expectedAfter.length);

      expect(first.ids).toEqual(log.slice(from, from + first.ids.length));
      expect(second.ids).toEqual(expectedAfter);
      expect(second.messages[second.messages.length - 1].data).toMatchObject({ orderId: sentinelOrder, type: 'OrderPlaced' });
      const all = [...first.ids, ...second.ids];
      expect(new Set(all).size).toBe(all.length);
      expect(all).toEqual(log.slice(from));
    });

    it('resumes by log order, not by position: an event committed later with a smaller position is still sent', async () => {
      const early = await placeOrder(t);
      const late = await placeOrder(t);
      const watcher = await staffFromHead();

      // This transaction takes its id first but commits last, after a faster writer.
      const held = await t.app.get(Database).pool.connect();
      let slowPosition: number;
      let fastPosition: number;
      try {
        await held.query('BEGIN');
        await held.query('SELECT pg_current_xact_id()');
        fastPosition = (await step(late, 'confirm')).position;
        const appended = await t.app
          .get(EventStore)
          .append(
            orderStreamId(early),
            [new OrderConfirmed({ orderId: early, estimatedReadyAt: null, kitchenNotes: null, confirmedAt: new Date().toISOString() })],
            1,
            { executor: held, metadata: { actor: { kind: 'staff' } } },
          );
        slowPosition = appended.lastPosition;
        await held.query('COMMIT');
      } finally {
        held.release();
      }
      expect(slowPosition).toBeGreaterThan(fastPosition);

      // The log order puts the slow transaction's event first.
      await watcher.waitForMessages(2);
      expect(watcher.ids).toEqual([slowPosition, fastPosition]);

      // A client that got the slow event and dropped must still get the faster one, whose position is smaller.
      const resumed = await staff('/events/stream', { 'Last-Event-ID': String(slowPosition) });
      const customer = await connect(`/events/stream?orderId=${late}`, { 'Last-Event-ID': String(slowPosition) });
      const sentinel = await step(late, 'pay', { method: 'card' });
      await resumed.waitForMessages(2);
      await customer.waitForMessages(2);
      expect(resumed.ids).toEqual([fastPosition, sentinel.position]);
      expect(customer.ids).toEqual([fastPosition, sentinel.position]);
    });

    it("resumes a customer's stream from the last event they got", async () => {
      const orderId = await placeOrder(t);
      const first = await connect(`/events/stream?orderId=${orderId}`);
      const confirmed = await step(orderId, 'confirm');
      await first.waitForMessages(1);
      first.cut();
      const paid = await step(orderId, 'pay', { method: 'card' });
      const ready = await step(orderId, 'ready');

      const second = await connect(`/events/stream?orderId=${orderId}`, { 'Last-Event-ID': String(confirmed.position) });
      const dispatched = await step(orderId, 'dispatch', { courier: 'Luigi' });
      await second.waitForMessages(3);
      expect(first.ids).toEqual([confirmed.position]);
      expect(second.ids).toEqual([paid.position, ready.position, dispatched.position]);
      expect(second.messages.map((m) => m.data.version)).toEqual([3, 4, 5]);
    });

    it('ends every stream on disconnectAll, and the clients can resume where they were', async () => {
      const client = await staffFromHead();
      const orderId = await placeOrder(t);
      await client.waitForMessages(1);
      const live = t.app.get(LiveEventsService);
      expect(live.openStreams).toBeGreaterThan(0);
      live.disconnectAll();
      expect(live.openStreams).toBe(0);
      const confirmed = await step(orderId, 'confirm');
      const again = await staff('/events/stream', { 'Last-Event-ID': client.messages[0].id! });
      await again.waitForMessages(1);
      expect(again.ids).toEqual([confirmed.position]);
    });
  });
});
