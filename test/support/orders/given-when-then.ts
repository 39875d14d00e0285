import { expect } from '@jest/globals';
import { DomainError } from '../../../src/orders/domain/order-errors.js';
import type { OrderEvent } from '../../../src/orders/domain/order-events.js';
import { PizzaOrder, type PlaceOrderInput } from '../../../src/orders/domain/pizza-order.js';

type Outcome = { order: PizzaOrder; events: OrderEvent[] } | { error: unknown };

// Events are compared as `{ type, data }` so a wrong class with the same
// payload shape still fails, and the diff reads like the stored stream.
const asStored = (events: readonly OrderEvent[]) => events.map((event) => ({ type: event.type, data: event.data }));

// Not awaitable despite `then`: specs call it synchronously and it returns the
// aggregate, never the outcome object, so nothing ever treats it as a promise.
class Then {
  constructor(private readonly outcome: Outcome) {}

  then(expected: readonly OrderEvent[]): PizzaOrder {
    if ('error' in this.outcome) {
      throw new Error(`Expected events but the command threw: ${String(this.outcome.error)}`);
    }
    expect(asStored(this.outcome.events)).toEqual(asStored(expected));
    return this.outcome.order;
  }

  thenThrows(code: string): DomainError {
    if (!('error' in this.outcome)) {
      const raised = asStored(this.outcome.events).map((event) => event.type);
      throw new Error(`Expected ${code} but the command raised [${raised.join(', ')}]`);
    }
    expect(this.outcome.error).toBeInstanceOf(DomainError);
    expect((this.outcome.error as DomainError).code).toBe(code);
    return this.outcome.error as DomainError;
  }
}

function run(decide: () => PizzaOrder): Then {
  try {
    const order = decide();
    return new Then({ order, events: order.pullNewEvents() });
  } catch (error) {
    return new Then({ error });
  }
}

export function given(history: readonly OrderEvent[]) {
  return {
    when(command: (order: PizzaOrder) => void): Then {
      return run(() => {
        const order = PizzaOrder.fromHistory(history);
        command(order);
        return order;
      });
    },
    whenPlacing(input: PlaceOrderInput): Then {
      return run(() => PizzaOrder.place(input, history));
    },
  };
}
