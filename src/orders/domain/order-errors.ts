import { AppError } from '../../common/errors/app-error.js';
import { statusOf, type ErrorCode } from '../../common/errors/error-catalogue.js';
import type { OrderStatus } from './order-status.js';

/** A broken business rule of an order; the catalogue says how each code is answered. */
export class DomainError extends AppError {
  constructor(code: ErrorCode, message: string, extra?: Record<string, unknown>) {
    super(code, message, extra);
  }

  /** Which sort of rule it is: a request that can never succeed, one against the order's state, or one for staff only. */
  get kind(): 'invalid' | 'conflict' | 'forbidden' | 'not-found' | 'stale' {
    return KIND_BY_STATUS[statusOf(this.code)] ?? 'conflict';
  }
}

const KIND_BY_STATUS: Record<number, DomainError['kind']> = {
  400: 'invalid',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  412: 'stale',
};

export const orderNotFound = (orderId: string): DomainError => new DomainError('ORDER_NOT_FOUND', `No order with id ${orderId}`);

/** If-Match did not hold: another version, or a weak tag, which never matches (RFC 9110). */
export const versionMismatch = (expected: { version: number; weak: boolean }, currentVersion: number): DomainError =>
  new DomainError(
    'VERSION_MISMATCH',
    expected.weak
      ? `If-Match holds a weak tag (W/"${expected.version}"), which never matches: send the ETag as given, "${currentVersion}"`
      : `The order is at version ${currentVersion}, not ${expected.version}: reload it and try again`,
    { currentVersion },
  );

export const concurrentUpdate = (): DomainError =>
  new DomainError('CONCURRENT_UPDATE', 'The order kept changing while we wrote to it: try again');

export const unknownDiscountCode = (code: string): DomainError =>
  new DomainError('DISCOUNT_CODE_UNKNOWN', `There is no discount code ${code}`);

export const orderHasNoItems = (): DomainError => new DomainError('ORDER_HAS_NO_ITEMS', 'The order must contain at least one item');

export const invalidQuantity = (index: number, quantity: number): DomainError =>
  new DomainError('INVALID_QUANTITY', `items.${index}.quantity must be a whole number from 1 to 20, got ${quantity}`);

export const deliveryAddressRequired = (): DomainError =>
  new DomainError('DELIVERY_ADDRESS_REQUIRED', 'customer.address must not be blank for a delivery order');

export const orderAlreadyPlaced = (orderId: string): DomainError =>
  new DomainError('ORDER_ALREADY_PLACED', `Order ${orderId} has already been placed`);

export const orderNotPending = (status: OrderStatus): DomainError =>
  new DomainError('ORDER_NOT_PENDING', `Only a pending order can be confirmed; this order is ${status}`);

export const orderAlreadyPaid = (): DomainError => new DomainError('ORDER_ALREADY_PAID', 'The order has already been paid');

export const orderCancelled = (): DomainError => new DomainError('ORDER_CANCELLED', 'The order has been cancelled');

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
  new DomainError('ORDER_NOT_OUT_FOR_DELIVERY', `Only an order out for delivery can be delivered; this order is ${status}`);

export const orderNotCancellable = (status: OrderStatus): DomainError =>
  new DomainError('ORDER_NOT_CANCELLABLE', `Only a pending or confirmed order can be cancelled; this order is ${status}`);

export const cancellationRequiresStaff = (): DomainError =>
  new DomainError('CANCELLATION_REQUIRES_STAFF', 'Once an order is confirmed only staff can cancel it');
