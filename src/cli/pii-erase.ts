import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { runCli, TaskFailed, UsageError, withDatabase } from './cli-app.js';
import { personalDataTools } from './personal-data-tools.js';
import { ProgressBar } from './progress-bar.js';

const USAGE = `Usage: npm run pii:erase -- --phone <phone> | --phones-file <file>
  --phone        one customer, by phone number in any form
  --phones-file  many customers, one phone number a line (blank lines and # comments skipped), with a progress bar`;

/**
 * npm run pii:erase: what POST /admin/customers/erase does, for one customer
 * or a file of them: their keys deleted and CustomerDataErased recorded, each
 * customer in a transaction of their own. Prints {"customers","erasedOrders"}
 * on stdout. Safe while the app runs: its instances see the erasure through
 * their event feed. A line that is not a phone number is reported and the
 * rest go on; the task then exits 1.
 */
await runCli('pii:erase', async ({ config, say }) => {
  const { values } = parseArgs({ options: { phone: { type: 'string' }, 'phones-file': { type: 'string' } } });
  if (!values.phone === !values['phones-file']) throw new UsageError(USAGE);
  const phones = values.phone
    ? [values.phone]
    : (await readFile(values['phones-file']!, 'utf8'))
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('#'));
  await withDatabase(config, async (db) => {
    const tools = await personalDataTools(config, db);
    const bar = phones.length > 1 ? new ProgressBar('erasing', phones.length) : undefined;
    const refused: string[] = [];
    let erasedOrders = 0;
    for (const [i, phone] of phones.entries()) {
      let normalised: string | undefined;
      try {
        normalised = tools.normalised(phone);
      } catch (error) {
        refused.push(`line ${i + 1}: ${(error as Error).message}`);
      }
      if (normalised) {
        const result = await tools.erasure.eraseByPhone(normalised, 'request', {
          correlationId: `cli-pii-erase-${Date.now()}`,
          actor: { kind: 'system', name: 'pii:erase' },
        });
        erasedOrders += result.erasedOrders;
      }
      bar?.update(i + 1, `${i + 1}/${phones.length} customers, ${erasedOrders} orders erased`);
    }
    bar?.finish(`${erasedOrders} orders erased`);
    say(`erased the personal data of ${erasedOrders} order(s) of ${phones.length - refused.length} customer(s)`);
    process.stdout.write(`${JSON.stringify({ customers: phones.length - refused.length, erasedOrders })}\n`);
    if (refused.length > 0) throw new TaskFailed(`${refused.length} line(s) were not phone numbers:\n${refused.join('\n')}`);
  });
});
