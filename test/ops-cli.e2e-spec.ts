import { verify } from '@node-rs/argon2';
import { runTask, useTaskDatabase } from './support/cli-task.js';

/** The npm run scripts are these files after the build: npm run <task> = build, then node dist/cli/<file>. */
const run = (file: string, args: string[], env: Record<string, string>, stdin?: string) => runTask(`cli/${file}`, args, env, stdin);

describe('command line (e2e, node dist/cli/*)', () => {
  const db = useTaskDatabase();

  const count = async (sql: string) => Number((await db.client.query<{ n: string }>(sql)).rows[0].n);

  it('migrate applies the migrations once, then finds nothing to do', async () => {
    const first = await run('migrate.js', [], db.env);
    expect(first).toMatchObject({ code: 0 });
    expect(first.stderr).toMatch(/applied CreateEventStore\d+/);
    expect(await count("SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'events'")).toBe(1);

    const again = await run('migrate.js', [], db.env);
    expect(again).toMatchObject({ code: 0 });
    expect(again.stderr).toContain('The database schema is up to date');
  }, 60_000);

  it('seed writes demo orders spread over the last days, through the command handlers, and projects them', async () => {
    // The seed waits (up to this) for its own projections before it exits.
    const result = await run('seed.js', ['--days', '3', '--orders', '15', '--seed', '5'], {
      ...db.env,
      READ_YOUR_WRITES_TIMEOUT_MS: '30000',
    });
    expect(result.stderr).toContain('The read models are up to date');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout.trim().split('\n').pop()!)).toMatchObject({ orders: 15 });
    expect(result.stderr).toContain('seeding [##############################] 100%');

    expect(await count("SELECT count(*) AS n FROM events WHERE type = 'OrderPlaced'")).toBe(15);
    expect(await count("SELECT count(DISTINCT occurred_at::date) AS n FROM events WHERE type = 'OrderPlaced'")).toBeGreaterThanOrEqual(2);
    expect(await count("SELECT count(*) AS n FROM events WHERE NOT metadata->>'correlationId' LIKE 'seed-5-%'")).toBe(0);
    expect(await count('SELECT count(*) AS n FROM order_details')).toBe(15);
    expect(await count('SELECT count(*) AS n FROM analytics_daily')).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('stream:print prints an order stream by order id or stream id, as text or JSON lines', async () => {
    const { rows } = await db.client.query<{ stream_id: string; versions: number }>(
      'SELECT stream_id, max(version) AS versions FROM events GROUP BY stream_id ORDER BY max(version) DESC LIMIT 1',
    );
    const [{ stream_id: streamId, versions }] = rows;

    const text = await run('print-stream.js', [streamId.slice('order-'.length)], db.env);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`${streamId}: ${versions} event(s)`);
    expect(text.stdout).toMatch(/^v1 {2}#\d+ {2}\S+Z {2}OrderPlaced \(schema \d\) {2}actor=customer correlation=seed-5-\d+$/m);

    const json = await run('print-stream.js', [streamId, '--json'], db.env);
    expect(json.code).toBe(0);
    const events = json.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { version: number; type: string; streamId: string });
    expect(events.map((e) => e.version)).toEqual(Array.from({ length: versions }, (_, i) => i + 1));
    expect(events[0]).toMatchObject({ streamId, type: 'OrderPlaced' });
  }, 60_000);

  it('projections:rebuild replays the log into a projection with a progress bar', async () => {
    const before = await count('SELECT count(*) AS n FROM order_details');
    const result = await run('rebuild-projection.js', ['order-details'], db.env);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/rebuilding order-details \[#+\] 100%/);
    expect(result.stderr).toMatch(/Swapped in the rebuilt order-details at position \d+/);
    expect(await count('SELECT count(*) AS n FROM order_details')).toBe(before);
  }, 60_000);

  it('staff:create makes an account and its first token, printed once, with the bootstrap token as the actor', async () => {
    const result = await run('staff-create.js', ['--login', 'first-manager', '--name', 'Rosa', '--role', 'manager'], db.env);
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout.trim().split('\n').pop()!) as { id: string; login: string; role: string; token: string };
    expect(printed).toMatchObject({ login: 'first-manager', role: 'manager', token: expect.stringMatching(/^pzs_[A-Za-z0-9_-]{43}$/) });
    const stored = await db.client.query<{ role: string; matches: boolean }>(
      `SELECT a.role, t.token_hash = sha256(convert_to($2, 'UTF8')) AS matches
         FROM staff_accounts a JOIN staff_tokens t ON t.account_id = a.id WHERE a.id = $1`,
      [printed.id, printed.token],
    );
    expect(stored.rows).toEqual([{ role: 'manager', matches: true }]);
    const events = await db.client.query<{ type: string; actor: Record<string, unknown> }>(
      "SELECT type, metadata->'actor' AS actor FROM events WHERE stream_id = $1 ORDER BY version",
      [`staff-${printed.id}`],
    );
    expect(events.rows).toEqual([
      { type: 'StaffAccountCreated', actor: { kind: 'staff', id: 'staff-api-token', name: null, role: 'manager' } },
      { type: 'StaffTokenCreated', actor: { kind: 'staff', id: 'staff-api-token', name: null, role: 'manager' } },
    ]);
    const again = await run('staff-create.js', ['--login', 'first-manager', '--name', 'Rosa', '--role', 'manager'], db.env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('There is already an account with the login first-manager');
  }, 60_000);

  it('staff:create --password-stdin makes an account that signs in with the password piped in, which is never printed', async () => {
    const args = ['--login', 'night-manager', '--name', 'Noor', '--role', 'manager', '--password-stdin'];
    const result = await run('staff-create.js', args, db.env, 'a long night shift\n');
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(printed).toEqual({ id: expect.any(String), login: 'night-manager', role: 'manager', hasPassword: true });
    expect(`${result.stdout}${result.stderr}`).not.toContain('a long night shift');
    const [row] = (
      await db.client.query<{ hash: string; tokens: number }>(
        'SELECT password_hash AS hash, (SELECT count(*)::int FROM staff_tokens WHERE account_id = $1) AS tokens FROM staff_accounts WHERE id = $1',
        [printed.id],
      )
    ).rows;
    expect(row.tokens).toBe(0);
    expect(await verify(row.hash, 'a long night shift')).toBe(true);

    const short = await run('staff-create.js', ['--login', 'x2', '--name', 'X', '--role', 'driver', '--password-stdin'], db.env, 'short\n');
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('The password on stdin must be 10 to 256 characters long');
  }, 60_000);

  it('explains its usage and exits 2 on bad arguments', async () => {
    const noName = await run('rebuild-projection.js', [], db.env);
    expect(noName.code).toBe(2);
    expect(noName.stderr).toContain('Projections: order-details, kitchen-queue, analytics');
    const badSeed = await run('seed.js', ['--orders', 'lots'], db.env);
    expect(badSeed.code).toBe(2);
    expect(badSeed.stderr).toContain('--orders must be a whole number');
    const badRole = await run('staff-create.js', ['--login', 'x1', '--name', 'X', '--role', 'owner'], db.env);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain('Usage: npm run staff:create');
    const noStream = await run('print-stream.js', ['00000000-0000-4000-8000-000000000000'], db.env);
    expect(noStream.code).toBe(2);
    expect(noStream.stderr).toContain('No events in stream order-00000000-0000-4000-8000-000000000000');
  }, 60_000);
});
