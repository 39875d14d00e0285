import type { FastifyInstance } from 'fastify';
import { type ContextualRequest, headerOf } from '../http/request-context.js';
import { NO_CREDENTIALS, type Authenticator } from './authenticator.js';

/**
 * Reads the request's credentials once, first thing, for everything after it:
 * the write rate limit (staff are exempt), the guard and the live stream. A
 * request without an Authorization header (every customer's) costs nothing here.
 */
export function identifyRequests(fastify: FastifyInstance, authenticator: Authenticator): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    const req = request as ContextualRequest;
    const authorization = headerOf(request, 'authorization');
    if (authorization === undefined) {
      req.identity = NO_CREDENTIALS;
      done();
      return;
    }
    authenticator.identify(authorization).then(
      (identity) => {
        req.identity = identity;
        done();
      },
      (error: Error) => done(error),
    );
  });
}
