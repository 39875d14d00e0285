import { Injectable } from '@nestjs/common';
import { Database, type Queryable } from '../../database/database.js';
import type { IdempotencyTicket } from './idempotency-ticket.js';
import { IdempotencyStore } from './idempotency.store.js';

/**
 * A write and the answer to its Idempotency-Key as one unit of work: both in
 * one transaction, so a crash cannot keep the events and lose the answer (the
 * retry would write them again) or the other way round. The answer stored is
 * the write's result with the route's status; its headers (ETag, Location) are
 * set again from that result when it is replayed.
 */
@Injectable()
export class IdempotentWrite {
  constructor(
    private readonly db: Database,
    private readonly store: IdempotencyStore,
  ) {}

  async run<T>(ticket: IdempotencyTicket, write: (tx: Queryable) => Promise<T>, answer: (result: T) => unknown): Promise<T> {
    const result = await this.db.transaction(async (tx) => {
      const written = await write(tx);
      await this.store.complete(ticket.key, { status: ticket.status, body: answer(written), headers: {} }, tx);
      return written;
    });
    ticket.completed = true;
    return result;
  }
}
