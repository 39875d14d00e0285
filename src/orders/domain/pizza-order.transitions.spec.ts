import type { ErrorCode } from '../../common/errors/error-catalogue.js';
import { given } from '../../../test/support/orders/given-when-then.js';
import { at, HISTORIES } from '../../../test/support/orders/order-fixtures.js';
import type { PizzaOrder } from './pizza-order.js';
import type { OrderStatus } from './order-status.js';

interface Step {
  readonly act: (order: PizzaOrder) => void;
  /** The one status the step starts from. */
  readonly from: OrderStatus;
  /** The code every other status is refused with; the message names the status the order is in. */
  readonly refusal: ErrorCode;
  /** Statuses refused with another code (a pickup order is never dispatched). */
  readonly otherwise?: Partial<Record<OrderStatus, ErrorCode>>;
}

/**
 * The lifecycle as a table: each step of it, the status it starts from, and
 * what it answers every other status with. A cancelled order refuses every
 * step with ORDER_CANCELLED. Every cell below is a test; what each step does on
 * its own status is in the step's own spec.
 */
const STEPS: Record<string, Step> = {
  confirm: { act: (o) => o.confirm({ now: at(40) }), from: 'PENDING', refusal: 'ORDER_NOT_PENDING' },
  startCooking: { act: (o) => o.startCooking({ now: at(40) }), from: 'CONFIRMED', refusal: 'ORDER_NOT_CONFIRMED' },
  markReady: { act: (o) => o.markReady({ now: at(40) }), from: 'COOKING', refusal: 'ORDER_NOT_COOKING' },
  dispatch: {
    act: (o) => o.dispatch({ now: at(40) }),
    from: 'READY',
    refusal: 'ORDER_NOT_READY',
    otherwise: { PICKED_UP: 'PICKUP_ORDER_NOT_DISPATCHABLE' },
  },
  deliver: {
    act: (o) => o.deliver({ now: at(40) }),
    from: 'OUT_FOR_DELIVERY',
    refusal: 'ORDER_NOT_OUT_FOR_DELIVERY',
    // A pickup order ends by being collected when READY, through the same step.
    otherwise: { PICKED_UP: 'ORDER_NOT_READY' },
  },
};

const STATUSES = Object.keys(HISTORIES) as OrderStatus[];

const CELLS = Object.entries(STEPS).flatMap(([name, step]) =>
  STATUSES.filter((status) => status !== step.from).map((status) => {
    const code: ErrorCode = status === 'CANCELLED' ? 'ORDER_CANCELLED' : (step.otherwise?.[status] ?? step.refusal);
    return { name, step, status, code };
  }),
);

describe('PizzaOrder lifecycle: every step refuses every status but its own', () => {
  it.each(CELLS)('$name on a $status order: $code', ({ step, status, code }) => {
    const error = given(HISTORIES[status]).when(step.act).thenThrows(code);
    expect(error.kind).toBe('conflict');
    if (code === step.refusal) expect(error.message).toContain(status);
  });
});
