/** A domain event as the store sees it: a class with a stable name and schema version, carrying plain JSON data. */
export interface StorableEvent<D = unknown> {
  readonly data: D;
}

// Any event class, whatever its data: the registry stores them side by side.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface EventClass<D = any, E extends StorableEvent<D> = StorableEvent<D>> {
  readonly type: string;
  readonly schemaVersion: number;
  new (data: D): E;
}

export interface EventMetadata {
  correlationId?: string;
  causationId?: string;
  actor?: { kind: 'customer' | 'staff' | 'system'; id?: string; name?: string | null; role?: string };
  [key: string]: unknown;
}

/** Where a reader stands in the global log: (transaction id, position) order is commit-safe. */
export interface LogCheckpoint {
  readonly transactionId: string;
  readonly position: number;
}

export const LOG_START: LogCheckpoint = { transactionId: '0', position: 0 };

export interface RecordedEvent<E extends StorableEvent = StorableEvent> {
  readonly eventId: string;
  readonly streamId: string;
  readonly version: number;
  readonly position: number;
  readonly transactionId: string;
  readonly type: string;
  /** The version the event was stored under; `event` has been upcast to the current one. */
  readonly storedSchemaVersion: number;
  readonly occurredAt: string;
  readonly metadata: EventMetadata;
  readonly event: E;
}

export interface AppendResult<E extends StorableEvent = StorableEvent> {
  readonly streamId: string;
  readonly nextExpectedVersion: number;
  readonly lastPosition: number;
  readonly events: RecordedEvent<E>[];
}

export function compareCheckpoints(a: LogCheckpoint, b: LogCheckpoint): number {
  const ta = BigInt(a.transactionId);
  const tb = BigInt(b.transactionId);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.position - b.position;
}
