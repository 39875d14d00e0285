import { isUuid } from '../common/uuid.js';
import { ORDER_EVENT_SCHEMAS } from './domain/order-event-schemas.js';
import { ORDER_EVENT_CLASSES } from './domain/order-events.js';
import type { EventRegistry } from '../event-store/event-registry.js';
import type { PersonalData, PersonalFields } from '../personal-data/personal-data.js';
import type { OrderCustomer } from './domain/order-events.js';

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

/** Who ordered, and what they wrote: the personal fields of an order, sealed under the order's key (see PersonalData). */
const ORDER_PERSONAL_FIELDS = ['customer.name', 'customer.phone', 'customer.address', 'notes'] as const;

const orderPlacedFields: PersonalFields = {
  fields: ORDER_PERSONAL_FIELDS,
  customerPhone: (data: { customer: OrderCustomer }) => data.customer.phone,
};

/**
 * The personal fields of OrderPlaced at every stored version (v1 has the same
 * customer and notes as v2), and of the PizzaOrder snapshot. A new personal
 * field in a later version is listed here with that version.
 */
export function registerOrderPersonalData(personalData: PersonalData): void {
  personalData.registerEvent('OrderPlaced', 1, orderPlacedFields);
  personalData.registerEvent('OrderPlaced', 2, orderPlacedFields);
  personalData.registerSnapshot('PizzaOrder', 1, { fields: ORDER_PERSONAL_FIELDS });
}
