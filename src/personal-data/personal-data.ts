import { timingSafeEqual } from 'node:crypto';
import { Database } from '../database/database.js';
import { EventDataCodec, type NewDataKey, type SealedData, type StoredData } from '../event-store/event-data-codec.js';
import type { KeyObject } from 'node:crypto';
import { hmac, keyObject, newKey, open, seal, type Key } from './personal-data-crypto.js';

/** What a reader gets in place of a personal field whose key was erased. */
export const ERASED = '[erased]';

/** Where the personal fields of a stored payload are kept, sealed, in place of the fields themselves. */
export const SEALED_FIELD = '$personal';

/** The fields of one payload shape (an event type at one stored schema version, or a snapshot type) that are personal. */
export interface PersonalFields {
  /** Dotted paths to the personal fields (customer.name, notes). A field that is null or absent holds nothing and stays as it is. */
  readonly fields: readonly string[];
  /** The customer's phone number in the payload: who the data belongs to. Event rules only. */
  readonly customerPhone?: (data: never) => string;
}

interface SealedBox {
  readonly key: string;
  readonly fields: readonly string[];
  readonly box: string;
}

/** The keyring row's decrypted contents: what the master key unlocks. */
export interface Keyring {
  /** Wraps every data key (AES-256-GCM). */
  readonly keyringKey: Buffer;
  /** Keys the blind index (HMAC-SHA256) of phone numbers. */
  readonly indexKey: Buffer;
}

export interface PersonalDataOptions {
  /** How long an unwrapped key is kept in memory: the backstop of an erasure another instance made (its feed evicts sooner). */
  readonly cacheTtlMs: number;
  readonly cacheMax?: number;
  /** Normalises a phone number to E.164, or undefined when it is not one. */
  readonly normalisePhone: (phone: string) => string | undefined;
}

const DEFAULT_CACHE_MAX = 50_000;
const E164 = /^\+[1-9][0-9]{6,14}$/;
/** Phone numbers whose index is remembered; the memo starts afresh when full. */
const INDEX_MEMO = 10_000;

interface CachedKey {
  /**
   * The key as a KeyObject: node:crypto would turn a Buffer into one on every use, and a small
   * Buffer (a slice of Node's 8 KiB allocation pool) would keep its whole slab alive in the cache.
   * undefined: the key is gone (erased); a sealed payload under it reads as erased for good.
   */
  readonly key: KeyObject | undefined;
  readonly until: number;
}

const LOAD_KEYS = 'SELECT key_id::text AS key_id, wrapped_key FROM personal_data_keys WHERE key_id = ANY($1::uuid[])';
const STREAM_KEY = `SELECT k.key_id::text AS key_id, k.wrapped_key
  FROM events e JOIN personal_data_keys k ON k.key_id = e.event_id
 WHERE e.stream_id = $1 ORDER BY e.version LIMIT 1`;

/**
 * Crypto-shredding of the personal fields of events and snapshots. Each event
 * that holds personal data gets a random data key of its own (its id is the
 * event's id), generated in-process, wrapped by the keyring key and stored in
 * personal_data_keys by the statement that appends the event: no extra round
 * trip and no lookup on the hot path. The key row carries the customer's
 * blind index (HMAC of the normalised phone number), so "the customer's key"
 * is every key with that index, and erasure deletes them all.
 *
 * On append the personal fields leave the payload for one AES-256-GCM
 * ciphertext under `$personal`; on read they come back, or, when the key is
 * gone, as "[erased]". Keys are loaded for a page of rows in one query and
 * kept unwrapped in a bounded cache with a TTL.
 */
export class PersonalData extends EventDataCodec {
  private readonly eventRules = new Map<string, PersonalFields>();
  private readonly snapshotRules = new Map<string, PersonalFields>();
  private readonly typesWithRules = new Set<string>();
  // Two generations: entries go into `recent`; when it holds half the bound it becomes `older`
  // and the one before is dropped whole. O(1) per key, with no walk over a Map's deleted slots.
  private recent = new Map<string, CachedKey>();
  private older = new Map<string, CachedKey>();
  private readonly cacheMax: number;
  private readonly indexes = new Map<string, Buffer>();
  private readonly keyringKey: Key;
  private readonly indexKey: Key;

