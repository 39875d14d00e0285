import type { ActorKind } from '../../common/auth/actor.js';
import { findDiscount } from '../../menu/discount-codes.js';
import { unknownDiscountCode } from '../domain/order-errors.js';
import type { PizzaOrder } from '../domain/pizza-order.js';

/** What each change to an existing order takes, as plain values: the HTTP DTOs map to these. */
export interface OrderChangeInputs {
  confirm: { readonly estimatedReadyAt: string | null; readonly kitchenNotes: string | null };
  pay: { readonly method: 'card' | 'cash'; readonly transactionId: string | null };
  discount: { readonly code: string };
  startCooking: Record<string, never>;
  ready: Record<string, never>;
  dispatch: { readonly courier: string | null };
  deliver: Record<string, never>;
  cancel: { readonly reason: string };
}

export type OrderChange = keyof OrderChangeInputs;

/** The decision on the order as it stands; it raises the change's events or throws the rule it breaks. */
export type Decide = (order: PizzaOrder, now: Date) => void;

interface ChangeRule<I> {
  /** The command's name in metrics and logs. */
  readonly name: string;
  /** Checks what needs no order first (an unknown discount code is a 400 whatever the order), then decides. */
  readonly decide: (input: I, actor: ActorKind) => Decide;
}

/**
 * Every change to an existing order: one row each, instead of a command class,
 * a handler and a controller method per change. New change: a row here, its
 * input above, its route in the controller.
 */
export const ORDER_CHANGES: { readonly [K in OrderChange]: ChangeRule<OrderChangeInputs[K]> } = {
  confirm: { name: 'ConfirmOrder', decide: (input) => (order, now) => order.confirm({ ...input, now }) },
  pay: { name: 'PayOrder', decide: (input) => (order, now) => order.pay({ ...input, now }) },
  discount: {
    name: 'ApplyDiscount',
    decide: ({ code }) => {
      const discount = findDiscount(code);
      if (!discount) throw unknownDiscountCode(code);
      return (order, now) => order.applyDiscount({ discount, now });
    },
  },
  startCooking: { name: 'StartCooking', decide: () => (order, now) => order.startCooking({ now }) },
  ready: { name: 'MarkReady', decide: () => (order, now) => order.markReady({ now }) },
  dispatch: { name: 'DispatchOrder', decide: (input) => (order, now) => order.dispatch({ ...input, now }) },
  deliver: { name: 'DeliverOrder', decide: () => (order, now) => order.deliver({ now }) },
  cancel: {
    name: 'CancelOrder',
    decide:
      ({ reason }, actor) =>
      (order, now) =>
        order.cancel({ reason, by: actor, now }),
  },
};
