import type { Response } from 'supertest';
import type { TestApp } from './test-app.js';

/** The contract's timestamp format: ISO-8601 in UTC with milliseconds. */
export const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The fields the contract names for GET /orders/{id}; the read model may carry more. */
export const ORDER_FIELDS = [
  'orderId',
  'status',
  'paymentStatus',
  'fulfilment',
  'customer',
  'items',
  'subtotalCents',
  'discountCents',
  'totalCents',
  'placedAt',
  'confirmedAt',
  'estimatedReadyAt',
  'updatedAt',
  'version',
] as const;

export interface Written {
  orderId: string;
  version: number;
  position: number;
  /** Client-side clock around the request: the server's occurredAt must fall inside. */
  sentAt: number;
  answeredAt: number;
}

function written(res: Response, what: string, expected: number, sentAt: number): Written {
  if (res.status !== expected) throw new Error(`${what} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...(res.body as { orderId: string; version: number; position: number }), sentAt, answeredAt: Date.now() };
}

/** POST /orders as a customer, returning the write's version and position. */
export async function place(t: TestApp, body: object, headers: Record<string, string> = {}): Promise<Written> {
  const sentAt = Date.now();
  const res = await t.http().post('/orders').set(headers).send(body);
  return written(res, 'placing an order', 201, sentAt);
}

/** A staff command on an order, returning the write's version and position. */
export async function command(
  t: TestApp,
  orderId: string,
  name: string,
  body: object = {},
  headers: Record<string, string> = {},
): Promise<Written> {
  const sentAt = Date.now();
  const res = await t.http().post(`/orders/${orderId}/${name}`).set(t.staff).set(headers).send(body);
  return written(res, name, 200, sentAt);
}

/** GET /orders/{id} once the order-details read model has the given write; fails unless 200. */
export async function readOrder(t: TestApp, orderId: string, minPosition: number): Promise<Record<string, any>> {
  const res = await t.http().get(`/orders/${orderId}`).query({ minPosition });
  if (res.status !== 200) throw new Error(`GET /orders/${orderId} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Only the fields the contract names, so a test can compare them exactly. */
export function contractView(order: Record<string, any>): Record<string, unknown> {
  return Object.fromEntries(ORDER_FIELDS.map((field) => [field, order[field] ?? null]));
}

/** GET on a staff route with the token. */
export function staffGet(t: TestApp, path: string, query: Record<string, string | number> = {}) {
  return t.http().get(path).set(t.staff).query(query);
}

/** The same instant written with a non-UTC offset, e.g. 2026-01-01T12:00:00.000+02:00. */
export function withOffset(iso: string, offsetMinutes: number): string {
  const shifted = new Date(Date.parse(iso) + offsetMinutes * 60_000).toISOString().slice(0, 23);
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMinutes);
  return `${shifted}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export function shiftMs(iso: string, ms: number): string {
  return new Date(Date.parse(iso) + ms).toISOString();
}

/** A phone number of its own per test, so list filters see only that test's orders. */
const PHONE_BASE = 10_000 + Math.floor(Math.random() * 89_000);
let phoneCounter = 0;
export function uniquePhone(): string {
  const digits = `${PHONE_BASE}${String(++phoneCounter).padStart(3, '0')}`;
  return `+34 6${digits.slice(0, 2)} ${digits.slice(2, 5)} ${digits.slice(5)}`;
}

/** An order body for a given phone and items; prices always come from the server. */
export function orderBody(
  phone: string,
  items: Array<{ pizzaId: string; size: string; quantity: number; toppings?: string[] }> = [
    { pizzaId: 'margherita', size: 'large', quantity: 2, toppings: ['extra-cheese'] },
  ],
  extra: Record<string, unknown> = {},
) {
  return { customer: { name: 'Ana', phone, address: 'Calle Mayor 1, Madrid' }, items, ...extra };
}

/** The server stamped `iso` while the write was in flight, as seen from the test's clock. */
export function expectDuring(iso: unknown, write: Written): void {
  expect(iso).toEqual(expect.stringMatching(ISO_UTC));
  const at = Date.parse(iso as string);
  expect({ at, within: at >= write.sentAt && at <= write.answeredAt }).toEqual({ at, within: true });
}

/** A cursor the API never handed out, shaped like one: base64url JSON of [placedAt, orderId]. */
export function forgedCursor(placedAt: unknown, orderId: unknown): string {
  return Buffer.from(JSON.stringify([placedAt, orderId])).toString('base64url');
}
