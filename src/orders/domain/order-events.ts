import type { PricedItem } from '../../menu/pricing.js';

// Events are stored under their static `type` and `schemaVersion`, never under
// constructor.name, so renaming or minifying a class can not orphan history.
// The `type` getter lives on the prototype: it gives TypeScript a discriminant
// for exhaustive switches while an instance's own data stays just `{ data }`.

export type Fulfilment = 'delivery' | 'pickup';
export type PaymentMethod = 'card' | 'cash';
export type CancelledBy = 'customer' | 'staff';

export interface OrderCustomer {
  readonly name: string;
  readonly phone: string;
  readonly address: string | null;
}

export interface OrderPlacedData {
  readonly orderId: string;
  readonly customer: OrderCustomer;
  readonly items: readonly PricedItem[];
  readonly fulfilment: Fulfilment;
  readonly notes: string | null;
  readonly subtotalCents: number;
  readonly placedAt: string;
}

export class OrderPlaced {
  static readonly type = 'OrderPlaced';
  // Version 2 is the current payload shape; older stored versions are upcast
  // by the event store before they reach the domain.
  static readonly schemaVersion = 2;
  constructor(readonly data: OrderPlacedData) {}
  get type(): typeof OrderPlaced.type {
    return OrderPlaced.type;
  }
}

export interface OrderConfirmedData {
  readonly orderId: string;
  readonly estimatedReadyAt: string | null;
  readonly kitchenNotes: string | null;
  readonly confirmedAt: string;
}

export class OrderConfirmed {
  static readonly type = 'OrderConfirmed';
  static readonly schemaVersion = 1;
  constructor(readonly data: OrderConfirmedData) {}
  get type(): typeof OrderConfirmed.type {
    return OrderConfirmed.type;
  }
}

export interface DiscountAppliedData {
  readonly orderId: string;
  readonly code: string;
  readonly kind: 'percent' | 'fixed';
  readonly discountCents: number;
  readonly appliedAt: string;
}

export class DiscountApplied {
  static readonly type = 'DiscountApplied';
  static readonly schemaVersion = 1;
  constructor(readonly data: DiscountAppliedData) {}
  get type(): typeof DiscountApplied.type {
    return DiscountApplied.type;
  }
}

export interface PaymentReceivedData {
  readonly orderId: string;
  readonly method: PaymentMethod;
  readonly transactionId: string | null;
  readonly amountCents: number;
  readonly paidAt: string;
}

// Applying it to a CONFIRMED order also moves the order to COOKING: the seed's
// rule, kept as one event so the stream version moves by one.
export class PaymentReceived {
  static readonly type = 'PaymentReceived';
  static readonly schemaVersion = 1;
  constructor(readonly data: PaymentReceivedData) {}
  get type(): typeof PaymentReceived.type {
    return PaymentReceived.type;
  }
}

export interface CookingStartedData {
  readonly orderId: string;
  readonly startedAt: string;
}

export class CookingStarted {
  static readonly type = 'CookingStarted';
  static readonly schemaVersion = 1;
  constructor(readonly data: CookingStartedData) {}
  get type(): typeof CookingStarted.type {
    return CookingStarted.type;
  }
}

export interface OrderReadyData {
  readonly orderId: string;
  readonly readyAt: string;
}

export class OrderReady {
  static readonly type = 'OrderReady';
  static readonly schemaVersion = 1;
  constructor(readonly data: OrderReadyData) {}
  get type(): typeof OrderReady.type {
    return OrderReady.type;
  }
}

export interface OrderDispatchedData {
  readonly orderId: string;
  readonly courier: string | null;
  readonly dispatchedAt: string;
}

export class OrderDispatched {
  static readonly type = 'OrderDispatched';
  static readonly schemaVersion = 1;
  constructor(readonly data: OrderDispatchedData) {}
  get type(): typeof OrderDispatched.type {
    return OrderDispatched.type;
  }
}

export interface OrderDeliveredData {
  readonly orderId: string;
  readonly deliveredAt: string;
}

export class OrderDelivered {
  static readonly type = 'OrderDelivered';
  static readonly schemaVersion = 1;
  constructor(readonly data: OrderDeliveredData) {}
  get type(): typeof OrderDelivered.type {
    return OrderDelivered.type;
  }
}

export interface OrderPickedUpData {
  readonly orderId: string;
  readonly pickedUpAt: string;
}

export class OrderPickedUp {
  static readonly type = 'OrderPickedUp';
  static readonly schemaVersion = 1;
  constructor(readonly data: OrderPickedUpData) {}
  get type(): typeof OrderPickedUp.type {
    return OrderPickedUp.type;
  }
}

export interface OrderCancelledData {
  readonly orderId: string;
  readonly reason: string;
  readonly cancelledBy: CancelledBy;
  readonly cancelledAt: string;
}

export class OrderCancelled {
  static readonly type = 'OrderCancelled';
  static readonly schemaVersion = 1;
  constructor(readonly data: OrderCancelledData) {}
  get type(): typeof OrderCancelled.type {
    return OrderCancelled.type;
  }
}

export interface PaymentRefundedData {
  readonly orderId: string;
  readonly amountCents: number;
  readonly refundedAt: string;
}

export class PaymentRefunded {
  static readonly type = 'PaymentRefunded';
  static readonly schemaVersion = 1;
  constructor(readonly data: PaymentRefundedData) {}
  get type(): typeof PaymentRefunded.type {
    return PaymentRefunded.type;
  }
}

export type OrderEvent =
  | OrderPlaced
  | OrderConfirmed
  | DiscountApplied
  | PaymentReceived
  | CookingStarted
  | OrderReady
  | OrderDispatched
  | OrderDelivered
  | OrderPickedUp
  | OrderCancelled
  | PaymentRefunded;

export type OrderEventType = OrderEvent['type'];

export const ORDER_EVENT_CLASSES = [
  OrderPlaced,
  OrderConfirmed,
  DiscountApplied,
  PaymentReceived,
  CookingStarted,
  OrderReady,
  OrderDispatched,
  OrderDelivered,
  OrderPickedUp,
  OrderCancelled,
  PaymentRefunded,
] as const;

export type OrderEventClass = (typeof ORDER_EVENT_CLASSES)[number];
