import type { SchemaObject } from '@nestjs/swagger';

/** The answers of /admin/webhooks as the OpenAPI document shows them (see WebhookInfo and CreatedWebhook). */
const COMMON: Record<string, SchemaObject> = {
  id: { type: 'string', format: 'uuid', example: '5d1e7c2a-0f4b-4b8e-a9d3-2c6e1f0a7b34' },
  url: { type: 'string', example: 'https://hooks.example.com/pizzeria' },
  eventTypes: { type: 'array', items: { type: 'string' }, example: ['OrderConfirmed', 'OrderCancelled'] },
  position: { type: 'integer', description: 'Log position delivered (or passed over) up to', example: 1043 },
  status: {
    type: 'string',
    enum: ['active', 'failing'],
    description: 'failing: the last attempts failed; it keeps retrying',
    example: 'active',
  },
  createdAt: { type: 'string', format: 'date-time', example: '2026-11-22T17:55:00.000Z' },
};

export const WEBHOOK_SCHEMA: SchemaObject = {
  type: 'object',
  required: [
    'id',
    'url',
    'eventTypes',
    'position',
    'status',
    'lagEvents',
    'deliveredCount',
    'failedAttempts',
    'consecutiveFailures',
    'lastDeliveredAt',
    'createdAt',
    'runsHere',
  ],
  properties: {
    ...COMMON,
    lastError: {
      type: 'string',
      description: 'The latest failure, kept after recovery',
      example: 'position 1043 (OrderConfirmed): HTTP 503 Service Unavailable',
    },
    lastErrorAt: { type: 'string', format: 'date-time', example: '2026-11-22T18:01:12.345Z' },
    lagEvents: { type: 'integer', description: 'Events of the wanted types not delivered yet', example: 0 },
    deliveredCount: { type: 'integer', description: 'Events the receiver accepted (2xx)', example: 212 },
    failedAttempts: { type: 'integer', description: 'Attempts that failed, ever', example: 7 },
    consecutiveFailures: { type: 'integer', description: 'Attempts that failed since the last delivery', example: 0 },
    lastDeliveredAt: { type: 'string', format: 'date-time', nullable: true, example: '2026-11-22T18:04:05.456Z' },
    runsHere: { type: 'boolean', description: 'Whether this instance is the one delivering it', example: true },
    previousSecretExpiresAt: {
      type: 'string',
      format: 'date-time',
      description: 'Only during a secret rotation overlap: until then the old secret signs deliveries beside the new one',
      example: '2026-11-23T18:04:05.123Z',
    },
  },
};

export const CREATED_WEBHOOK_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['id', 'url', 'eventTypes', 'secret', 'position', 'status', 'createdAt'],
  properties: {
    ...COMMON,
    secret: {
      type: 'string',
      description: 'Key of the HMAC-SHA256 delivery signatures; shown only here',
      example: 'whsec_7Jq2x9Lh3VtQm0cR5sYpW8nB1dK4fG6aZ-eU_oI2rT0',
    },
  },
};

export const ROTATED_SECRET_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['id', 'secret', 'previousSecretExpiresAt'],
  properties: {
    id: COMMON.id,
    secret: {
      type: 'string',
      description: 'The new key of the delivery signatures; shown only here',
      example: 'whsec_Qm3vT8yZ0bN4kL7pR2sW9xC5dF1gH6jA-uE_oI3rY0t',
    },
    previousSecretExpiresAt: {
      type: 'string',
      format: 'date-time',
      description:
        'Until then deliveries are signed with the new and the old secret (two space-separated values in X-Pizzeria-Signature); after it, with the new one only',
      example: '2026-11-23T18:04:05.123Z',
    },
  },
};