  constructor(
    private readonly db: Database,
    keyring: Keyring,
    private readonly options: PersonalDataOptions,
  ) {
    super();
    this.cacheMax = options.cacheMax ?? DEFAULT_CACHE_MAX;
    this.keyringKey = keyObject(keyring.keyringKey);
    this.indexKey = keyObject(keyring.indexKey);
  }

  /** Declares which fields of an event type, at a stored schema version, are personal. */
  registerEvent(type: string, schemaVersion: number, rule: PersonalFields): void {
    if (!rule.customerPhone) throw new Error(`The personal fields of ${type} v${schemaVersion} need customerPhone`);
    this.eventRules.set(`${type}@${schemaVersion}`, rule);
    this.typesWithRules.add(type);
  }

  registerSnapshot(type: string, schemaVersion: number, rule: PersonalFields): void {
    this.snapshotRules.set(`${type}@${schemaVersion}`, rule);
  }

  /** Whether a payload of this type and stored version has personal fields to seal. */
  hasRule(type: string, schemaVersion: number): boolean {
    return this.eventRules.has(`${type}@${schemaVersion}`);
  }

  /** Whether stored data is sealed already. */
  isSealed(data: unknown): boolean {
    return sealedBoxOf(data) !== undefined;
  }

  mayHoldPersonalData(type: string): boolean {
    return this.typesWithRules.has(type);
  }

  /** The blind index of a customer: HMAC-SHA256 of the normalised phone number (its digits when it does not normalise). */
  customerIndex(phone: string): Buffer {
    // The projection of an order asks for the index its append just computed: a small memo saves the HMAC.
    const known = this.indexes.get(phone);
    if (known) return known;
    const index = hmac(this.indexKey, `customer:${this.normalised(phone)}`);
    if (this.indexes.size >= INDEX_MEMO) this.indexes.clear();
    this.indexes.set(phone, index);
    return index;
  }

  /**
   * A number already in E.164 (what events store) is taken as it is: parsing it
   * again with libphonenumber, on every append and projected order, cost more
   * than the encryption. Anything else is normalised, or failing that its digits.
   */
  private normalised(phone: string): string {
    if (E164.test(phone)) return phone;
    return this.options.normalisePhone(phone) ?? digitsOf(phone);
  }

  /** The blind index of a phone number's last four digits: narrows a search by trailing digits without storing them. */
  suffixIndex(digits: string): Buffer {
    return hmac(this.indexKey, `last4:${digits.slice(-4)}`);
  }

  /** The last four digits of a phone number as stored (E.164), for suffixIndex. */
  phoneSuffix(phone: string): string {
    return digitsOf(this.normalised(phone)).slice(-4);
  }

  seal(_streamId: string, eventId: string, type: string, schemaVersion: number, data: unknown): SealedData {
    const rule = this.eventRules.get(`${type}@${schemaVersion}`);
    if (!rule) return { json: JSON.stringify(data) };
    const picked = pick(data, rule.fields);
    if (!picked) return { json: JSON.stringify(data) };
    const raw = newKey();
    const key = keyObject(raw);
    const box = seal(key, Buffer.from(JSON.stringify(picked.values)), boxAad(eventId, picked.fields)).toString('base64');
    const customerIndex = this.customerIndex((rule.customerPhone as (data: unknown) => string)(data));
    const sealedKey: NewDataKey = { keyId: eventId, customerIndex, wrappedKey: this.wrap(eventId, raw) };
    raw.fill(0);
    this.remember(eventId, key);
    const stored = { ...(picked.rest as object), [SEALED_FIELD]: { key: eventId, fields: picked.fields, box } satisfies SealedBox };
    return { json: JSON.stringify(stored), key: sealedKey };
  }

