import type { KitchenQueueRow } from '../read-models/kitchen-queue.projection.js';
import type { OrderDetailsRow } from '../read-models/order-details.projection.js';
import type { KitchenTicketView, OrderView } from './dto/order-responses.dto.js';

// The answers' shapes are written once, as the classes the OpenAPI document
// shows (dto/order-responses.dto.ts); these only map a row onto them, and the
// compiler holds each mapping to its class, field for field.

function iso(value: string | Date): string;
function iso(value: string | Date | null): string | null;
function iso(value: string | Date | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}

/** The order as GET /orders/{id} shows it, from its read-model row. */
export function toOrderView(row: OrderDetailsRow): OrderView {
  return {
    orderId: row.order_id,
    status: row.status,
    paymentStatus: row.payment_status,
    fulfilment: row.fulfilment,
    customer: row.customer,
    items: row.items,
    notes: row.notes,
    subtotalCents: row.subtotal_cents,
    discountCode: row.discount_code,
    discountCents: row.discount_cents,
    totalCents: row.total_cents,
    paidCents: row.paid_cents,
    refundedCents: row.refunded_cents,
    paymentMethod: row.payment_method,
    kitchenNotes: row.kitchen_notes,
    courier: row.courier,
    cancellationReason: row.cancellation_reason,
    placedAt: iso(row.placed_at),
    confirmedAt: iso(row.confirmed_at),
    estimatedReadyAt: iso(row.estimated_ready_at),
    updatedAt: iso(row.updated_at),
    version: row.version,
  };
}

export function toKitchenTicket(row: KitchenQueueRow): KitchenTicketView {
  return {
    orderId: row.order_id,
    status: row.status,
    fulfilment: row.fulfilment,
    customerName: row.customer_name,
    items: row.items,
    notes: row.notes,
    kitchenNotes: row.kitchen_notes,
    paymentStatus: row.payment_status,
    placedAt: iso(row.placed_at),
    confirmedAt: iso(row.confirmed_at),
    cookingStartedAt: iso(row.cooking_started_at),
    estimatedReadyAt: iso(row.estimated_ready_at),
    version: row.version,
  };
}
