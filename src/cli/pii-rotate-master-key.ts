import { writeFile, rename } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadMasterKey, parseMasterKey } from '../personal-data/master-key.js';
import { rotateMasterKey } from '../personal-data/keyring.js';
import { runCli, UsageError, withDatabase } from './cli-app.js';

const USAGE = `Usage: openssl rand -base64 32 | npm run pii:rotate-master-key -- --new-key-stdin
  The current key is PII_MASTER_KEY (or, outside production without it, the key file under .data/);
  the new one is read from stdin, never from the command line. Then set PII_MASTER_KEY to the new key.`;

/**
 * npm run pii:rotate-master-key: rewraps the keyring (the keyring key and the
 * blind-index key, one row) under a new master key. No event, snapshot or data
 * key is rewritten, and nothing is re-indexed. Running instances keep working
 * on the keys they hold; each needs the new PII_MASTER_KEY before its next
 * start. With the development key file, the file is replaced with the new key.
 */
await runCli('pii:rotate-master-key', async ({ config, say }) => {
  const { values } = parseArgs({ options: { 'new-key-stdin': { type: 'boolean' } } });
  if (!values['new-key-stdin']) throw new UsageError(USAGE);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const parsed = parseMasterKey(Buffer.concat(chunks).toString('utf8'));
  if ('problem' in parsed) throw new UsageError(`The new master key on stdin ${parsed.problem}`);
  const current = await loadMasterKey(config.piiMasterKey, config.piiMasterKeyFile, config.nodeEnv === 'production');
  await withDatabase(config, (db) => rotateMasterKey(db, current.key, parsed.key));
  if (current.file) {
    const aside = `${current.file}.rotated`;
    await writeFile(aside, `${parsed.key.toString('base64')}\n`, { mode: 0o600 });
    await rename(aside, current.file);
    say(`rotated: the keyring is wrapped under the new key, now kept in ${current.file}`);
  } else {
    say('rotated: the keyring is wrapped under the new key; set PII_MASTER_KEY to it before the next start of any instance');
  }
  process.stdout.write(`${JSON.stringify({ rotated: true })}\n`);
});
