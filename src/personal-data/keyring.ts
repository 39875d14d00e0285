import type { Database, Queryable } from '../database/database.js';
import { hmac, newKey, open, seal, SealBroken } from './personal-data-crypto.js';
import { sameCheck, type Keyring } from './personal-data.js';

/** Stops the app: the master key given is not the one this database's personal data is wrapped with. */
export class MasterKeyMismatch extends Error {
  constructor(source: string) {
    super(
      `${source} is not the master key this database's personal data is wrapped with (the keyring's key check does not match). ` +
        'Refusing to start rather than read every customer as erased: set PII_MASTER_KEY to the key in use ' +
        '(after a rotation, the new one), or see "Personal data" in the README.',
    );
    this.name = 'MasterKeyMismatch';
  }
}

const KEY_CHECK_TEXT = 'pizzeria personal-data master key check v1';
const KEYRING_KEY_AAD = 'keyring-key:v1';
const INDEX_KEY_AAD = 'index-key:v1';

/** A value derived from the master key alone, stored beside the keyring: a wrong key is told apart before anything is decrypted. */
export function keyCheckOf(masterKey: Buffer): Buffer {
  return hmac(masterKey, KEY_CHECK_TEXT).subarray(0, 16);
}

interface KeyringRow {
  key_check: Buffer;
  wrapped_keyring_key: Buffer;
  wrapped_index_key: Buffer;
}

const SELECT = 'SELECT key_check, wrapped_keyring_key, wrapped_index_key FROM personal_data_keyring WHERE id = 1';

/**
 * The one keyring row: a random keyring key (which wraps every data key) and a
 * random blind-index key, both wrapped by the master key, and the master key's
 * check value. Made by the first instance to start on an empty database
 * (instances starting together agree: INSERT … ON CONFLICT DO NOTHING, then
 * everyone reads the winner). Since only this row depends on the master key, a
 * rotation rewraps one row; no data key, index or event is rewritten.
 */
export async function openKeyring(db: Database, masterKey: Buffer, source = 'PII_MASTER_KEY'): Promise<Keyring> {
  let [row] = await db.query<KeyringRow>(SELECT);
  if (!row) {
    await db.query(
      `INSERT INTO personal_data_keyring (id, key_check, wrapped_keyring_key, wrapped_index_key, legacy_through)
       VALUES (1, $1, $2, $3, (SELECT coalesce(max(position), 0) FROM events))
       ON CONFLICT (id) DO NOTHING`,
      [keyCheckOf(masterKey), seal(masterKey, newKey(), KEYRING_KEY_AAD), seal(masterKey, newKey(), INDEX_KEY_AAD)],
    );
    [row] = await db.query<KeyringRow>(SELECT);
  }
  return unlock(row, masterKey, source);
}

function unlock(row: KeyringRow, masterKey: Buffer, source: string): Keyring {
  if (!sameCheck(row.key_check, keyCheckOf(masterKey))) throw new MasterKeyMismatch(source);
  try {
    return {
      keyringKey: open(masterKey, row.wrapped_keyring_key, KEYRING_KEY_AAD, 'the keyring key'),
      indexKey: open(masterKey, row.wrapped_index_key, INDEX_KEY_AAD, 'the index key'),
    };
  } catch (error) {
    if (error instanceof SealBroken) throw new MasterKeyMismatch(source);
    throw error;
  }
}

/**
 * Master key rotation: the keyring row rewrapped under the new key, in one
 * UPDATE that only applies over the old key's check value (so two rotations at
 * once cannot leave a row neither key opens). Instances already running keep
 * working (they hold the unwrapped keys); each must be given the new key before
 * its next start.
 */
export async function rotateMasterKey(db: Database, oldKey: Buffer, newMasterKey: Buffer, executor?: Queryable): Promise<void> {
  const [row] = await db.query<KeyringRow>(SELECT, [], executor);
  if (!row) throw new Error('There is no keyring yet: start the app once, with PII_MASTER_KEY set, before rotating it');
  const keyring = unlock(row, oldKey, 'PII_MASTER_KEY');
  const updated = await db.query(
    `UPDATE personal_data_keyring
        SET key_check = $1, wrapped_keyring_key = $2, wrapped_index_key = $3, rotated_at = now()
      WHERE id = 1 AND key_check = $4
      RETURNING id`,
    [
      keyCheckOf(newMasterKey),
      seal(newMasterKey, keyring.keyringKey, KEYRING_KEY_AAD),
      seal(newMasterKey, keyring.indexKey, INDEX_KEY_AAD),
      row.key_check,
    ],
    executor,
  );
  if (updated.length !== 1) throw new Error('The keyring changed while it was being rotated: nothing was changed; run the rotation again');
}
