import type { RecordedEvent } from '../../event-store/event-types.js';
import type { OrderEvent } from '../domain/order-events.js';
import { paymentStartsCooking } from '../domain/order-status.js';
import { ERASED } from '../../personal-data/personal-data.js';
import { noRuleFor, RowPerOrderProjection, type ErasableRow } from './order-read-model.js';

export const ORDER_DETAILS = 'order-details';

/** One row per order: everything GET /orders/{id} and the staff order list show. */
export interface OrderDetailsRow extends ErasableRow {
  order_id: string;
  status: string;
  payment_status: string;
  fulfilment: string;
  customer: { name: string; phone: string; address: string | null };
  /** Blind indexes (hex HMAC-SHA256) of the normalised phone number and of its last four digits: what staff search by. Null once erased. */
  phone_index: string | null;
  phone_suffix_index: string | null;
  items: {
    pizzaId: string;
    name: string;
    size: string;
    quantity: number;
    toppings: string[];
    unitPriceCents: number;
    lineTotalCents: number;
  }[];
  notes: string | null;
  subtotal_cents: number;
  discount_code: string | null;
  discount_cents: number;
  total_cents: number;
  paid_cents: number;
  refunded_cents: number;
  payment_method: string | null;
  kitchen_notes: string | null;
  courier: string | null;
  cancellation_reason: string | null;
  placed_at: string;
  confirmed_at: string | null;
  estimated_ready_at: string | null;
  updated_at: string;
  version: number;
  last_position: number;
}

export function phoneDigits(phone: string): string {
  return phone.replace(/\D/g, '');
}

/** The blind indexes of phone numbers (PersonalData's), as the read model stores them. */
export interface PhoneIndexer {
  customerIndex(phone: string): Buffer;
  suffixIndex(digits: string): Buffer;
  phoneSuffix(phone: string): string;
}

/**
 * How each event changes an order's row. Also used, on purpose, to rebuild an
 * order as it stood at an instant from its stream (GET /orders/{id}/state),
 * where no index is needed.
 */
export function evolveOrderDetails(
  row: OrderDetailsRow | undefined,
  recorded: RecordedEvent,
  indexer?: PhoneIndexer,
): OrderDetailsRow | undefined {
  const event = recorded.event as OrderEvent;
  if (row && recorded.version <= row.version) return row;
  const stamp = { version: recorded.version, last_position: recorded.position, updated_at: recorded.occurredAt };
  if (event.type === 'OrderPlaced') {
    const d = event.data;
    return {
      order_id: d.orderId,
      status: 'PENDING',
      payment_status: 'UNPAID',
      fulfilment: d.fulfilment,
      customer: { name: d.customer.name, phone: d.customer.phone, address: d.customer.address },
      ...phoneIndexes(d.customer.phone, indexer),
      items: d.items.map((item) => ({ ...item, toppings: [...item.toppings] })),
      notes: d.notes,
      subtotal_cents: d.subtotalCents,
      discount_code: null,
      discount_cents: 0,
      total_cents: d.subtotalCents,
      paid_cents: 0,
      refunded_cents: 0,
      payment_method: null,
      kitchen_notes: null,
      courier: null,
      cancellation_reason: null,
      placed_at: d.placedAt,
      confirmed_at: null,
      estimated_ready_at: null,
      ...stamp,
      updated_at: d.placedAt,
      personal_data_erased: d.customer.phone === ERASED,
    };
  }
  if (!row) return undefined;
  switch (event.type) {
    case 'OrderConfirmed':
      return {
        ...row,
        ...stamp,
        status: 'CONFIRMED',
        confirmed_at: event.data.confirmedAt,
        estimated_ready_at: event.data.estimatedReadyAt,
        kitchen_notes: event.data.kitchenNotes,
      };
    case 'DiscountApplied':
      return {
        ...row,
        ...stamp,
        discount_code: event.data.code,
        discount_cents: event.data.discountCents,
        total_cents: row.subtotal_cents - event.data.discountCents,
      };
    case 'PaymentReceived':
      return {
        ...row,
        ...stamp,
        payment_status: 'PAID',
        paid_cents: event.data.amountCents,
        payment_method: event.data.method,
        status: paymentStartsCooking(row.status) ? 'COOKING' : row.status,
      };
    case 'CookingStarted':
      return { ...row, ...stamp, status: 'COOKING' };
    case 'OrderReady':
      return { ...row, ...stamp, status: 'READY' };
    case 'OrderDispatched':
      return { ...row, ...stamp, status: 'OUT_FOR_DELIVERY', courier: event.data.courier };
    case 'OrderDelivered':
      return { ...row, ...stamp, status: 'DELIVERED' };
    case 'OrderPickedUp':
      return { ...row, ...stamp, status: 'PICKED_UP' };
    case 'OrderCancelled':
      return { ...row, ...stamp, status: 'CANCELLED', cancellation_reason: event.data.reason };
    case 'PaymentRefunded':
      return { ...row, ...stamp, payment_status: 'REFUNDED', refunded_cents: event.data.amountCents };
    default:
      return noRuleFor(ORDER_DETAILS, event);
  }
}

function phoneIndexes(phone: string, indexer: PhoneIndexer | undefined): Pick<OrderDetailsRow, 'phone_index' | 'phone_suffix_index'> {
  if (!indexer || phone === ERASED) return { phone_index: null, phone_suffix_index: null };
  return {
    phone_index: indexer.customerIndex(phone).toString('hex'),
    phone_suffix_index: indexer.suffixIndex(indexer.phoneSuffix(phone)).toString('hex'),
  };
}

/** The row once its customer is erased: their fields read "[erased]", the indexes go, nothing else changes. */
export function eraseOrderDetails(row: OrderDetailsRow): OrderDetailsRow {
  if (row.personal_data_erased) return row;
  return {
    ...row,
    customer: { name: ERASED, phone: ERASED, address: row.customer.address === null ? null : ERASED },
    notes: row.notes === null ? null : ERASED,
    phone_index: null,
    phone_suffix_index: null,
    personal_data_erased: true,
  };
}

/**
 * Every order as GET /orders/{id} and the lists show it: one row per order,
 * kept for good, replaced only by a newer version of itself (or by its erasure).
 */
export function orderDetailsProjection(indexer: PhoneIndexer): RowPerOrderProjection<OrderDetailsRow> {
  return new RowPerOrderProjection<OrderDetailsRow>(
    ORDER_DETAILS,
    'order_details',
    (row, recorded) => evolveOrderDetails(row, recorded, indexer),
    eraseOrderDetails,
  );
}
