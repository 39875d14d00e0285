import { createApp } from '../src/bootstrap.js';
import { AppConfig, ConfigError } from '../src/config/app-config.js';
import { Database } from '../src/database/database.js';
import { rotateMasterKey } from '../src/personal-data/keyring.js';
import { orderFor, uniqueCustomer } from './support/personal-data-helpers.js';
import { place, readOrder } from './support/read-helpers.js';
import { startSibling } from './support/sibling-app.js';
import { distFile, spawnNode } from './support/spawned-process.js';
import { STAFF_TOKEN, startTestApp, type TestApp } from './support/test-app.js';

const KEY_A = Buffer.alloc(32, 0xa1);
const KEY_B = Buffer.alloc(32, 0xb2);

/** What a rotation must leave exactly as it was: every event row, every data key row. */
async function storedRows(t: TestApp): Promise<unknown[]> {
  const db = t.app.get(Database);
  return [
    await db.query(
      'SELECT position, event_id, stream_id, version, type, schema_version, data, metadata, occurred_at FROM events ORDER BY position',
    ),
    await db.query('SELECT key_id, customer_index, wrapped_key, created_at FROM personal_data_keys ORDER BY key_id'),
  ];
}

describe('Personal data: the master key (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ piiMasterKey: KEY_A });
  });

  afterAll(() => t.close());

  it('is required in production, and a bad one is refused without echoing it', () => {
    const env = {
      NODE_ENV: 'production',
      STAFF_API_TOKEN: 'a-staff-token-of-32-characters!!',
      WEBHOOK_SECRET_KEYS: `k1:${KEY_A.toString('base64')}`,
    };
    expect(() => AppConfig.fromEnv(env)).toThrow(new ConfigError('PII_MASTER_KEY', 'is required when NODE_ENV=production').message);
    expect(AppConfig.fromEnv({ ...env, PII_MASTER_KEY: KEY_B.toString('base64') }).piiMasterKey).toEqual(KEY_B);
    const short = 'c2hvcnQta2V5';
    expect(() => AppConfig.fromEnv({ PII_MASTER_KEY: short })).toThrow(/PII_MASTER_KEY must be 32 bytes in base64/);
    try {
      AppConfig.fromEnv({ PII_MASTER_KEY: short });
    } catch (error) {
      expect((error as Error).message).not.toContain(short);
    }
  });

  it('stops the app at start-up with a clear message when the key is not the one the data is wrapped with', async () => {
    const written = await place(t, orderFor(uniqueCustomer('wrongkey')));
    await expect(createApp(t.config.with({ piiMasterKey: KEY_B }), { logger: false })).rejects.toThrow(
      /PII_MASTER_KEY is not the master key this database's personal data is wrapped with .*Refusing to start rather than read every customer as erased/,
    );
    // The process stops with that message, and exit code 1.
    const app = spawnNode(distFile('main.js'), [], {
      NODE_ENV: 'test',
      DATABASE_URL: t.config.databaseUrl!,
      STAFF_API_TOKEN: STAFF_TOKEN,
      PII_MASTER_KEY: KEY_B.toString('base64'),
      HOST: '127.0.0.1',
      PORT: '0',
    });
    expect((await app.exit(30_000)).code).toBe(1);
    expect(app.stderr.join('\n')).toMatch(
      /Pizzeria failed to start: PII_MASTER_KEY is not the master key this database's personal data is wrapped with/,
    );
    expect(app.stderr.join('\n')).not.toContain(KEY_B.toString('base64'));
    // Nothing was harmed: the right key still reads the customer.
    expect((await readOrder(t, written.orderId, written.position)).customer.name).toMatch(/^Zoë/);
  });

  it('rotates by rewrapping the keyring alone: no event or data key is rewritten, and only the new key starts the app', async () => {
    const customer = uniqueCustomer('rotated');
    const written = await place(t, orderFor(customer));
    const before = await storedRows(t);

    await rotateMasterKey(t.app.get(Database), KEY_A, KEY_B);

    expect(await storedRows(t)).toEqual(before);
    const [keyring] = await t.app.get(Database).query<{ rotated_at: Date | null }>('SELECT rotated_at FROM personal_data_keyring');
    expect(keyring.rotated_at).toBeInstanceOf(Date);
    // The running instance keeps working on the keys it holds.
    expect((await readOrder(t, written.orderId, written.position)).customer.name).toBe(customer.name);
    // A restart needs the new key, and reads everything with it.
    await expect(createApp(t.config.with({ piiMasterKey: KEY_A }), { logger: false })).rejects.toThrow(/is not the master key/);
    const restarted = await startSibling({ ...t, config: t.config.with({ piiMasterKey: KEY_B }) });
    try {
      const res = await restarted.http().get(`/orders/${written.orderId}/timeline`).set(t.staff);
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).toContain(customer.name);
    } finally {
      await restarted.close();
    }
    // A rotation from a key that is not the current one changes nothing.
    await expect(rotateMasterKey(t.app.get(Database), KEY_A, KEY_B)).rejects.toThrow(/is not the master key/);
    expect(await storedRows(t)).toEqual(before);
  });
});
