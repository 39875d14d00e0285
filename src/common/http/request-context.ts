import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { IdempotencyTicket } from '../idempotency/idempotency-ticket.js';

import { CUSTOMER, type Actor } from '../auth/actor.js';
import type { Identity } from '../auth/authenticator.js';

export interface RequestContext {
  readonly correlationId: string;
  readonly actor: Actor;
  readonly idempotency?: IdempotencyTicket;
}

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** What the identify hook, the guard and the idempotency interceptor leave on the request for the handler. */
export type ContextualRequest = FastifyRequest & {
  identity?: Identity;
  actor?: Actor;
  idempotency?: IdempotencyTicket;
};

/**
 * Fastify's request id: the client's X-Correlation-Id when it is sane, else a
 * new one. It is echoed in the response (HttpObserver), bound to every log line
 * of the request and stored in the events' metadata.
 */
export function correlationIdOf(req: IncomingMessage): string {
  const given = req.headers['x-correlation-id'];
  return typeof given === 'string' && CORRELATION_ID.test(given) ? given : randomUUID();
}

/** A request header as one string: a repeated header counts as its first value. */
export function headerOf(req: FastifyRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export const Ctx = createParamDecorator((_: unknown, host: ExecutionContext): RequestContext => {
  const req = host.switchToHttp().getRequest<ContextualRequest>();
  const context: RequestContext = { correlationId: req.id, actor: req.actor ?? CUSTOMER };
  return req.idempotency ? { ...context, idempotency: req.idempotency } : context;
});
