import type { RecordedEvent } from '../../event-store/event-types.js';
import type { OrderEvent } from '../domain/order-events.js';

const SIZE_LABEL: Record<string, string> = { small: 'small', medium: 'medium', large: 'large' };

function money(cents: number): string {
  return (cents / 100).toFixed(2);
}

function clock(iso: string): string {
  return iso.slice(11, 16);
}

/** Who the timeline says did it: "Maria (counter)" for a member of staff by account, "staff" for the bootstrap token. */
function actorOf(recorded: RecordedEvent): string {
  const actor = recorded.metadata.actor;
  if (actor?.kind !== 'staff') return 'the customer';
  return actor.name ? `${actor.name} (${actor.role})` : 'staff';
}

/**
 * One line a person reads on the order's timeline, e.g. "Order placed by Ana:
 * 2 × Margherita (large)" or "Ready — Luca (kitchen)": a member of staff by
 * account is named on every line they caused.
 */
export function describe(recorded: RecordedEvent, statusBefore: string | undefined): string {
  const line = what(recorded, statusBefore);
  const actor = recorded.metadata.actor;
  const named = actor?.kind === 'staff' && actor.name && !line.includes(actorOf(recorded));
  return named ? `${line} — ${actorOf(recorded)}` : line;
}

function what(recorded: RecordedEvent, statusBefore: string | undefined): string {
  const event = recorded.event as OrderEvent;
  const by = actorOf(recorded);
  switch (event.type) {
    case 'OrderPlaced': {
      const items = event.data.items.map((i) => `${i.quantity} × ${i.name} (${SIZE_LABEL[i.size] ?? i.size})`).join(', ');
      return `Order placed by ${event.data.customer.name}: ${items}${event.data.fulfilment === 'pickup' ? ', for pickup' : ''}`;
    }
    case 'OrderConfirmed':
      return event.data.estimatedReadyAt ? `Confirmed by ${by}, ready by ${clock(event.data.estimatedReadyAt)}` : `Confirmed by ${by}`;
    case 'DiscountApplied':
      return `Discount ${event.data.code} applied: ${money(event.data.discountCents)} off`;
    case 'PaymentReceived':
      return `Paid ${money(event.data.amountCents)} by ${event.data.method}${statusBefore === 'CONFIRMED' ? '; the kitchen started cooking' : ''}`;
    case 'CookingStarted':
      return 'The kitchen started cooking';
    case 'OrderReady':
      return 'Ready';
    case 'OrderDispatched':
      return event.data.courier ? `Out for delivery with ${event.data.courier}` : 'Out for delivery';
    case 'OrderDelivered':
      return 'Delivered';
    case 'OrderPickedUp':
      return 'Picked up';
    case 'OrderCancelled':
      return `Cancelled by ${event.data.cancelledBy === 'staff' ? by : 'the customer'}: ${event.data.reason}`;
    case 'PaymentRefunded':
      return `Refunded ${money(event.data.amountCents)}`;
    default: {
      const unhandled: never = event;
      return (unhandled as { type: string }).type;
    }
  }
}
