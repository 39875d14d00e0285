import { createHmac } from 'node:crypto';
import type { RecordedEvent } from '../event-store/event-types.js';
import { validate } from '../event-store/json-schema.js';
import { DELIVERY_SCHEMA, deliveryBody, deliveryHeaders, signature, signatureHeader } from './webhook-delivery.js';
import { retryDelayMs } from './webhook-subscription.js';

const ORDER_ID = '0b5c3a52-6f1e-4c8e-9f57-2d4f1a9e7c31';

const recorded: RecordedEvent = {
  eventId: '9c1d6b0e-2f4a-4e8b-a1c3-5d7e9f0a2b4c',
  streamId: `order-${ORDER_ID}`,
  version: 2,
  position: 1043,
  transactionId: '7781',
  type: 'OrderConfirmed',
  storedSchemaVersion: 1,
  occurredAt: '2026-11-22T18:04:05.123Z',
  metadata: { correlationId: 'corr-1', actor: { kind: 'staff' } },
  event: { data: { orderId: ORDER_ID, estimatedReadyAt: null, kitchenNotes: 'crispy', confirmedAt: '2026-11-22T18:04:05.123Z' } },
};

describe('webhook deliveries', () => {
  it('carry the contract fields, and neither metadata nor the transaction id', () => {
    const body = deliveryBody(recorded, 1);
    expect(body).toEqual({
      eventId: recorded.eventId,
      type: 'OrderConfirmed',
      schemaVersion: 1,
      orderId: ORDER_ID,
      version: 2,
      position: 1043,
      occurredAt: '2026-11-22T18:04:05.123Z',
      data: recorded.event.data,
    });
    expect(validate(DELIVERY_SCHEMA, JSON.parse(JSON.stringify(body)))).toEqual([]);
  });

  it('are signed with HMAC-SHA256 of the exact raw body, keyed with the secret', () => {
    const raw = JSON.stringify(deliveryBody(recorded, 1));
    const secret = 'whsec_test-secret';
    const expected = `sha256=${createHmac('sha256', secret).update(Buffer.from(raw, 'utf8')).digest('hex')}`;

    expect(signature(secret, raw)).toBe(expected);
    expect(signature(secret, `${raw} `)).not.toBe(expected);
    expect(signature('whsec_other', raw)).not.toBe(expected);
    expect(deliveryHeaders('hook-1', deliveryBody(recorded, 1), raw, [secret], 3)).toEqual({
      'Content-Type': 'application/json',
      'User-Agent': 'pizzeria-webhooks/1',
      'X-Pizzeria-Event-Id': recorded.eventId,
      'X-Pizzeria-Event-Type': 'OrderConfirmed',
      'X-Pizzeria-Webhook-Id': 'hook-1',
      'X-Pizzeria-Delivery-Attempt': '3',
      'X-Pizzeria-Signature': expected,
    });
  });

  it('carry one signature per secret during a rotation overlap, space-separated, the new secret first', () => {
    const raw = JSON.stringify(deliveryBody(recorded, 1));
    const header = signatureHeader(['whsec_new', 'whsec_old'], raw);
    expect(header).toBe(`${signature('whsec_new', raw)} ${signature('whsec_old', raw)}`);
    expect(header.split(' ').map((value) => /^sha256=[0-9a-f]{64}$/.test(value))).toEqual([true, true]);
    expect(signatureHeader(['whsec_new'], raw)).toBe(signature('whsec_new', raw));
  });

  it('are retried after a full-jitter exponential backoff from 500 ms, capped', () => {
    const highest = () => 0.999999;
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => retryDelayMs(attempt, 60_000, highest))).toEqual([
      499, 999, 1999, 3999, 7999, 15999, 31999, 59999,
    ]);
    expect(retryDelayMs(60, 60_000, highest)).toBe(59999);
    expect(retryDelayMs(3, 60_000, () => 0)).toBe(0);
    expect(retryDelayMs(3, 20, highest)).toBe(19);
    const spread = new Set(Array.from({ length: 50 }, () => retryDelayMs(4, 60_000)));
    expect(spread.size).toBeGreaterThan(10);
    for (const delay of spread) expect(delay).toBeLessThan(4000);
  });
});
