import type { AddressInfo } from 'node:net';
import { Database } from '../../src/database/database.js';
import { placeOrder, staffPost } from './orders-helpers.js';
import { SseClient } from './sse-client.js';
import { STAFF_TOKEN } from './test-app.js';
import { useTestApp } from './use-test-app.js';

/**
 * The app listening on a loopback port for the live-stream specs, with the
 * ways they open streams (every one cut after each test) and write orders.
 */
export function useLiveStreamApp() {
  const t = useTestApp();
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
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterEach(() => {
    for (const client of open.splice(0)) client.cut();
  });

  return { t, connect, staff, staffFromHead, logOrder, step, walk };
}
