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
}

/** An account made with the bootstrap token, and a personal API token for it, checking each answer. */
export async function hire(
  t: TestApp,
  name: string,
  role: StaffRole,
  login = `${name.toLowerCase()}-${Math.random().toString(36).slice(2, 8)}`,
): Promise<StaffMember> {
  const account = await t.http().post('/admin/staff').set(t.staff).send({ login, name, role });
  if (account.status !== 201) throw new Error(`creating ${login} failed: ${account.status} ${JSON.stringify(account.body)}`);
  const token = await t.http().post(`/admin/staff/${account.body.id}/tokens`).set(t.staff).send({ label: 'tests' });
  if (token.status !== 201) throw new Error(`issuing a token for ${login} failed: ${token.status} ${JSON.stringify(token.body)}`);
  return { id: account.body.id, login, name, role, auth: { Authorization: `Bearer ${token.body.token}` }, tokenId: token.body.id };
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
