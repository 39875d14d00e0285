import { Database } from '../src/database/database.js';
import { placeOrder } from './support/orders-helpers.js';
import { expectError } from './support/orders-helpers.js';
import { hire, hireOneOfEach, type StaffMember } from './support/staff-helpers.js';
import { useTestApp } from './support/use-test-app.js';

describe('staff accounts, personal API tokens and the audit trail (e2e)', () => {
  const t = useTestApp();

  async function staffEvents(accountId: string) {
    return t.app
      .get(Database)
      .query<{ type: string; version: number; data: Record<string, unknown>; metadata: Record<string, any> }>(
        'SELECT type, version, data, metadata FROM events WHERE stream_id = $1 ORDER BY version',
        [`staff-${accountId}`],
      );
  }

  /** The account's stream, by event type. */
  const historyOf = async (accountId: string) => (await staffEvents(accountId)).map((e) => e.type);

  it('creates an account and a token a manager sees listed with its last use, and never the token or its hash again', async () => {
    const maria = await hire(t, 'Maria', 'counter', 'maria');
    const account = await t.http().get(`/admin/staff/${maria.id}`).set(t.staff);
    expect(account.status).toBe(200);
    expect(account.headers.etag).toBe('"2"');
    expect(account.body).toMatchObject({
      id: maria.id,
      login: 'maria',
      name: 'Maria',
      role: 'counter',
      enabled: true,
      version: 2,
      createdBy: 'staff-api-token',
    });

    const orderId = await placeOrder(t);
    expect((await t.http().post(`/orders/${orderId}/confirm`).set(maria.auth).send({})).status).toBe(200);
    const tokens = await t.http().get(`/admin/staff/${maria.id}/tokens`).set(t.staff);
    expect(tokens.status).toBe(200);
    expect(tokens.body).toEqual([
      {
        id: maria.tokenId,
        label: 'tests',
        createdAt: expect.any(String),
        createdBy: 'staff-api-token',
        lastUsedAt: expect.any(String),
        revokedAt: null,
      },
    ]);
    const [row] = await t.app
      .get(Database)
      .query<{ token_hash: Buffer }>('SELECT token_hash FROM staff_tokens WHERE id = $1', [maria.tokenId]);
    expect(row.token_hash).toHaveLength(32);
    expect(JSON.stringify(tokens.body)).not.toContain(maria.auth.Authorization.slice('Bearer '.length));

    expect(await historyOf(maria.id)).toEqual(['StaffAccountCreated', 'StaffTokenCreated']);
  });

  it('refuses a login that is taken (409), bad input (400) and an unknown account (404), writing nothing', async () => {
    await hire(t, 'Ana', 'kitchen', 'ana');
    expectError(
      await t.http().post('/admin/staff').set(t.staff).send({ login: 'ana', name: 'Other Ana', role: 'driver' }),
      409,
      'STAFF_LOGIN_TAKEN',
    );
    for (const body of [
      { login: 'A B', name: 'x', role: 'counter' },
      { login: 'bob', name: '   ', role: 'counter' },
      { login: 'bob', name: 'Bob', role: 'owner' },
      { login: 'bob', name: 'Bob', role: 'counter', extra: 1 },
    ]) {
      expectError(await t.http().post('/admin/staff').set(t.staff).send(body), 400, 'VALIDATION_FAILED');
    }
    expect(await t.app.get(Database).query("SELECT 1 FROM staff_accounts WHERE login = 'bob'")).toEqual([]);
    expectError(await t.http().get('/admin/staff/3f2b8c1d-7e4a-4c5b-9d6e-1a2b3c4d5e6f').set(t.staff), 404, 'STAFF_ACCOUNT_NOT_FOUND');
    expectError(await t.http().get('/admin/staff/not-a-uuid').set(t.staff), 404, 'STAFF_ACCOUNT_NOT_FOUND');
    expectError(await t.http().patch('/admin/staff/not-a-uuid').set(t.staff).send({ enabled: false }), 404, 'STAFF_ACCOUNT_NOT_FOUND');
  });

  it('stops a revoked token on its next request, and keeps the account’s other tokens working', async () => {
    const sam = await hire(t, 'Sam', 'driver');
    const second = await t.http().post(`/admin/staff/${sam.id}/tokens`).set(t.staff).send({ label: 'phone' });
    expect((await t.http().get('/orders').set(sam.auth)).status).toBe(200);

    expect((await t.http().delete(`/admin/staff/${sam.id}/tokens/${sam.tokenId}`).set(t.staff)).status).toBe(204);
    expectError(await t.http().get('/orders').set(sam.auth), 403, 'STAFF_TOKEN_REVOKED');
    expect(
      (
        await t
          .http()
          .get('/orders')
          .set({ Authorization: `Bearer ${second.body.token}` })
      ).status,
    ).toBe(200);
    // Again: nothing more happens.
    expect((await t.http().delete(`/admin/staff/${sam.id}/tokens/${sam.tokenId}`).set(t.staff)).status).toBe(204);
    expectError(
      await t.http().delete(`/admin/staff/${sam.id}/tokens/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d`).set(t.staff),
      404,
      'STAFF_TOKEN_NOT_FOUND',
    );
    expect(await historyOf(sam.id)).toEqual(['StaffAccountCreated', 'StaffTokenCreated', 'StaffTokenCreated', 'StaffTokenRevoked']);
  });

  it('locks a disabled account out on its next request, writes, and lets it back in when enabled', async () => {
    const luca = await hire(t, 'Luca', 'kitchen');
    expect((await t.http().get('/kitchen/queue').set(luca.auth)).status).toBe(200);
    const disabled = await t.http().patch(`/admin/staff/${luca.id}`).set(t.staff).send({ enabled: false });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ enabled: false, version: 3 });

    expectError(await t.http().get('/kitchen/queue').set(luca.auth), 403, 'STAFF_ACCOUNT_DISABLED');
    const orderId = await placeOrder(t);
    expectError(await t.http().post(`/orders/${orderId}/confirm`).set(luca.auth).send({}), 403, 'STAFF_ACCOUNT_DISABLED');
    // The live stream of every event, which a wall screen opens with ?token=, refuses it too.
    expectError(await t.http().get(`/events/stream?token=${luca.auth.Authorization.slice(7)}`), 403, 'STAFF_ACCOUNT_DISABLED');

    expect((await t.http().patch(`/admin/staff/${luca.id}`).set(t.staff).send({ enabled: true })).status).toBe(200);
    expect((await t.http().get('/kitchen/queue').set(luca.auth)).status).toBe(200);
    expect(await historyOf(luca.id)).toEqual(['StaffAccountCreated', 'StaffTokenCreated', 'StaffAccountDisabled', 'StaffAccountEnabled']);
  });

  it('records a role change as an event with who made it, and the new role applies on the next request', async () => {
    const boss = await hire(t, 'Boss', 'manager');
    const dev = await hire(t, 'Dev', 'kitchen');
    expectError(await t.http().get('/analytics/summary').set(dev.auth), 403, 'ROLE_NOT_ALLOWED');
    const changed = await t.http().patch(`/admin/staff/${dev.id}`).set(boss.auth).set('If-Match', '"2"').send({ role: 'manager' });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).toBe('"3"');
    expect(changed.body).toMatchObject({ role: 'manager', updatedBy: boss.id });
    expect((await t.http().get('/analytics/summary').set(dev.auth)).status).toBe(200);

    const [, , roleChanged] = await staffEvents(dev.id);
    expect(roleChanged).toMatchObject({
      type: 'StaffRoleChanged',
      version: 3,
      data: { accountId: dev.id, from: 'kitchen', to: 'manager' },
      metadata: { actor: { kind: 'staff', id: boss.id, name: 'Boss', role: 'manager' } },
    });
    // The same change again is no change: no event, the same version.
    const again = await t.http().patch(`/admin/staff/${dev.id}`).set(boss.auth).send({ role: 'manager' });
    expect(again.body.version).toBe(3);
  });

  it('lets one of two managers changing the same account at once win; the other gets 412 and changed nothing', async () => {
    const [first, second] = [await hire(t, 'First', 'manager'), await hire(t, 'Second', 'manager')];
    const target = await hire(t, 'Target', 'counter');
    const answers = await Promise.all([
      t.http().patch(`/admin/staff/${target.id}`).set(first.auth).set('If-Match', '"2"').send({ role: 'kitchen' }),
      t.http().patch(`/admin/staff/${target.id}`).set(second.auth).set('If-Match', '"2"').send({ enabled: false }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 412]);
    const loser = answers.find((a) => a.status === 412)!;
    expectError(loser, 412, 'VERSION_MISMATCH', ['currentVersion']);
    const events = await staffEvents(target.id);
    expect(events).toHaveLength(3);
    const account = await t.http().get(`/admin/staff/${target.id}`).set(t.staff);
    expect(account.body.version).toBe(3);
    expect([account.body.role === 'kitchen', account.body.enabled === false].filter(Boolean)).toHaveLength(1);
  });

  it('names each of the three members of staff who moved an order on, in its timeline and in every event', async () => {
    const staff = await hireOneOfEach(t);
    const orderId = await placeOrder(t);
    const step = async (member: StaffMember, command: string, body: object = {}) => {
      const res = await t.http().post(`/orders/${orderId}/${command}`).set(member.auth).send(body);
      expect({ command, status: res.status }).toEqual({ command, status: 200 });
    };
    await step(staff.counter, 'confirm');
    await step(staff.counter, 'pay', { method: 'card' });
    await step(staff.kitchen, 'ready');
    await step(staff.driver, 'dispatch', { courier: 'Sam' });
    await step(staff.driver, 'deliver');

    const timeline = await t.http().get(`/orders/${orderId}/timeline`);
    expect(timeline.status).toBe(200);
    const lines = timeline.body.map((entry: { description: string }) => entry.description);
    expect(lines).toEqual([
      expect.stringMatching(/^Order placed by Ana/),
      'Confirmed by Maria (counter)',
      expect.stringMatching(/^Paid .* by card; the kitchen started cooking — Maria \(counter\)$/),
      'Ready — Luca (kitchen)',
      'Out for delivery with Sam — Sam (driver)',
      'Delivered — Sam (driver)',
    ]);
    expect(timeline.body.map((entry: { staff: unknown }) => entry.staff)).toEqual([
      null,
      { id: staff.counter.id, name: 'Maria', role: 'counter' },
      { id: staff.counter.id, name: 'Maria', role: 'counter' },
      { id: staff.kitchen.id, name: 'Luca', role: 'kitchen' },
      { id: staff.driver.id, name: 'Sam', role: 'driver' },
      { id: staff.driver.id, name: 'Sam', role: 'driver' },
    ]);
    // The customer stays anonymous.
    expect(timeline.body[0].actor).toBe('customer');
  });
});
