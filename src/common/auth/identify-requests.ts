import type { FastifyInstance } from 'fastify';
import { type ContextualRequest, headerOf } from '../http/request-context.js';
import { NO_CREDENTIALS, type Authenticator } from './authenticator.js';
import { CSRF_HEADER, isUnsafeMethod, sessionCookieOf } from './session-cookie.js';

/**
 * Reads the request's credentials once, first thing, for everything after it:
 * the write rate limit (staff are exempt), the guard and the live stream. A
 * request with neither an Authorization header nor the session cookie (every
 * customer's) costs nothing here.
 */
export function identifyRequests(fastify: FastifyInstance, authenticator: Authenticator): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    const req = request as ContextualRequest;
    const authorization = headerOf(request, 'authorization');
    const sessionCookie = authorization === undefined ? sessionCookieOf(headerOf(request, 'cookie')) : undefined;
    if (authorization === undefined && sessionCookie === undefined) {
      req.identity = NO_CREDENTIALS;
      done();
      return;
    }
    const csrfToken = headerOf(request, CSRF_HEADER);
    authenticator.identify({ authorization, sessionCookie, csrfToken, unsafe: isUnsafeMethod(request.method) }).then(
      (identity) => {
        req.identity = identity;
        done();
      },
      (error: Error) => done(error),
    );
  });
}
