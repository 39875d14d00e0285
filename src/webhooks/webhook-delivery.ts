import { createHmac } from 'node:crypto';
import type { RecordedEvent } from '../event-store/event-types.js';
import { JSON_SCHEMA_DIALECT, type JsonSchema } from '../event-store/json-schema.js';
import { isOrderStream, orderIdOf } from '../orders/order-stream.js';

/** The body of every delivery, as the contract names it. */
export interface DeliveryBody {
  readonly eventId: string;
  readonly type: string;
  /** The version `data` is at: always the type's current one, older stored events having been upcast. */
  readonly schemaVersion: number;
  readonly orderId: string | null;
  readonly version: number;
  readonly position: number;
  readonly occurredAt: string;
  readonly data: unknown;
}

export function deliveryBody(recorded: RecordedEvent, schemaVersion: number): DeliveryBody {
  return {
    eventId: recorded.eventId,
    type: recorded.type,
    schemaVersion,
    orderId: isOrderStream(recorded.streamId) ? orderIdOf(recorded.streamId) : null,
    version: recorded.version,
    position: recorded.position,
    occurredAt: recorded.occurredAt,
    data: recorded.event.data,
  };
}

/** `sha256=<hex HMAC-SHA256 of the raw body>`, keyed with the webhook's secret as UTF-8. */
export function signature(secret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex')}`;
}

/**
 * One `sha256=<hex>` per secret, space-separated, the newest first (as the
 * Standard Webhooks spec sends several signatures in one header): during a
 * rotation's overlap both the new and the old secret sign, and a receiver
 * accepts the delivery when any one of them matches. One secret, one value.
 */
export function signatureHeader(secrets: readonly string[], rawBody: string): string {
  return secrets.map((secret) => signature(secret, rawBody)).join(' ');
}

export function deliveryHeaders(
  webhookId: string,
  body: DeliveryBody,
  rawBody: string,
  secrets: readonly string[],
  attempt: number,
): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'User-Agent': 'pizzeria-webhooks/1',
    'X-Pizzeria-Event-Id': body.eventId,
    'X-Pizzeria-Event-Type': body.type,
    'X-Pizzeria-Webhook-Id': webhookId,
    'X-Pizzeria-Delivery-Attempt': String(attempt),
    'X-Pizzeria-Signature': signatureHeader(secrets, rawBody),
  };
}

/** The delivery envelope, published beside the event schemas; `data` follows the schema of (type, schemaVersion). */
export const DELIVERY_SCHEMA: JsonSchema = {
  $schema: JSON_SCHEMA_DIALECT,
  $id: 'urn:pizzeria:webhook:delivery:v1',
  title: 'Webhook delivery',
  description:
    'POSTed to a webhook URL, one event per request, in log order, at least once: dedupe by eventId. ' +
    'X-Pizzeria-Signature is sha256=<hex HMAC-SHA256 of the raw body, keyed with the webhook secret>; ' +
    'while a rotated-out secret is still valid it holds one such value per secret, space-separated: accept any one.',
  type: 'object',
  additionalProperties: false,
  required: ['eventId', 'type', 'schemaVersion', 'orderId', 'version', 'position', 'occurredAt', 'data'],
  properties: {
    eventId: { type: 'string', format: 'uuid', description: 'Unique per event; the same on every redelivery' },
    type: { type: 'string', description: 'The event type, e.g. OrderConfirmed' },
    schemaVersion: { type: 'integer', minimum: 1, description: 'The schema version data follows: the current one of its type' },
    orderId: { type: ['string', 'null'], format: 'uuid', description: 'The order the event belongs to' },
    version: { type: 'integer', minimum: 1, description: "The order stream's version after this event" },
    position: { type: 'integer', minimum: 1, description: 'Global position in the event log' },
    occurredAt: { type: 'string', format: 'date-time', description: 'When the event happened' },
    data: { type: 'object', description: 'The event data: see the schema of its type and schemaVersion' },
  },
};
