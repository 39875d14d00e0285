import { parseArgs } from 'node:util';
import { BOOTSTRAP_ACTOR } from '../common/auth/actor.js';
import { isStaffRole, STAFF_ROLES } from '../common/auth/staff-roles.js';
import { StaffAccounts } from '../staff/staff-accounts.service.js';
import { runCli, UsageError, withAppContext } from './cli-app.js';

const USAGE = `Usage: npm run staff:create -- --login <login> --name <name> --role <${STAFF_ROLES.join('|')}> [--token-label <label>]`;

/**
 * npm run staff:create -- --login maria --name Maria --role manager: the first
 * manager of a new deployment (or any account), with a personal API token,
 * printed once on stdout as JSON. Recorded in the log as done with the
 * bootstrap token, like any change made with STAFF_API_TOKEN.
 */
await runCli('staff:create', async ({ config, say }) => {
  const { values } = parseArgs({
    options: { login: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, 'token-label': { type: 'string' } },
  });
  const { login, name, role } = values;
  if (!login || !/^[a-z0-9._-]{2,64}$/.test(login) || !name?.trim() || !isStaffRole(role)) throw new UsageError(USAGE);
  await withAppContext(config, async (app) => {
    const accounts = app.get(StaffAccounts);
    const by = { actor: BOOTSTRAP_ACTOR, correlationId: `cli-staff-create-${Date.now()}` };
    const account = await accounts.create({ login, name: name.trim(), role }, by);
    const issued = await accounts.issueToken(account.id, values['token-label']?.trim() || 'created with staff:create', by);
    say(`Created ${account.login} (${account.role}); the token below is shown this once`);
    process.stdout.write(`${JSON.stringify({ id: account.id, login: account.login, role: account.role, token: issued.token })}\n`);
  });
});
