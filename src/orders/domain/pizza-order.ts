import type { Discount } from '../../menu/discount-codes.js';
import { computeDiscountCents, MAX_ITEM_QUANTITY, MIN_ITEM_QUANTITY, type PricedItem } from '../../menu/pricing.js';
import {
  cancellationRequiresStaff,
  discountAlreadyApplied,
  invalidQuantity,
  orderAlreadyPaid,
  orderAlreadyPlaced,
  orderCancelled,
  orderHasNoItems,
  deliveryAddressRequired,
  orderNotCancellable,
  orderNotConfirmed,
  orderNotCooking,
  orderNotOutForDelivery,
  orderNotPending,
  orderNotReady,
  pickupOrderNotDispatchable,
} from './order-errors.js';
import {
  CookingStarted,
  DiscountApplied,
  OrderCancelled,
  OrderConfirmed,
  OrderDelivered,
  OrderDispatched,
  OrderPickedUp,
  OrderPlaced,
  OrderReady,
  PaymentReceived,
  PaymentRefunded,
  type CancelledBy,
  type Fulfilment,
  type OrderEvent,
  type PaymentMethod,
} from './order-events.js';
import type { OrderStatus, PaymentStatus } from './order-status.js';
import { evolve, type PizzaOrderState } from './pizza-order-state.js';

export interface PlaceOrderInput {
  orderId: string;
  customer: { name: string; phone: string; address?: string | null };
  items: PricedItem[];
  fulfilment?: Fulfilment;
  notes?: string | null;
  now: Date;
}

export interface OrderSnapshot {
  version: number;
  state: PizzaOrderState;
}

// Commands guard a rule and raise events; only `apply` changes state, and
// loading from history uses the very same `apply`.
export class PizzaOrder {
  #state: PizzaOrderState | null;
  #version: number;
  #expectedVersion = 0;
  #newEvents: OrderEvent[] = [];

  private constructor(state: PizzaOrderState | null, version: number) {
    this.#state = state;
    this.#version = version;
  }

  // `history` is whatever the stream already holds: anything there means the
  // id is taken, e.g. a retried place that lost an append race.
  static place(input: PlaceOrderInput, history: readonly OrderEvent[] = []): PizzaOrder {
    if (history.length > 0) throw orderAlreadyPlaced(input.orderId);
    if (input.items.length === 0) throw orderHasNoItems();
    const address = input.customer.address?.trim() || null;
    // No fulfilment named: a delivery when there is somewhere to deliver to, else a pickup.
    const fulfilment = input.fulfilment ?? (address ? 'delivery' : 'pickup');
    if (fulfilment === 'delivery' && !address) throw deliveryAddressRequired();
    input.items.forEach((item, index) => {
      const valid = Number.isInteger(item.quantity) && item.quantity >= MIN_ITEM_QUANTITY && item.quantity <= MAX_ITEM_QUANTITY;
      if (!valid) throw invalidQuantity(index, item.quantity);
    });

    const order = new PizzaOrder(null, 0);
    order.raise(
      new OrderPlaced({
        orderId: input.orderId,
        customer: {
          name: input.customer.name,
          phone: input.customer.phone,
          address,
        },
        items: input.items.map((item) => ({ ...item, toppings: [...item.toppings] })),
        fulfilment,
        notes: input.notes ?? null,
        subtotalCents: input.items.reduce((sum, item) => sum + item.lineTotalCents, 0),
        placedAt: input.now.toISOString(),
      }),
    );
    return order;
  }

