import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { developmentStaffToken } from './development-staff-token.js';

describe('the development staff token', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pizzeria-token-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is made once, kept readable by its owner only, and the same on the next start', () => {
    const first = developmentStaffToken(join(dir, 'data'));
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(readFileSync(first.file, 'utf8').trim()).toBe(first.token);
    expect(statSync(first.file).mode & 0o777).toBe(0o600);
    expect(developmentStaffToken(join(dir, 'data')).token).toBe(first.token);
  });

  it('makes a new one when the kept one is too short to be a token', () => {
    writeFileSync(join(dir, 'staff-api-token'), 'short\n');
    const made = developmentStaffToken(dir);
    expect(made.token).not.toBe('short');
    expect(made.token.length).toBeGreaterThanOrEqual(16);
  });
});
