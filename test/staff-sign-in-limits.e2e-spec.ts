import { Database } from '../src/database/database.js';
import { expectError } from './support/orders-helpers.js';
import { hire, type StaffMember } from './support/staff-helpers.js';
import { useTestApp } from './support/use-test-app.js';

/**
 * Password guessing: failed sign-ins are limited per login and per client
 * address (429 SIGN_IN_RATE_LIMITED with Retry-After), counted in PostgreSQL
 * before the password is checked, so parallel guesses get no more tries;
 * unknown logins are limited exactly like real ones. The test app believes
 * X-Forwarded-For from loopback (TRUST_PROXY), which stands in for clients
 * at many addresses.
 */
describe('staff sign-in: attempt limits per login and per address (e2e)', () => {
  const t = useTestApp({ trustProxy: ['loopback'], signInMaxFailuresPerLogin: 3, signInMaxFailuresPerAddress: 6 });
  let address = 0;
  /** A client address of its own for each call, unless one is given. */
  const from = (ip = `198.51.100.${++address}`) => ({ 'X-Forwarded-For': ip });
  const attempt = (login: string, password: string, ip?: string) => t.http().post('/auth/sign-in').set(from(ip)).send({ login, password });

  function expectPaused(res: Awaited<ReturnType<typeof attempt>>) {
    expectError(res, 429, 'SIGN_IN_RATE_LIMITED', ['retryAfterSeconds']);
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBe(res.body.retryAfterSeconds);
    expect(retryAfter).toBeGreaterThan(890);
    expect(retryAfter).toBeLessThanOrEqual(900);
  }

  it('pauses a login after 3 failures from any addresses, even for the right password, until the window ends', async () => {
    const maria: StaffMember = await hire(t, 'Maria', 'counter');
    for (let i = 0; i < 3; i++) expectError(await attempt(maria.login, 'wrong-password'), 401, 'SIGN_IN_FAILED');
    expectPaused(await attempt(maria.login, maria.password));
    expectPaused(await attempt(maria.login.toUpperCase(), maria.password));

    // The window over (its start moved back), the right password gets in and the count starts afresh.
    await t.app
      .get(Database)
      .query(`UPDATE window_counts SET window_started_at = now() - interval '901 seconds' WHERE key = $1`, [
        `sign-in:login:${maria.login}`,
      ]);
    expect((await attempt(maria.login, maria.password)).status).toBe(200);
    const [row] = await t.app.get(Database).query('SELECT * FROM window_counts WHERE key = $1', [`sign-in:login:${maria.login}`]);
    expect(row).toBeUndefined();
  });

  it('answers an unknown login exactly as a real one, 401 then 429: no answer tells whether a login exists', async () => {
    const sam = await hire(t, 'Sam', 'driver');
    const real: string[] = [];
    const unknown: string[] = [];
    for (let i = 0; i < 4; i++) {
      const [a, b] = [await attempt(sam.login, 'wrong-password'), await attempt('no-such-person', 'wrong-password')];
      real.push(`${a.status} ${a.body.code}`);
      unknown.push(`${b.status} ${b.body.code}`);
    }
    expect(real).toEqual(['401 SIGN_IN_FAILED', '401 SIGN_IN_FAILED', '401 SIGN_IN_FAILED', '429 SIGN_IN_RATE_LIMITED']);
    expect(unknown).toEqual(real);
  });

  it('pauses an address after 6 failures over any logins, while other addresses still sign in', async () => {
    const luca = await hire(t, 'Luca', 'kitchen');
    for (let i = 0; i < 6; i++) expectError(await attempt(`guess-${i}`, 'wrong-password', '203.0.113.9'), 401, 'SIGN_IN_FAILED');
    expectPaused(await attempt(luca.login, luca.password, '203.0.113.9'));
    expect((await attempt(luca.login, luca.password, '203.0.113.10')).status).toBe(200);
  });

  it('lets a successful sign-in take its own attempt back: staff behind one address are not locked out by signing in', async () => {
    const ines = await hire(t, 'Ines', 'manager');
    for (let i = 0; i < 10; i++) expect((await attempt(ines.login, ines.password, '203.0.113.50')).status).toBe(200);
    expectError(await attempt(ines.login, 'wrong-password', '203.0.113.50'), 401, 'SIGN_IN_FAILED');
  });

  it('counts parallel guesses atomically: of 12 at once for one login, exactly 3 are checked, the rest paused', async () => {
    const ada = await hire(t, 'Ada', 'counter');
    const answers = await Promise.all(Array.from({ length: 12 }, () => attempt(ada.login, 'wrong-password')));
    const statuses = answers.map((res) => res.status).sort();
    expect(statuses).toEqual([...Array(3).fill(401), ...Array(9).fill(429)]);
  });
});
