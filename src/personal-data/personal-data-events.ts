import { defineEvent } from '../event-store/define-event.js';
import type { JsonSchema } from '../event-store/json-schema.js';

export type ErasureReason = 'request' | 'retention';

/**
 * A customer's personal data was erased: their keys are deleted, so every
 * event and snapshot sealed under them reads as "[erased]" from now on. It
 * holds no personal data itself: only which streams and keys were affected.
 */
export interface CustomerDataErasedData {
  readonly erasureId: string;
  readonly reason: ErasureReason;
  /** The streams (orders) whose personal fields now read as erased. */
  readonly streamIds: readonly string[];
  /** The data keys deleted: every instance forgets them when its feed delivers this event. */
  readonly keyIds: readonly string[];
  readonly erasedAt: string;
}

export class CustomerDataErased extends defineEvent<CustomerDataErasedData>()('CustomerDataErased', 1) {}

const ERASURE_PREFIX = 'personal-data-erasure-';

export function erasureStreamId(erasureId: string): string {
  return `${ERASURE_PREFIX}${erasureId}`;
}

export function isErasureStream(streamId: string): boolean {
  return streamId.startsWith(ERASURE_PREFIX);
}

export const CUSTOMER_DATA_ERASED_SCHEMAS: Readonly<Record<number, JsonSchema>> = {
  1: {
    type: 'object',
    description:
      'A customer\'s personal data was erased (on request or by retention): what the affected orders held of them now reads as "[erased]"',
    additionalProperties: false,
    required: ['erasureId', 'reason', 'streamIds', 'keyIds', 'erasedAt'],
    properties: {
      erasureId: { type: 'string', format: 'uuid', description: 'This erasure' },
      reason: { enum: ['request', 'retention'], description: 'POST /admin/customers/erase (or the CLI), or PII_RETENTION_DAYS' },
      streamIds: {
        type: 'array',
        items: { type: 'string' },
        description: 'The streams whose personal fields were erased: order-<orderId>',
      },
      keyIds: { type: 'array', items: { type: 'string', format: 'uuid' }, description: 'The data keys deleted' },
      erasedAt: { type: 'string', format: 'date-time', description: 'When' },
    },
  },
};
