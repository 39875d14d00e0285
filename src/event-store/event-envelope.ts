import type { LogCheckpoint, RecordedEvent } from './event-types.js';

/** A stored event as the feed delivers it: with the checkpoint of the event the feed delivered before it. */
export interface FeedEnvelope extends RecordedEvent {
  readonly previous: LogCheckpoint;
}

export function checkpointOf(event: { transactionId: string; position: number }): LogCheckpoint {
  return { transactionId: event.transactionId, position: event.position };
}
