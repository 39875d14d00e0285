/** A data key to store beside the event it opens, by the same statement that appends the event. */
export interface NewDataKey {
  readonly keyId: string;
  /** Who the key belongs to, as a keyed hash (see PersonalData): what erasure finds the keys by. */
  readonly customerIndex: Buffer;
  /** The key itself, encrypted by the keyring key. */
  readonly wrappedKey: Buffer;
}

export interface SealedData {
  /** The data as the events table stores it, as JSON text. */
  readonly json: string;
  readonly key?: NewDataKey;
}

/** A stored row's type, version and data: open() replaces `data` with what readers receive. */
export interface StoredData {
  readonly type: string;
  readonly schema_version: number;
  data?: unknown;
}

/**
 * How event data is written and read: the store stays generic (streams,
 * versions, positions) and leaves what a payload holds to this. The app's
 * codec is PersonalData (src/personal-data), which encrypts personal fields;
 * a store built without one stores data as it is given.
 */
export abstract class EventDataCodec {
  /** The event's data as it is stored, and when it holds personal data, the key to store beside it. */
  abstract seal(streamId: string, eventId: string, type: string, schemaVersion: number, data: unknown): SealedData;
  /** Replaces each row's stored data, in place, by what readers receive: one query at most for the keys of the page. */
  abstract open(rows: readonly StoredData[]): Promise<void>;
  /** A snapshot's state as it is stored (JSON text); undefined: keep no snapshot (its personal data has no key to be sealed under). */
  abstract sealSnapshot(streamId: string, type: string, schemaVersion: number, state: unknown): Promise<string | undefined>;
  /** A stored snapshot's state as its reader receives it. */
  abstract openSnapshot(type: string, schemaVersion: number, state: unknown): Promise<unknown>;
  /** Whether events of this type may hold personal data, so that a copy held in memory can go stale when it is erased. */
  abstract mayHoldPersonalData(type: string): boolean;
  /** Whether the key of this id (an event's id) is gone: a copy of the event opened before then holds erased data. */
  abstract keyGone(keyId: string): Promise<boolean>;
}

/** Stores data as it is given: for stores built outside the app (tests, tools) and for data with no personal fields. */
export class PlainEventData extends EventDataCodec {
  seal(_streamId: string, _eventId: string, _type: string, _schemaVersion: number, data: unknown): SealedData {
    return { json: JSON.stringify(data) };
  }

  open(): Promise<void> {
    return Promise.resolve();
  }

  sealSnapshot(_streamId: string, _type: string, _schemaVersion: number, state: unknown): Promise<string | undefined> {
    return Promise.resolve(JSON.stringify(state));
  }

  openSnapshot(_type: string, _schemaVersion: number, state: unknown): Promise<unknown> {
    return Promise.resolve(state);
  }

  mayHoldPersonalData(): boolean {
    return false;
  }

  keyGone(): Promise<boolean> {
    return Promise.resolve(false);
  }
}
