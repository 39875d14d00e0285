export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'COOKING' | 'READY' | 'OUT_FOR_DELIVERY' | 'DELIVERED' | 'PICKED_UP' | 'CANCELLED';

export type PaymentStatus = 'UNPAID' | 'PAID' | 'REFUNDED';

/**
 * Paying a CONFIRMED order starts its cooking: the payment event itself does
 * it (one event, one version), so the order's state and every read model
 * that shows a status apply this one rule to PaymentReceived (read-model rows
 * hold the status as plain text, hence the string).
 */
export function paymentStartsCooking(status: string): boolean {
  return status === 'CONFIRMED';
}
