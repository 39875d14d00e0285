import type { Database } from '../database/database.js';
import { newKey } from './personal-data-crypto.js';
import { ERASED, PersonalData } from './personal-data.js';

/** The database as PersonalData uses it: the rows of personal_data_keys, answered after a delay. */
function fakeDatabase(delayMs = 0) {
  const keys = new Map<string, Buffer>();
  let queries = 0;
  const answer = async (text: string | { text: string }, params: unknown[] = []) => {
    queries++;
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    const ids = params[0] as string[];
    return [...keys].filter(([id]) => ids.includes(id)).map(([key_id, wrapped_key]) => ({ key_id, wrapped_key }));
  };
  const db = { prepared: answer, query: answer } as unknown as Database;
  return { db, keys, queries: () => queries };
}

const PLACED = {
  orderId: 'o-1',
  customer: { name: 'Zoë "Z" Ñandú', phone: '+34600111222', address: null },
  items: [{ pizzaId: 'margherita' }],
  notes: 'ring twice',
};

const KEYRING = { keyringKey: newKey(), indexKey: newKey() };

function personalData(db: Database, cacheTtlMs = 60_000) {
  const pd = new PersonalData(db, KEYRING, { cacheTtlMs, normalisePhone: (p) => p.replace(/[ -]/g, '') });
  pd.registerEvent('OrderPlaced', 2, {
    fields: ['customer.name', 'customer.phone', 'customer.address', 'notes'],
    customerPhone: (data: typeof PLACED) => data.customer.phone,
  });
  return pd;
}

describe('PersonalData', () => {
  it('seals the personal fields that hold something into one field, and opens them back to the same data', async () => {
    const fake = fakeDatabase();
    const pd = personalData(fake.db);
    const sealed = pd.seal('order-o-1', 'e-1', 'OrderPlaced', 2, PLACED);
    const stored = JSON.parse(sealed.json);
    expect(sealed.json).not.toContain('Zo');
    expect(sealed.json).not.toContain('600111222');
    expect(stored).toEqual({
      orderId: 'o-1',
      customer: { address: null },
      items: PLACED.items,
      $personal: { key: 'e-1', fields: ['customer.name', 'customer.phone', 'notes'], box: expect.any(String) },
    });
    expect(sealed.key).toMatchObject({ keyId: 'e-1', customerIndex: pd.customerIndex('+34 600 111 222') });
    fake.keys.set('e-1', sealed.key!.wrappedKey);
    const row = { type: 'OrderPlaced', schema_version: 2, data: stored };
    // A fresh instance (nothing cached) reads the key from the database.
    const other = new PersonalData(fake.db, KEYRING, { cacheTtlMs: 1000, normalisePhone: (p) => p });
    await other.open([row]);
    expect(row.data).toEqual(PLACED);
  });

  it('reads the fields as erased once the key is gone, and leaves other payloads alone', async () => {
    const fake = fakeDatabase();
    const pd = personalData(fake.db, 0);
    const sealed = pd.seal('order-o-1', 'e-2', 'OrderPlaced', 2, PLACED);
    const row = { type: 'OrderPlaced', schema_version: 2, data: JSON.parse(sealed.json) };
    const plain = { type: 'OrderConfirmed', schema_version: 1, data: { orderId: 'o-1' } };
    pd.evict(['e-2']);
    await pd.open([row, plain]);
    expect(row.data).toEqual({ ...PLACED, customer: { name: ERASED, phone: ERASED, address: null }, notes: ERASED });
    expect(plain.data).toEqual({ orderId: 'o-1' });
    expect(await pd.keyGone('e-2')).toBe(true);
    expect(pd.seal('order-o-1', 'e-3', 'OrderConfirmed', 1, { orderId: 'o-1' })).toEqual({ json: '{"orderId":"o-1"}' });
  });

  it('opens a page with the keys it took at its start, even when one expires while the others load', async () => {
    const fake = fakeDatabase(30);
    const pd = personalData(fake.db, 10);
    const cached = pd.seal('order-a', 'e-a', 'OrderPlaced', 2, PLACED);
    const loaded = pd.seal('order-b', 'e-b', 'OrderPlaced', 2, PLACED);
    fake.keys.set('e-a', cached.key!.wrappedKey);
    fake.keys.set('e-b', loaded.key!.wrappedKey);
    // e-b is not cached: its load takes longer than e-a has left to live.
    (pd as unknown as { recent: Map<string, unknown> }).recent.delete('e-b');
    const rows = [cached, loaded].map((s) => ({ type: 'OrderPlaced', schema_version: 2, data: JSON.parse(s.json) }));
    await pd.open(rows);
    expect(rows.map((row) => row.data)).toEqual([PLACED, PLACED]);
    expect(fake.queries()).toBe(1);
  });

  it('indexes a customer by the normalised number, whatever the formatting, and the last four digits apart', () => {
    const pd = personalData(fakeDatabase().db);
    expect(pd.customerIndex('+34 600-111-222')).toEqual(pd.customerIndex('+34600111222'));
    expect(pd.customerIndex('+34600111223')).not.toEqual(pd.customerIndex('+34600111222'));
    expect(pd.suffixIndex(pd.phoneSuffix('+34600111222'))).toEqual(pd.suffixIndex('1222'));
  });
});