  // With a snapshot, `events` are only those after `snapshot.version`.
  static fromHistory(events: readonly OrderEvent[], snapshot?: OrderSnapshot): PizzaOrder {
    const order = snapshot ? new PizzaOrder(structuredClone(snapshot.state), snapshot.version) : new PizzaOrder(null, 0);
    for (const event of events) order.apply(event);
    if (!order.#state) throw new Error('An order can not be loaded from an empty history');
    order.#expectedVersion = order.#version;
    return order;
  }

  confirm(input: { estimatedReadyAt?: string | null; kitchenNotes?: string | null; now: Date }): void {
    const state = this.state;
    if (state.status === 'CANCELLED') throw orderCancelled();
    if (state.status !== 'PENDING') throw orderNotPending(state.status);
    this.raise(
      new OrderConfirmed({
        orderId: state.id,
        estimatedReadyAt: input.estimatedReadyAt ?? null,
        kitchenNotes: input.kitchenNotes ?? null,
        confirmedAt: input.now.toISOString(),
      }),
    );
  }

  pay(input: { method: PaymentMethod; transactionId?: string | null; now: Date }): void {
    const state = this.state;
    if (state.status === 'CANCELLED') throw orderCancelled();
    if (state.paymentStatus !== 'UNPAID') throw orderAlreadyPaid();
    this.raise(
      new PaymentReceived({
        orderId: state.id,
        method: input.method,
        transactionId: input.transactionId ?? null,
        amountCents: state.totalCents,
        paidAt: input.now.toISOString(),
      }),
    );
  }

  applyDiscount(input: { discount: Discount; now: Date }): void {
    const state = this.state;
    if (state.status === 'CANCELLED') throw orderCancelled();
    if (state.paymentStatus !== 'UNPAID') throw orderAlreadyPaid();
    if (state.discountCode !== null) throw discountAlreadyApplied(state.discountCode);
    this.raise(
      new DiscountApplied({
        orderId: state.id,
        code: input.discount.code,
        kind: input.discount.kind,
        discountCents: computeDiscountCents(input.discount, state.subtotalCents),
        appliedAt: input.now.toISOString(),
      }),
    );
  }

  startCooking(input: { now: Date }): void {
    const state = this.state;
    if (state.status === 'CANCELLED') throw orderCancelled();
    if (state.status !== 'CONFIRMED') throw orderNotConfirmed(state.status);
    this.raise(new CookingStarted({ orderId: state.id, startedAt: input.now.toISOString() }));
  }

  markReady(input: { now: Date }): void {
    const state = this.state;
    if (state.status === 'CANCELLED') throw orderCancelled();
    if (state.status !== 'COOKING') throw orderNotCooking(state.status);
    this.raise(new OrderReady({ orderId: state.id, readyAt: input.now.toISOString() }));
  }

  dispatch(input: { courier?: string | null; now: Date }): void {
    const state = this.state;
    if (state.status === 'CANCELLED') throw orderCancelled();
    if (state.fulfilment === 'pickup') throw pickupOrderNotDispatchable();
    if (state.status !== 'READY') throw orderNotReady(state.status);
    this.raise(new OrderDispatched({ orderId: state.id, courier: input.courier ?? null, dispatchedAt: input.now.toISOString() }));
  }

  // One endpoint ends both flows: a courier hands over a delivery, or the
  // customer collects a pickup order from the counter.
  deliver(input: { now: Date }): void {
    const state = this.state;
    const at = input.now.toISOString();
    if (state.status === 'CANCELLED') throw orderCancelled();
    if (state.fulfilment === 'pickup') {
      if (state.status !== 'READY') throw orderNotReady(state.status);
      this.raise(new OrderPickedUp({ orderId: state.id, pickedUpAt: at }));
      return;
    }
    if (state.status !== 'OUT_FOR_DELIVERY') throw orderNotOutForDelivery(state.status);
    this.raise(new OrderDelivered({ orderId: state.id, deliveredAt: at }));
  }

  // "Not cancellable" wins over "requires staff": telling a customer to ask
  // staff would be wrong when staff could not cancel either.
  cancel(input: { reason: string; by: CancelledBy; now: Date }): void {
    const state = this.state;
    const at = input.now.toISOString();
    if (state.status === 'CANCELLED') throw orderCancelled();
    if (state.status !== 'PENDING' && state.status !== 'CONFIRMED') throw orderNotCancellable(state.status);
    if (input.by === 'customer' && state.status !== 'PENDING') throw cancellationRequiresStaff();
    this.raise(new OrderCancelled({ orderId: state.id, reason: input.reason, cancelledBy: input.by, cancelledAt: at }));
    if (state.paymentStatus === 'PAID') {
      this.raise(new PaymentRefunded({ orderId: state.id, amountCents: state.paidCents, refundedAt: at }));
    }
  }

  // Returns and forgets the events raised since loading. `expectedVersion`
  // deliberately stays at the loaded version: it is the expected version for
  // appending exactly these events, and an instance serves one command.
  pullNewEvents(): OrderEvent[] {
    const events = this.#newEvents;
    this.#newEvents = [];
    return events;
  }

  toSnapshot(): PizzaOrderState {
    return structuredClone(this.state);
  }

  get id(): string {
    return this.state.id;
  }

  // Events applied so far, new ones included: the stream version after a successful append.
  get version(): number {
    return this.#version;
  }

  get expectedVersion(): number {
    return this.#expectedVersion;
  }

  get status(): OrderStatus {
    return this.state.status;
  }

  get paymentStatus(): PaymentStatus {
    return this.state.paymentStatus;
  }

  get fulfilment(): Fulfilment {
    return this.state.fulfilment;
  }

  get subtotalCents(): number {
    return this.state.subtotalCents;
  }

  get discountCents(): number {
    return this.state.discountCents;
  }

  get totalCents(): number {
    return this.state.totalCents;
  }

  private get state(): PizzaOrderState {
    if (!this.#state) throw new Error('The order has not been placed');
    return this.#state;
  }

  private raise(event: OrderEvent): void {
    this.apply(event);
    this.#newEvents.push(event);
  }

  private apply(event: OrderEvent): void {
    this.#state = evolve(this.#state, event);
    this.#version += 1;
  }
}
