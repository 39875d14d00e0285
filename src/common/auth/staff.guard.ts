import { type CanActivate, type ExecutionContext, Injectable, SetMetadata, applyDecorators } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';
import { ApiErrors } from '../errors/api-error-responses.js';
import { AppError } from '../errors/app-error.js';
import { type ContextualRequest, headerOf } from '../http/request-context.js';
import { StaffToken } from './staff-token.js';

const STAFF_ONLY = 'pizzeria:staff-only';

/**
 * Runs on every route: marks the request's actor as staff when it carries the
 * staff token, and turns away requests to staff-only routes that do not.
 */
@Injectable()
export class StaffGuard implements CanActivate {
  constructor(
    private readonly token: StaffToken,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<ContextualRequest>();
    const verdict = this.token.check(headerOf(req, 'authorization'));
    req.actor = verdict === 'staff' ? 'staff' : 'customer';
    const staffOnly = this.reflector.getAllAndOverride<boolean>(STAFF_ONLY, [context.getHandler(), context.getClass()]);
    if (!staffOnly || verdict === 'staff') return true;
    if (verdict === 'missing') {
      throw new AppError('STAFF_TOKEN_MISSING', 'This route needs a staff token: Authorization: Bearer <token>');
    }
    throw new AppError('STAFF_TOKEN_INVALID', 'The staff token is not valid');
  }
}

/** Staff-only, and documented so in the OpenAPI document: the bearer scheme and the 401/403 answers. */
export const StaffOnly = () =>
  applyDecorators(SetMetadata(STAFF_ONLY, true), ApiBearerAuth('staff'), ApiErrors('STAFF_TOKEN_MISSING', 'STAFF_TOKEN_INVALID'));

/**
 * Open to anyone, with more allowed to staff (a customer cancels only a PENDING
 * order; the live stream is one order's without a token): documented as an
 * optional bearer token, the empty security requirement beside the staff one.
 */
export const StaffOptional = () => applyDecorators(ApiSecurity({}), ApiBearerAuth('staff'));
