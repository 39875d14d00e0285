import type {} from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors/app-error.js';
import type { ContextualRequest } from './request-context.js';

const WINDOW_MS = 60_000;

/**
 * Rate-limits customers' writes per client address: 429 TOO_MANY_REQUESTS with
 * Retry-After. Reads are not limited, nor is staff with a valid token (the
 * kitchen board must never be locked out on a busy night). Counting is
 * @fastify/rate-limit's: per instance, or across instances with the shared
 * store (RATE_LIMIT_STORE=postgres, see bootstrap); the headers are the IETF draft-8 pair
 * (`RateLimit-Policy`, `RateLimit`) the API has always sent, which the plugin's
 * own do not follow. Needs the plugin registered first, and identifyRequests before it.
 */
export function limitWrites(fastify: FastifyInstance, perMinute: number): void {
  if (perMinute <= 0) return;
  const limiter = fastify.createRateLimit({ max: perMinute, timeWindow: WINDOW_MS });
  const policy = `"writes";q=${perMinute};w=${WINDOW_MS / 1000}`;
  fastify.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'POST' || (request as ContextualRequest).identity?.verdict === 'staff') return;
    const verdict = await limiter(request);
    if (verdict.isAllowed) return;
    reply.header('RateLimit-Policy', policy);
    reply.header('RateLimit', `"writes";r=${verdict.remaining};t=${verdict.ttlInSeconds}`);
    if (!verdict.isExceeded) return;
    reply.header('Retry-After', String(Math.max(1, verdict.ttlInSeconds)));
    throw new AppError(
      'TOO_MANY_REQUESTS',
      `Too many writes from this address: at most ${perMinute} a minute. Try again after Retry-After`,
    );
  });
}
