import { type CanActivate, type ExecutionContext, Injectable, SetMetadata, applyDecorators } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBearerAuth, ApiCookieAuth, ApiExtension, ApiSecurity } from '@nestjs/swagger';
import { ApiErrors } from '../errors/api-error-responses.js';
import { AppError } from '../errors/app-error.js';
import type { ContextualRequest } from '../http/request-context.js';
import { CUSTOMER, type StaffActor } from './actor.js';
import { NO_CREDENTIALS, type Identity } from './authenticator.js';
import { STAFF_ROLES, type StaffRole } from './staff-roles.js';

export const ACCESS = 'pizzeria:access';

/** Who may call a route: staff only, or anyone with staff allowed more; and which roles of staff. */
export interface Access {
  readonly staff: 'only' | 'optional';
  /** The roles allowed besides manager, who may do everything; none listed: every role. */
  readonly roles: readonly StaffRole[];
}

/**
 * Runs on every route: takes who the request's credentials name (see
 * identifyRequests) as the request's actor, and turns away what the route's
 * access does not allow: no credentials, an unknown or expired session (401);
 * a token that is not valid, revoked or of a disabled account, a cookie
 * without its CSRF token, or a role the route is not for (403).
 */
@Injectable()
export class StaffGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<ContextualRequest>();
    const identity = req.identity ?? NO_CREDENTIALS;
    req.actor = identity.verdict === 'staff' ? identity.actor : CUSTOMER;
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS, [context.getHandler(), context.getClass()]);
    if (!access) return true;
    if (identity.verdict === 'staff') {
      if (mayCall(access, identity.actor)) return true;
      throw roleNotAllowed(access, identity.actor);
    }
    // A route open to anyone treats a token that names nobody as no token at all.
    if (access.staff === 'optional') return true;
    throw credentialsRefused(identity);
  }
}

export function mayCall(access: Access, actor: StaffActor): boolean {
  return actor.role === 'manager' || access.roles.length === 0 || access.roles.includes(actor.role);
}

export function rolesOf(access: Access): StaffRole[] {
  return access.roles.length === 0 ? [...STAFF_ROLES] : STAFF_ROLES.filter((role) => role === 'manager' || access.roles.includes(role));
}

function roleNotAllowed(access: Access, actor: StaffActor): AppError {
  const roles = rolesOf(access);
  const needs = roles.length === 1 ? `the ${roles[0]} role` : `the ${roles.slice(0, -1).join(', ')} or ${roles[roles.length - 1]} role`;
  return new AppError('ROLE_NOT_ALLOWED', `This needs ${needs}; this account is ${actor.role}`);
}

/** What a staff-only route answers a request that names no member of staff. */
export function credentialsRefused(
  identity: Exclude<Identity, { verdict: 'staff' }>,
  missing = 'This route needs a staff token: Authorization: Bearer <token>',
): AppError {
  if (identity.verdict === 'missing') return new AppError('STAFF_TOKEN_MISSING', missing);
  switch (identity.code) {
    case 'STAFF_TOKEN_REVOKED':
      return new AppError(identity.code, 'This personal API token was revoked');
    case 'STAFF_ACCOUNT_DISABLED':
      return new AppError(identity.code, 'The account this token or session belongs to is disabled');
    case 'SESSION_INVALID':
      return new AppError(identity.code, 'This session does not exist or was signed out: sign in again');
    case 'SESSION_EXPIRED':
      return new AppError(identity.code, 'This session has expired: sign in again');
    case 'CSRF_TOKEN_INVALID':
      return new AppError(identity.code, "A request signed in by the session cookie must send the session's X-CSRF-Token header");
    default:
      return new AppError('STAFF_TOKEN_INVALID', 'The staff token is not valid');
  }
}

const ACCESS_ERRORS = [
  'STAFF_TOKEN_MISSING',
  'SESSION_INVALID',
  'SESSION_EXPIRED',
  'STAFF_TOKEN_INVALID',
  'STAFF_TOKEN_REVOKED',
  'STAFF_ACCOUNT_DISABLED',
  'CSRF_TOKEN_INVALID',
  'ROLE_NOT_ALLOWED',
] as const;

/**
 * Staff only, of the roles listed (a manager always; none listed: any role),
 * and documented so in the OpenAPI document: the bearer scheme, the 401/403
 * answers and the roles (`x-staff-roles`).
 */
export const StaffOnly = (...roles: StaffRole[]) => {
  const access: Access = { staff: 'only', roles };
  return applyDecorators(
    SetMetadata(ACCESS, access),
    ApiBearerAuth('staff'),
    ApiCookieAuth('session'),
    ApiExtension('x-staff-roles', rolesOf(access)),
    ApiErrors(...ACCESS_ERRORS),
  );
};

/**
 * Open to anyone, with more allowed to staff of the roles listed (a customer
 * cancels only a PENDING order; the live stream is one order's without a
 * token): documented as an optional bearer token, the empty security
 * requirement beside the staff one.
 */
export const StaffOptional = (...roles: StaffRole[]) => {
  const access: Access = { staff: 'optional', roles };
  return applyDecorators(
    SetMetadata(ACCESS, access),
    ApiSecurity({}),
    ApiBearerAuth('staff'),
    ApiCookieAuth('session'),
    ApiExtension('x-staff-roles', rolesOf(access)),
  );
};
