import { PersonalData } from '../../src/personal-data/personal-data.js';
import { STATUS_CODES } from 'node:http';
import type { Response } from 'supertest';
import { Database } from '../../src/database/database.js';
import { orderStreamId } from '../../src/orders/order-stream.js';
import { MARGHERITA_ORDER, type TestApp } from './test-app.js';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface StoredEvent {
  version: number;
  position: number;
  type: string;
  data: Record<string, any>;
  metadata: Record<string, any>;
}

/** Places an order as a customer and returns its id, checking the 201 on the way. */
export async function placeOrder(t: TestApp, body: object = MARGHERITA_ORDER): Promise<string> {
  const res = await t.http().post('/orders').send(body);
  if (res.status !== 201) throw new Error(`placing an order failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.orderId as string;
}

export function staffPost(t: TestApp, path: string, body: object = {}, headers: Record<string, string> = {}) {
  return t.http().post(path).set(t.staff).set(headers).send(body);
}

/** Walks an order forward with staff commands, failing loudly if any step is refused. */
export async function runSteps(t: TestApp, orderId: string, steps: Array<[command: string, body?: object]>): Promise<void> {
  for (const [command, body] of steps) {
    const res = await staffPost(t, `/orders/${orderId}/${command}`, body ?? {});
    if (res.status !== 200) throw new Error(`${command} failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

/** The order's stream, straight from the event store's table, its personal fields opened (they are stored sealed). */
export async function streamOf(t: TestApp, orderId: string): Promise<StoredEvent[]> {
  const rows = await t.app
    .get(Database)
    .query('SELECT version, position, type, schema_version, data, metadata FROM events WHERE stream_id = $1 ORDER BY version', [
      orderStreamId(orderId),
    ]);
  await t.app.get(PersonalData).open(rows);
  return rows.map(({ schema_version: _, ...row }) => ({ ...row, position: Number(row.position) }));
}

export async function countEvents(t: TestApp): Promise<number> {
  const [row] = await t.app.get(Database).query<{ count: string }>('SELECT count(*) AS count FROM events');
  return Number(row.count);
}

const LEAKS: Array<[string, RegExp]> = [
  ['a stack frame', /\bat\s+\S+\s+\(?[^\s()]+:\d+:\d+\)?/],
  ['a stack field', /"stack"\s*:/],
  ['a source path', /node_modules|\/src\/|\.ts:\d+|\.js:\d+/],
  [
    'SQL',
    /\bSELECT\s+[\w*]|\bINSERT\s+INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b|\bWHERE\s+\w+\s*=|duplicate key|violates|\brelation\s+"|\bpg_\w+|\bstream_id\b/i,
  ],
  ['an internal error name', /\b(QueryFailedError|TypeError|ReferenceError|SyntaxError|ConcurrencyError|DomainError|ApiError|MenuError)\b/],
];

/** Asserts the contract's error shape, and that nothing internal leaks through the body. */
/** What expectError reads of an answer: supertest's Response and raw-http's RawResponse both have it. */
type Answer = Pick<Response, 'status' | 'body' | 'text'> & { headers: Record<string, string | string[] | undefined> };

export function expectError(res: Answer, status: number, code: string, extraKeys: string[] = []): void {
  const described = `${res.status} ${JSON.stringify(res.body)}`;
  expect({ status: res.status, code: res.body?.code, described }).toEqual({ status, code, described });
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(Object.keys(res.body).sort()).toEqual(['code', 'error', 'message', 'statusCode', ...extraKeys].sort());
  expect(res.body.statusCode).toBe(status);
  expect(res.body.error).toBe(STATUS_CODES[status]);
  if (Array.isArray(res.body.message)) {
    expect(res.body.message.length).toBeGreaterThan(0);
    for (const line of res.body.message) expect(typeof line).toBe('string');
  } else {
    expect(typeof res.body.message).toBe('string');
    expect(res.body.message.length).toBeGreaterThan(0);
  }
  expectNoLeaks(res);
}

export function expectValidationError(res: Response, mentions: RegExp): void {
  expectError(res, 400, 'VALIDATION_FAILED');
  expect(Array.isArray(res.body.message)).toBe(true);
  expect(res.body.message).toEqual(expect.arrayContaining([expect.stringMatching(mentions)]));
}

export function expectNoLeaks(res: Pick<Response, 'text'>): void {
  for (const [what, pattern] of LEAKS) {
    expect({ leaks: what, match: res.text.match(pattern)?.[0] ?? null }).toEqual({ leaks: what, match: null });
  }
}
