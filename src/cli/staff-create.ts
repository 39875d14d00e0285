import { parseArgs } from 'node:util';
import { BOOTSTRAP_ACTOR } from '../common/auth/actor.js';
import { isStaffRole, STAFF_ROLES } from '../common/auth/staff-roles.js';
import { StaffAccounts } from '../staff/staff-accounts.service.js';
import { runCli, UsageError, withAppContext } from './cli-app.js';

const USAGE = `Usage: npm run staff:create -- --login <login> --name <name> --role <${STAFF_ROLES.join('|')}> [--password-stdin] [--token-label <label>]
  --password-stdin  read the account's web UI password (10 to 256 characters) from stdin; then a token is issued only with --token-label`;

/**
 * npm run staff:create -- --login maria --name Maria --role manager: the first
 * manager of a new deployment (or any account), printed on stdout as JSON:
 * with a personal API token (shown this once), or with a password read from
 * stdin (never from the command line, where `ps` and shell history would
 * show it) to sign in to the web UI. Recorded in the log as done with the
 * bootstrap token, like any change made with STAFF_API_TOKEN.
 */
await runCli('staff:create', async ({ config, say }) => {
  const { values } = parseArgs({
    options: {
      login: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      'token-label': { type: 'string' },
      'password-stdin': { type: 'boolean' },
    },
  });
  const { login, name, role } = values;
  if (!login || !/^[a-z0-9._-]{2,64}$/.test(login) || !name?.trim() || !isStaffRole(role)) throw new UsageError(USAGE);
  const password = values['password-stdin'] ? await passwordFromStdin() : undefined;
  await withAppContext(config, async (app) => {
    const accounts = app.get(StaffAccounts);
    const by = { actor: BOOTSTRAP_ACTOR, correlationId: `cli-staff-create-${Date.now()}` };
    const account = await accounts.create({ login, name: name.trim(), role, password }, by);
    const label = values['token-label']?.trim();
    const issued =
      password === undefined || label ? await accounts.issueToken(account.id, label || 'created with staff:create', by) : undefined;
    say(
      `Created ${account.login} (${account.role})${issued ? '; the token below is shown this once' : ', who signs in with the password given'}`,
    );
    const printed = { id: account.id, login: account.login, role: account.role, hasPassword: account.hasPassword };
    process.stdout.write(`${JSON.stringify(issued ? { ...printed, token: issued.token } : printed)}\n`);
  });
});

/** The password piped in: everything on stdin but the line break a terminal or `echo` adds. */
async function passwordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (password.length < 10 || password.length > 256) throw new UsageError('The password on stdin must be 10 to 256 characters long');
  return password;
}
