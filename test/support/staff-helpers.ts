import type { StaffRole } from '../../src/common/auth/staff-roles.js';
import type { TestApp } from './test-app.js';

export interface StaffMember {
  readonly id: string;
  readonly login: string;
  readonly name: string;
  readonly role: StaffRole;
  /** Authorization: Bearer <their personal API token> */
  readonly auth: { Authorization: string };
  readonly tokenId: string;
  /** The password they sign in to the web UI with. */
  readonly password: string;
}

/** A signed-in browser, as the API sees it: the session cookie, and the CSRF token for changes. */
export interface SignedInSession {
  readonly cookie: { Cookie: string };
  /** The cookie and X-CSRF-Token: what a page sends on a POST. */
  readonly changes: { Cookie: string; 'X-CSRF-Token': string };
  readonly csrfToken: string;
  readonly body: Record<string, unknown>;
}

export const passwordOf = (login: string) => `pw-${login}-correct-horse`;

/** An account made with the bootstrap token, with a password and a personal API token, checking each answer. */
export async function hire(
  t: TestApp,
  name: string,
  role: StaffRole,
  login = `${name.toLowerCase()}-${Math.random().toString(36).slice(2, 8)}`,
): Promise<StaffMember> {
  const password = passwordOf(login);
  const account = await t.http().post('/admin/staff').set(t.staff).send({ login, name, role, password });
  if (account.status !== 201) throw new Error(`creating ${login} failed: ${account.status} ${JSON.stringify(account.body)}`);
  const token = await t.http().post(`/admin/staff/${account.body.id}/tokens`).set(t.staff).send({ label: 'tests' });
  if (token.status !== 201) throw new Error(`issuing a token for ${login} failed: ${token.status} ${JSON.stringify(token.body)}`);
  return {
    id: account.body.id,
    login,
    name,
    role,
    auth: { Authorization: `Bearer ${token.body.token}` },
    tokenId: token.body.id,
    password,
  };
}

/** One member of staff of each role. */
export async function hireOneOfEach(t: TestApp): Promise<Record<StaffRole, StaffMember>> {
  return {
    counter: await hire(t, 'Maria', 'counter'),
    kitchen: await hire(t, 'Luca', 'kitchen'),
    driver: await hire(t, 'Sam', 'driver'),
    manager: await hire(t, 'Ines', 'manager'),
  };
}

/** Signs in with a login and password, checking the answer, as the web UI does. */
export async function signIn(t: TestApp, login: string, password: string): Promise<SignedInSession> {
  const res = await t.http().post('/auth/sign-in').send({ login, password });
  if (res.status !== 200) throw new Error(`signing in as ${login} failed: ${res.status} ${JSON.stringify(res.body)}`);
  const cookie = sessionCookieIn(res.headers['set-cookie']);
  if (!cookie) throw new Error(`signing in as ${login} set no session cookie`);
  const csrfToken = res.body.csrfToken as string;
  return { cookie: { Cookie: cookie }, changes: { Cookie: cookie, 'X-CSRF-Token': csrfToken }, csrfToken, body: res.body };
}

/** "pizzeria_session=…" out of a Set-Cookie header. */
export function sessionCookieIn(setCookie: string | string[] | undefined): string | undefined {
  const values = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  return values.map((value) => value.split(';')[0]).find((pair) => pair.startsWith('pizzeria_session=') && pair.length > 17);
}
