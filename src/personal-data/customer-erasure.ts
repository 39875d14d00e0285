import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';
import type { EventMetadata } from '../event-store/event-types.js';
import { EventStore } from '../event-store/event-store.js';
import { uuidV7 } from '../event-store/uuid-v7.js';
import { CustomerDataErased, erasureStreamId, type ErasureReason } from './personal-data-events.js';
import { PersonalData } from './personal-data.js';

export interface ErasureResult {
  /** Orders (streams) whose personal fields now read as erased; 0 for a customer with nothing left to erase. */
  readonly erasedOrders: number;
  /** The CustomerDataErased event's position, for minPosition reads; absent when nothing was erased. */
  readonly position?: number;
}

/** Erasing several customers: a large batch reports its progress. */
export type ErasureProgress = (done: number, total: number) => void;

/**
 * Deletes a customer's data keys and records CustomerDataErased, in one
 * transaction: the event commits exactly when the keys are gone. Idempotent:
 * a second erasure finds no key and answers 0, and so does a phone number
 * never seen (no oracle).
 */
@Injectable()
export class CustomerErasure {
  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
    private readonly personalData: PersonalData,
  ) {}

  async eraseByPhone(phone: string, reason: ErasureReason, metadata: EventMetadata = {}): Promise<ErasureResult> {
    return this.eraseByIndex(this.personalData.customerIndex(phone), reason, metadata);
  }

  async eraseByIndex(customerIndex: Buffer, reason: ErasureReason, metadata: EventMetadata = {}): Promise<ErasureResult> {
    const erasureId = uuidV7();
    const result = await this.db.transaction(async (tx) => {
      // A key's id is its event's: the events say which streams the keys opened.
      const { rows } = await tx.query<{ key_id: string; stream_id: string }>(
        `WITH gone AS (DELETE FROM personal_data_keys WHERE customer_index = $1 RETURNING key_id)
         SELECT gone.key_id::text AS key_id, e.stream_id FROM gone JOIN events e ON e.event_id = gone.key_id`,
        [customerIndex],
      );
      if (rows.length === 0) return { erasedOrders: 0, keyIds: [] as string[] };
      const streamIds = [...new Set(rows.map((row) => row.stream_id))].sort();
      const keyIds = rows.map((row) => row.key_id).sort();
      const appended = await this.store.append(
        erasureStreamId(erasureId),
        [new CustomerDataErased({ erasureId, reason, streamIds, keyIds, erasedAt: new Date().toISOString() })],
        0,
        { executor: tx, metadata },
      );
      return { erasedOrders: streamIds.length, keyIds, position: appended.lastPosition };
    });
    if (result.keyIds.length === 0) return { erasedOrders: 0 };
    this.personalData.evict(result.keyIds);
    this.store.announceAppended();
    return { erasedOrders: result.erasedOrders, position: result.position };
  }

  /** Many customers, one transaction each (see eraseByIndex), reporting progress. */
  async eraseMany(indexes: readonly Buffer[], reason: ErasureReason, progress?: ErasureProgress): Promise<ErasureResult> {
    let erasedOrders = 0;
    let position: number | undefined;
    for (const [i, index] of indexes.entries()) {
      const result = await this.eraseByIndex(index, reason, { actor: { kind: 'system', name: reason } });
      erasedOrders += result.erasedOrders;
      position = result.position ?? position;
      progress?.(i + 1, indexes.length);
    }
    return position === undefined ? { erasedOrders } : { erasedOrders, position };
  }
}
