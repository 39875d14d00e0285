import { hashPassword, passwordMatches } from './passwords.js';

describe('passwords', () => {
  it('hashes with argon2id at OWASP strength (19 MiB, 2 passes), salted, and checks them', async () => {
    const [first, second] = await Promise.all([hashPassword('correct horse battery'), hashPassword('correct horse battery')]);
    expect(first).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(second).not.toBe(first);
    expect(await passwordMatches(first, 'correct horse battery')).toBe(true);
    expect(await passwordMatches(first, 'correct horse batter')).toBe(false);
    expect(await passwordMatches(first, '')).toBe(false);
  });

  it('never matches without a hash, and never throws on a broken one', async () => {
    expect(await passwordMatches(null, 'anything at all')).toBe(false);
    expect(await passwordMatches(undefined, '')).toBe(false);
    expect(await passwordMatches('$argon2id$not-a-hash', 'anything at all')).toBe(false);
  });
});
