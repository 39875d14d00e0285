import type { LogCheckpoint, RecordedEvent, StorableEvent } from './event-types.js';

/** A stored event as the feed publishes it: with the checkpoint of the event the feed published before it. */
export interface FeedEnvelope extends RecordedEvent {
  readonly previous: LogCheckpoint;
}

/**
 * The EventBus routes by class, so it carries the domain event instances
 * themselves; where each came from in the log travels beside them here.
 */
const envelopes = new WeakMap<StorableEvent, FeedEnvelope>();

export function attachEnvelope(envelope: FeedEnvelope): StorableEvent {
  envelopes.set(envelope.event, envelope);
  return envelope.event;
}

export function envelopeOf(event: StorableEvent): FeedEnvelope | undefined {
  return envelopes.get(event);
}

export function checkpointOf(event: { transactionId: string; position: number }): LogCheckpoint {
  return { transactionId: event.transactionId, position: event.position };
}
