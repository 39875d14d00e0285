import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signIn } from './support/staff-helpers.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { developmentManager } from '../src/staff/development-manager.js';

describe('the development manager account (integration)', () => {
  let t: TestApp;
  const dataDir = mkdtempSync(join(tmpdir(), 'dev-manager-'));

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is made on the first start, kept in the data folder, and the same sign-in works after a restart', async () => {
    const first = await developmentManager(t.app, dataDir);
    expect(first).toEqual({
      login: 'manager',
      password: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/),
      file: join(dataDir, 'dev-manager-password'),
    });
    expect(readFileSync(first!.file, 'utf8')).toBe(`${first!.password}\n`);
    expect(statSync(first!.file).mode & 0o777).toBe(0o600);
    expect((await signIn(t, 'manager', first!.password)).body).toMatchObject({ staff: { login: 'manager', role: 'manager' } });

    const again = await developmentManager(t.app, dataDir);
    expect(again).toEqual(first);
    await signIn(t, 'manager', first!.password);
  });

  it('makes nothing where accounts exist already but its password file does not (deleted, or another machine)', async () => {
    const other = mkdtempSync(join(tmpdir(), 'dev-manager-other-'));
    try {
      expect(await developmentManager(t.app, other)).toBeUndefined();
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
