import type { FeedEnvelope } from '../event-envelope.js';
import type { SubscriptionCursor } from './subscription-cursor.js';

/**
 * The events the feed delivered that a subscription has not handled yet, in
 * log order and bounded: a subscriber that cannot keep up must not hold the
 * whole log in memory. Full, it is emptied and says so; the subscription then
 * reads the store instead, or gives up (a live client reconnects).
 */
export class Inbox {
  private envelopes: FeedEnvelope[] = [];

  constructor(private readonly max: number) {}

  get size(): number {
    return this.envelopes.length;
  }

  /** False when the inbox was full: it is empty now, and this envelope was not kept. */
  put(envelope: FeedEnvelope): boolean {
    if (this.envelopes.length >= this.max) {
      this.clear();
      return false;
    }
    this.envelopes.push(envelope);
    return true;
  }

  /**
   * What to do next from where `cursor` stands: handle a batch (the next event
   * that follows on, and whatever waits behind it that follows straight on, up
   * to `limit`), or read the store across a gap before `gap`; undefined once
   * empty. Events the cursor has seen or does not want are dropped on the way.
   */
  next<P>(cursor: SubscriptionCursor<P>, limit: number): { batch: FeedEnvelope[] } | { gap: FeedEnvelope } | undefined {
    for (let first = this.envelopes.shift(); first; first = this.envelopes.shift()) {
      if (!cursor.wants(first) || cursor.hasSeen(first)) continue;
      if (!cursor.follows(first)) return { gap: first };
      const batch = [first];
      while (this.envelopes.length > 0 && batch.length < limit && cursor.chains(batch[batch.length - 1], this.envelopes[0])) {
        batch.push(this.envelopes.shift()!);
      }
      return { batch };
    }
    return undefined;
  }

  clear(): void {
    this.envelopes = [];
  }
}