  /** Wraps a data key under the keyring key, bound to its id. */
  wrap(keyId: string, key: Buffer): Buffer {
    return seal(this.keyringKey, key, `data-key:${keyId}`);
  }

  async open(rows: readonly StoredData[]): Promise<void> {
    // The keys are taken once for the page: an entry that expires while the missing ones load is still the one used.
    const keys = new Map<string, KeyObject | undefined>();
    let wanted: string[] | undefined;
    for (const row of rows) {
      const sealed = sealedBoxOf(row.data);
      if (!sealed || keys.has(sealed.key)) continue;
      const entry = this.cached(sealed.key);
      if (entry) keys.set(sealed.key, entry.key);
      else (wanted ??= []).push(sealed.key);
    }
    if (wanted) for (const [id, key] of await this.loadKeys(wanted)) keys.set(id, key);
    for (const row of rows) {
      const sealed = sealedBoxOf(row.data);
      if (sealed) row.data = this.openBox(row.data as Record<string, unknown>, sealed, keys.get(sealed.key));
    }
  }

  async sealSnapshot(streamId: string, type: string, schemaVersion: number, state: unknown): Promise<string | undefined> {
    const rule = this.snapshotRules.get(`${type}@${schemaVersion}`);
    const picked = rule && pick(state, rule.fields);
    if (!picked) return JSON.stringify(state);
    const [row] = await this.db.query<{ key_id: string; wrapped_key: Buffer }>(STREAM_KEY, [streamId]);
    // No key: the customer was erased, or the stream predates sealing and is not sealed yet. Either way
    // its personal data has nothing to be sealed under, so no snapshot is kept (a snapshot is only a cache).
    if (!row) return undefined;
    const key = this.unwrapAndRemember(row.key_id, row.wrapped_key);
    const box = seal(key, Buffer.from(JSON.stringify(picked.values)), boxAad(`snapshot:${row.key_id}`, picked.fields)).toString('base64');
    return JSON.stringify({ ...(picked.rest as object), [SEALED_FIELD]: { key: row.key_id, fields: picked.fields, box } });
  }

  async openSnapshot(_type: string, _schemaVersion: number, state: unknown): Promise<unknown> {
    const sealed = sealedBoxOf(state);
    if (!sealed) return state;
    return this.openBox(state as Record<string, unknown>, sealed, await this.keyOf(sealed.key), 'snapshot:');
  }

  async keyGone(keyId: string): Promise<boolean> {
    return (await this.keyOf(keyId)) === undefined;
  }

  /** The unwrapped key, from the cache or the database; undefined when it is gone. */
  private async keyOf(keyId: string): Promise<KeyObject | undefined> {
    const entry = this.cached(keyId);
    if (entry) return entry.key;
    return (await this.loadKeys([keyId])).get(keyId);
  }

  /** Forgets erased keys at once: what every instance does when its feed delivers CustomerDataErased. */
  evict(keyIds: readonly string[]): void {
    const until = Date.now() + 365 * 24 * 3_600_000;
    for (const keyId of keyIds) this.put(keyId, { key: undefined, until });
  }

  private openBox(data: Record<string, unknown>, sealed: SealedBox, key: KeyObject | undefined, aadPrefix = ''): Record<string, unknown> {
    const { [SEALED_FIELD]: _, ...rest } = data;
    if (!key) return erasedCopy(rest, sealed.fields) as Record<string, unknown>;
    const values = JSON.parse(
      open(key, Buffer.from(sealed.box, 'base64'), boxAad(`${aadPrefix}${sealed.key}`, sealed.fields), 'personal data').toString('utf8'),
    ) as unknown[];
    return put(rest, sealed.fields, values) as Record<string, unknown>;
  }

  private cached(keyId: string): CachedKey | undefined {
    let entry = this.recent.get(keyId);
    if (!entry) {
      entry = this.older.get(keyId);
      if (entry) this.put(keyId, entry);
    }
    if (!entry) return undefined;
    if (entry.until < Date.now()) {
      this.recent.delete(keyId);
      this.older.delete(keyId);
      return undefined;
    }
    return entry;
  }

