import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { IdempotencyTicket } from '../idempotency/idempotency.interceptor.js';

export type ActorKind = 'customer' | 'staff';

export interface RequestContext {
  readonly correlationId: string;
  readonly actor: ActorKind;
  readonly idempotency?: IdempotencyTicket;
}

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export type ContextualRequest = Request & {
  context?: RequestContext;
  idempotency?: IdempotencyTicket;
};

/**
 * Gives every request a correlation id (the client's X-Correlation-Id when it is
 * sane, else a new one), echoed in the response and stored in the events' metadata.
 */
export function correlationIdMiddleware(req: ContextualRequest, res: Response, next: NextFunction): void {
  const given = req.header('x-correlation-id');
  const correlationId = given && CORRELATION_ID.test(given) ? given : randomUUID();
  req.context = { correlationId, actor: 'customer' };
  res.setHeader('X-Correlation-Id', correlationId);
  next();
}

export const Ctx = createParamDecorator((_: unknown, host: ExecutionContext): RequestContext => {
  const req = host.switchToHttp().getRequest<ContextualRequest>();
  const context = req.context ?? { correlationId: randomUUID(), actor: 'customer' as const };
  return req.idempotency ? { ...context, idempotency: req.idempotency } : context;
});
