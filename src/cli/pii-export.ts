import { parseArgs } from 'node:util';
import { runCli, UsageError, withDatabase } from './cli-app.js';
import { personalDataTools } from './personal-data-tools.js';
import { ProgressBar } from './progress-bar.js';

const USAGE = 'Usage: npm run pii:export -- --phone <phone>  (the JSON document goes to stdout: > customer.json)';

/**
 * npm run pii:export -- --phone <phone>: the document GET
 * /admin/customers/export answers, on stdout, with a progress bar on stderr
 * for a customer with many orders.
 */
await runCli('pii:export', async ({ config }) => {
  const { values } = parseArgs({ options: { phone: { type: 'string' } } });
  if (!values.phone) throw new UsageError(USAGE);
  await withDatabase(config, async (db) => {
    const tools = await personalDataTools(config, db);
    const phone = tools.normalised(values.phone!);
    let bar: ProgressBar | undefined;
    const document = await tools.exporter.exportByPhone(phone, phone, (done, total) => {
      bar ??= new ProgressBar('exporting', total);
      bar.update(done, `${done}/${total} orders`);
    });
    bar?.finish(`${document.streams.length} orders`);
    process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  });
});
