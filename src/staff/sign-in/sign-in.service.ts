import { Injectable } from '@nestjs/common';
import type { StaffActor } from '../../common/auth/actor.js';
import { type OpenedSession, StaffSessions } from '../../common/auth/staff-sessions.js';
import { isStaffRole } from '../../common/auth/staff-roles.js';
import { AppError } from '../../common/errors/app-error.js';
import { Database } from '../../database/database.js';
import { passwordMatches } from './passwords.js';
import { SignInThrottle } from './sign-in-throttle.js';

interface Candidate {
  id: string;
  login: string;
  name: string;
  role: string;
  enabled: boolean;
  password_hash: string | null;
}

/** A successful sign-in: who, and the session the cookie will name. */
export interface SignedIn {
  readonly actor: StaffActor;
  readonly login: string;
  readonly session: OpenedSession;
}

/**
 * Password sign-in. One answer for every way it can fail (unknown login,
 * wrong password, disabled account, an account with no password), after the
 * same argon2 work, so neither the answer nor its timing tells whether a
 * login exists; attempts are limited per login and per address first.
 */
@Injectable()
export class SignIn {
  constructor(
    private readonly db: Database,
    private readonly throttle: SignInThrottle,
    private readonly sessions: StaffSessions,
  ) {}

  async signIn(login: string, password: string, address: string): Promise<SignedIn> {
    const retryAfterSeconds = await this.throttle.attempt(login, address);
    if (retryAfterSeconds !== undefined) {
      throw new AppError('SIGN_IN_RATE_LIMITED', `Too many failed sign-ins: try again in ${retryAfterSeconds} seconds`, {
        retryAfterSeconds,
      });
    }
    const [account] = await this.db.query<Candidate>(
      'SELECT id, login, name, role, enabled, password_hash FROM staff_accounts WHERE login = $1',
      [login.trim().toLowerCase()],
    );
    const usable = account?.enabled && isStaffRole(account.role) ? account : undefined;
    const matches = await passwordMatches(usable?.password_hash, password);
    if (!usable || !matches || !isStaffRole(usable.role)) throw new AppError('SIGN_IN_FAILED', 'The login or the password is wrong');
    await this.throttle.succeeded(login, address);
    const session = await this.sessions.open(usable.id);
    return { actor: { kind: 'staff', id: usable.id, name: usable.name, role: usable.role }, login: usable.login, session };
  }
}