  private put(keyId: string, entry: CachedKey): void {
    this.recent.set(keyId, entry);
    if (this.recent.size >= this.cacheMax / 2) {
      this.older = this.recent;
      this.recent = new Map();
    }
  }

  /** Loads keys from the database into the cache, and answers them: undefined for a key that is gone. */
  private async loadKeys(keyIds: readonly string[]): Promise<Map<string, KeyObject | undefined>> {
    const unique = [...new Set(keyIds)];
    const rows = await this.db.prepared<{ key_id: string; wrapped_key: Buffer }>(LOAD_KEYS, [unique]);
    const loaded = new Map<string, KeyObject | undefined>();
    for (const row of rows) loaded.set(row.key_id, this.unwrapAndRemember(row.key_id, row.wrapped_key));
    const missing = unique.filter((id) => !loaded.has(id));
    // A key that is not there for a sealed payload is gone for good: keys are only ever created with their event.
    if (missing.length > 0) this.evict(missing);
    for (const id of missing) loaded.set(id, undefined);
    return loaded;
  }

  private unwrapAndRemember(keyId: string, wrapped: Buffer): KeyObject {
    const raw = open(this.keyringKey, wrapped, `data-key:${keyId}`, `data key ${keyId}`);
    const key = keyObject(raw);
    raw.fill(0);
    this.remember(keyId, key);
    return key;
  }

  private remember(keyId: string, key: KeyObject): void {
    this.older.delete(keyId);
    this.put(keyId, { key, until: Date.now() + this.options.cacheTtlMs });
  }
}

/** The associated data of a sealed box: its key's id and the fields it holds, so it opens nowhere else. */
function boxAad(keyId: string, fields: readonly string[]): string {
  return `personal-data:v1:${keyId}:${fields.join(',')}`;
}

function digitsOf(text: string): string {
  return text.replace(/\D/g, '');
}

function sealedBoxOf(data: unknown): SealedBox | undefined {
  if (data === null || typeof data !== 'object') return undefined;
  const sealed = (data as Record<string, unknown>)[SEALED_FIELD];
  return sealed && typeof sealed === 'object' ? (sealed as SealedBox) : undefined;
}

/**
 * The values of the fields that hold something (not null, not absent), in
 * order, and the payload without them: each object on a field's path copied,
 * the rest shared.
 */
function pick(data: unknown, paths: readonly string[]): { fields: string[]; values: unknown[]; rest: unknown } | undefined {
  const fields: string[] = [];
  const values: unknown[] = [];
  let rest = data;
  for (const path of paths) {
    const value = get(rest, path);
    if (value === undefined || value === null) continue;
    fields.push(path);
    values.push(value);
    rest = without(rest, path.split('.'));
  }
  return fields.length === 0 ? undefined : { fields, values, rest };
}

function get(data: unknown, path: string): unknown {
  let current = data;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function without(data: unknown, parts: readonly string[]): unknown {
  if (data === null || typeof data !== 'object') return data;
  const [head, ...tail] = parts;
  // Copied key by key rather than `delete`d: an object a property was deleted from goes slow in V8.
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (key !== head) copy[key] = value;
    else if (tail.length > 0) copy[key] = without(value, tail);
  }
  return copy;
}

function put(data: unknown, paths: readonly string[], values: readonly unknown[]): unknown {
  let result = data;
  paths.forEach((path, i) => {
    result = withValue(result, path.split('.'), values[i]);
  });
  return result;
}

function withValue(data: unknown, parts: readonly string[], value: unknown): unknown {
  const copy = { ...((data ?? {}) as Record<string, unknown>) };
  const [head, ...tail] = parts;
  copy[head] = tail.length === 0 ? value : withValue(copy[head], tail, value);
  return copy;
}

/** The payload with each of the fields set to the erased marker. */
export function erasedCopy(data: unknown, fields: readonly string[]): unknown {
  return put(
    data,
    fields,
    fields.map(() => ERASED),
  );
}

/** Whether two key checks are the same bytes, in constant time. */
export function sameCheck(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
