import type { RecordedEvent } from '../event-store/event-types.js';
import { Subscription } from '../event-store/subscription/subscription.js';

/** Live events held for one client before it is cut off, to catch up from the store when it reconnects. */
const MAX_INBOX = 10_000;
const BATCH = 100;

export type Send = (event: RecordedEvent) => Promise<void>;

/**
 * One client's live stream, as a subscription that starts at the client's
 * resume point (the cursor given to start()) and stores no checkpoint: the
 * client keeps its own, the Last-Event-ID. It is offered events before it
 * starts, so nothing published while the resume point is looked up is lost;
 * then it replays from the store what came after that point and only then
 * sends the live ones, dropping what the replay already sent. A failure (the
 * socket, a slow client, an event missing from the store) ends it, and the
 * client reconnects.
 */
export function liveSubscription(streamId: string | undefined, send: Send, fail: (error: Error) => void): Subscription<unknown> {
  return new Subscription<unknown>({
    name: streamId === undefined ? 'live' : `live ${streamId}`,
    batchSize: BATCH,
    inbox: { max: MAX_INBOX, whenFull: { fail: 'the client fell too far behind' } },
    handler: {
      async handle(events) {
        for (const event of events) await send(event);
      },
    },
    onFailure: (error) => fail(error),
  });
}
