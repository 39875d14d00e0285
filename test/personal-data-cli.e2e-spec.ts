import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTask } from './support/cli-task.js';
import { orderFor, uniqueCustomer } from './support/personal-data-helpers.js';
import { waitUntil } from './support/projection-helpers.js';
import { place, readOrder, type Written } from './support/read-helpers.js';
import { startSibling } from './support/sibling-app.js';
import { useTestApp } from './support/use-test-app.js';

const KEY = Buffer.alloc(32, 0x3c);
const NEW_KEY = Buffer.alloc(32, 0x4d);
const run = (file: string, args: string[], env: Record<string, string>, stdin?: string) => runTask(`cli/${file}`, args, env, stdin);

/** The personal-data tasks (node dist/cli/pii-*.js), against a running app's database, as an operator would run them. */
describe('personal data on the command line (e2e, node dist/cli/pii-*)', () => {
  const t = useTestApp({ piiMasterKey: KEY });
  const env = () => ({ DATABASE_URL: t.config.databaseUrl!, NODE_ENV: 'test', PII_MASTER_KEY: KEY.toString('base64') });

  it('exports a customer as JSON on stdout, and erases a file of customers with a progress bar; the running app sees it', async () => {
    const a = uniqueCustomer('cli-a');
    const b = uniqueCustomer('cli-b');
    const kept = uniqueCustomer('cli-kept');
    const orders: Written[] = [];
    for (const customer of [a, a, b]) orders.push(await place(t, orderFor(customer)));
    const keptOrder = await place(t, orderFor(kept));

    const exported = await run('pii-export.js', ['--phone', a.typedPhone], env());
    expect(exported).toMatchObject({ code: 0 });
    const document = JSON.parse(exported.stdout);
    expect(document.phone).toBe(a.phone);
    expect(document.streams).toHaveLength(2);
    expect(document.streams[0].events[0].data.customer.name).toBe(a.name);

    const dir = mkdtempSync(join(tmpdir(), 'pii-erase-'));
    const file = join(dir, 'phones.txt');
    writeFileSync(file, `# customers who asked\n${a.typedPhone}\n\n${b.phone}\nnot a phone\n+34 699 000 009\n`);
    const erased = await run('pii-erase.js', ['--phones-file', file], env());
    expect(erased.code).toBe(1);
    expect(JSON.parse(erased.stdout)).toEqual({ customers: 3, erasedOrders: 3 });
    expect(erased.stderr).toMatch(/erasing \[#+/);
    expect(erased.stderr).toContain('1 line(s) were not phone numbers');
    expect(erased.stderr).toContain('line 3: "not a phone" is not a phone number');

    // The app's instance learns of it from its event feed: its cache holds the keys no more.
    for (const written of orders) {
      await waitUntil(async () => (await t.http().get(`/orders/${written.orderId}/timeline`).set(t.staff)).text.includes('[erased]'), {
        what: 'the timeline reads as erased',
      });
    }
    await waitUntil(async () => (await readOrder(t, orders[0].orderId, 0)).customer.name === '[erased]', { what: 'read model erased' });
    expect((await readOrder(t, keptOrder.orderId, keptOrder.position)).customer.name).toBe(kept.name);

    const single = await run('pii-erase.js', ['--phone', kept.phone], env());
    expect(single).toMatchObject({ code: 0 });
    expect(JSON.parse(single.stdout)).toEqual({ customers: 1, erasedOrders: 1 });
    expect((await run('pii-erase.js', [], env())).code).toBe(2);
  }, 60_000);

  it('seal-existing finds nothing to seal in a store written by this version', async () => {
    const sealed = await run('pii-seal-existing.js', [], env());
    expect(sealed).toMatchObject({ code: 0 });
    expect(JSON.parse(sealed.stdout)).toMatchObject({ sealed: 0 });
  });

  it('rotates the master key from stdin: the app then starts with the new key only', async () => {
    const customer = uniqueCustomer('cli-rotate');
    const written = await place(t, orderFor(customer));
    expect((await run('pii-rotate-master-key.js', [], env())).code).toBe(2);
    expect((await run('pii-rotate-master-key.js', ['--new-key-stdin'], env(), 'too-short\n')).code).toBe(2);
    const rotated = await run('pii-rotate-master-key.js', ['--new-key-stdin'], env(), `${NEW_KEY.toString('base64')}\n`);
    expect(rotated).toMatchObject({ code: 0 });
    expect(rotated.stderr).toContain('set PII_MASTER_KEY to it');
    const again = await run('pii-export.js', ['--phone', customer.phone], env());
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('is not the master key');
    const restarted = await startSibling({ ...t, config: t.config.with({ piiMasterKey: NEW_KEY }) });
    try {
      expect((await readOrder(restarted, written.orderId, written.position)).customer.name).toBe(customer.name);
    } finally {
      await restarted.close();
    }
  }, 60_000);
});
