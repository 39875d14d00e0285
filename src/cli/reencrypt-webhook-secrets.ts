import { WebhookSecretStore } from '../webhooks/secrets/webhook-secret-store.js';
import { runCli, TaskFailed, withDatabase } from './cli-app.js';

/**
 * npm run webhooks:reencrypt: rewrites every webhook secret (current and
 * previous) under the first key of WEBHOOK_SECRET_KEYS, the step of a key
 * rotation between "add the new key first and restart" and "drop the old key".
 * Safe while the app runs, and to run again: each row is rewritten only over
 * the text it read. Exits 1 when a secret opens with no configured key, so the
 * old key is not dropped while something still needs it.
 */
await runCli('webhooks:reencrypt', async ({ config, say }) => {
  await withDatabase(config, async (db) => {
    const store = await WebhookSecretStore.forConfig(config, db);
    const report = await store.resealAll();
    say(`re-encrypted ${report.resealed} webhook secret(s) under key "${store.cipher.currentKeyId}"`);
    process.stdout.write(`${JSON.stringify({ keyId: store.cipher.currentKeyId, ...report })}\n`);
    if (report.unreadable.length > 0) {
      throw new TaskFailed(
        `${report.unreadable.length} secret(s) open with no key in WEBHOOK_SECRET_KEYS, left as they are:\n${report.unreadable.join('\n')}`,
      );
    }
  });
});
