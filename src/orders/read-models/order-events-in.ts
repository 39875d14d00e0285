import type { RecordedEvent } from '../../event-store/event-types.js';
import type { OrderEvent } from '../domain/order-events.js';
import { isOrderStream } from '../order-stream.js';

/** The events of a batch that belong to orders' streams: the only ones an order read model reads. */
export function orderEventsIn(events: readonly RecordedEvent[]): RecordedEvent<OrderEvent>[] {
  return events.filter((e) => isOrderStream(e.streamId)) as RecordedEvent<OrderEvent>[];
}

export function orderIdOf(recorded: RecordedEvent<OrderEvent>): string {
  return recorded.event.data.orderId;
}

/** The orders a batch touches, each once. */
export function orderIdsIn(events: readonly RecordedEvent<OrderEvent>[]): string[] {
  return [...new Set(events.map(orderIdOf))];
}

/** For the `default` of an exhaustive switch on an order event: the compiler proves it unreachable, this says so if it is not. */
export function noRuleFor(readModel: string, event: never): never {
  throw new Error(`${readModel} has no rule for ${(event as { type: string }).type}`);
}
