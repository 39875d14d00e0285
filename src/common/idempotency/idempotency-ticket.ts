/**
 * A request's claim on its Idempotency-Key, handed to the write that serves it
 * so the answer is stored in the write's own transaction (IdempotentWrite):
 * the key, the lease that proves the claim, and the status the answer will have.
 */
export interface IdempotencyTicket {
  readonly key: string;
  readonly lease: string;
  readonly status: number;
  completed: boolean;
}
