import type { RecordedEvent } from '../../event-store/event-types.js';
import type { OrderEvent } from '../domain/order-events.js';
import { paymentStartsCooking } from '../domain/order-status.js';
import { ERASED } from '../../personal-data/personal-data.js';
import { noRuleFor, RowPerOrderProjection, type ErasableRow } from './order-read-model.js';

export const KITCHEN_QUEUE = 'kitchen-queue';

/** An order the kitchen has yet to finish; the board shows the CONFIRMED and COOKING ones. */
export interface KitchenQueueRow extends ErasableRow {
  order_id: string;
  status: string;
  fulfilment: string;
  customer_name: string;
  items: { pizzaId: string; name: string; size: string; quantity: number; toppings: string[] }[];
  notes: string | null;
  kitchen_notes: string | null;
  payment_status: string;
  placed_at: string;
  confirmed_at: string | null;
  cooking_started_at: string | null;
  estimated_ready_at: string | null;
  version: number;
}

/** The row after an event; null once the order has left the kitchen. */
function evolve(row: KitchenQueueRow | undefined, recorded: RecordedEvent): KitchenQueueRow | null | undefined {
  const event = recorded.event as OrderEvent;
  if (row && recorded.version <= row.version) return row;
  const v = { version: recorded.version };
  if (event.type === 'OrderPlaced') {
    const d = event.data;
    return {
      order_id: d.orderId,
      status: 'PENDING',
      fulfilment: d.fulfilment,
      customer_name: d.customer.name,
      items: d.items.map(({ pizzaId, name, size, quantity, toppings }) => ({ pizzaId, name, size, quantity, toppings: [...toppings] })),
      notes: d.notes,
      kitchen_notes: null,
      payment_status: 'UNPAID',
      placed_at: d.placedAt,
      confirmed_at: null,
      cooking_started_at: null,
      estimated_ready_at: null,
      personal_data_erased: d.customer.name === ERASED,
      ...v,
    };
  }
  if (!row) return undefined;
  switch (event.type) {
    case 'OrderConfirmed':
      return {
        ...row,
        ...v,
        status: 'CONFIRMED',
        confirmed_at: event.data.confirmedAt,
        estimated_ready_at: event.data.estimatedReadyAt,
        kitchen_notes: event.data.kitchenNotes,
      };
    case 'PaymentReceived':
      return paymentStartsCooking(row.status)
        ? { ...row, ...v, payment_status: 'PAID', status: 'COOKING', cooking_started_at: event.data.paidAt }
        : { ...row, ...v, payment_status: 'PAID' };
    case 'CookingStarted':
      return { ...row, ...v, status: 'COOKING', cooking_started_at: event.data.startedAt };
    case 'DiscountApplied':
      return { ...row, ...v };
    case 'OrderReady':
    case 'OrderDispatched':
    case 'OrderDelivered':
    case 'OrderPickedUp':
    case 'OrderCancelled':
    case 'PaymentRefunded':
      return null;
    default:
      return noRuleFor(KITCHEN_QUEUE, event);
  }
}

function erase(row: KitchenQueueRow): KitchenQueueRow {
  if (row.personal_data_erased) return row;
  return { ...row, customer_name: ERASED, notes: row.notes === null ? null : ERASED, personal_data_erased: true };
}

/** The kitchen board: one row per order from confirmation until it leaves the kitchen, then none. */
export const kitchenQueueProjection = new RowPerOrderProjection<KitchenQueueRow>(KITCHEN_QUEUE, 'kitchen_queue', evolve, erase);
