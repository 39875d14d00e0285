import { isUuid } from '../common/uuid.js';
import { ORDER_EVENT_SCHEMAS } from './domain/order-event-schemas.js';
import { ORDER_EVENT_CLASSES } from './domain/order-events.js';
import type { EventRegistry } from '../event-store/event-registry.js';

const PREFIX = 'order-';

export function orderStreamId(orderId: string): string {
  return `${PREFIX}${orderId}`;
}

export function isOrderStream(streamId: string): boolean {
  return streamId.startsWith(PREFIX);
}

export function orderIdOf(streamId: string): string {
  return streamId.slice(PREFIX.length);
}

export function isOrderId(value: string): boolean {
  return isUuid(value);
}

/**
 * The pizza domain's event types, their upcasters and the JSON Schema of every
 * version they can be stored at. OrderPlaced v1 predates pickup orders: every
 * order was delivered.
 */
export function registerOrderEvents(registry: EventRegistry): void {
  registry.registerAll(
    ORDER_EVENT_CLASSES,
    { OrderPlaced: { 1: (data: Record<string, unknown>) => ({ ...data, fulfilment: 'delivery' }) } },
    ORDER_EVENT_SCHEMAS,
  );
}
