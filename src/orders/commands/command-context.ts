import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { CUSTOMER } from '../../common/auth/actor.js';
import { type ContextualRequest, headerOf } from '../../common/http/request-context.js';
import { parseIfMatch } from '../../common/if-match.js';
import type { CommandContext } from './order-command-runner.js';

/**
 * What a command route hands its command about the request, in the write
 * side's own terms: who asks, under which correlation id, on which version
 * (If-Match) and under which Idempotency-Key. Nothing of HTTP goes further.
 */
export const CommandCtx = createParamDecorator((_: unknown, host: ExecutionContext): CommandContext => {
  const req = host.switchToHttp().getRequest<ContextualRequest>();
  const expectedVersion = parseIfMatch(headerOf(req, 'if-match'));
  return {
    correlationId: req.id,
    actor: req.actor ?? CUSTOMER,
    ...(expectedVersion ? { expectedVersion } : {}),
    ...(req.idempotency ? { idempotency: req.idempotency } : {}),
  };
});
