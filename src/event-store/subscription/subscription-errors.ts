/**
 * The subscriber's stored checkpoint is not where this subscription left it
 * (a rebuild swapped the tables, another instance moved it): the subscription
 * opens its cursor again from the stored checkpoint and goes on. Not a failure.
 */
export class CheckpointMoved extends Error {
  constructor() {
    super('The stored checkpoint has moved');
  }
}

/** The subscriber is gone for good (a deleted webhook): the subscription stops and gives its lock back. */
export class SubscriberGone extends Error {}
