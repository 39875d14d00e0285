import type { OrderStatus } from './order-status.js';

export type DomainErrorKind = 'conflict' | 'invalid' | 'forbidden';

// A broken business rule. `code` is the stable identifier clients branch on;
// `kind` is all the HTTP layer needs to choose a status code.
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly kind: DomainErrorKind = 'conflict',
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const orderHasNoItems = (): DomainError =>
  new DomainError('ORDER_HAS_NO_ITEMS', 'The order must contain at least one item', 'invalid');

export const invalidQuantity = (index: number, quantity: number): DomainError =>
  new DomainError(
    'INVALID_QUANTITY',
    `items.${index}.quantity must be a whole number from 1 to 20, got ${quantity}`,
    'invalid',
  );

export const deliveryAddressRequired = (): DomainError =>
  new DomainError('DELIVERY_ADDRESS_REQUIRED', 'customer.address must not be blank for a delivery order', 'invalid');

export const orderAlreadyPlaced = (orderId: string): DomainError =>
  new DomainError('ORDER_ALREADY_PLACED', `Order ${orderId} has already been placed`);

export const orderNotPending = (status: OrderStatus): DomainError =>
  new DomainError('ORDER_NOT_PENDING', `Only a pending order can be confirmed; this order is ${status}`);

export const orderAlreadyPaid = (): DomainError =>
  new DomainError('ORDER_ALREADY_PAID', 'The order has already been paid');

export const orderCancelled = (): DomainError =>
  new DomainError('ORDER_CANCELLED', 'The order has been cancelled');

export const discountAlreadyApplied = (code: string): DomainError =>
  new DomainError('DISCOUNT_ALREADY_APPLIED', `A discount (${code}) has already been applied to this order`);

export const orderNotConfirmed = (status: OrderStatus): DomainError =>
  new DomainError('ORDER_NOT_CONFIRMED', `Cooking can only start on a confirmed order; this order is ${status}`);

export const orderNotCooking = (status: OrderStatus): DomainError =>
  new DomainError('ORDER_NOT_COOKING', `Only an order being cooked can be marked ready; this order is ${status}`);

export const orderNotReady = (status: OrderStatus): DomainError =>
  new DomainError('ORDER_NOT_READY', `The order is not ready yet; it is ${status}`);

export const pickupOrderNotDispatchable = (): DomainError =>
  new DomainError('PICKUP_ORDER_NOT_DISPATCHABLE', 'A pickup order is collected by the customer, not dispatched');

export const orderNotOutForDelivery = (status: OrderStatus): DomainError =>
  new DomainError(
    'ORDER_NOT_OUT_FOR_DELIVERY',
    `Only an order out for delivery can be delivered; this order is ${status}`,
  );

export const orderNotCancellable = (status: OrderStatus): DomainError =>
  new DomainError(
    'ORDER_NOT_CANCELLABLE',
    `Only a pending or confirmed order can be cancelled; this order is ${status}`,
  );

export const cancellationRequiresStaff = (): DomainError =>
  new DomainError(
    'CANCELLATION_REQUIRES_STAFF',
    'Once an order is confirmed only staff can cancel it',
    'forbidden',
  );
