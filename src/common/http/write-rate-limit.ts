import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { StaffToken } from '../auth/staff-token.js';

/**
 * Rate-limits customers' writes per client address: 429 TOO_MANY_REQUESTS with
 * Retry-After. Reads are not limited, nor is staff with a valid token (the
 * kitchen board must never be locked out on a busy night). Counters are per
 * instance. (@nestjs/throttler is CommonJS and requires the ESM-only
 * @nestjs/common 12, which Jest cannot load on Node 20; express-rate-limit ships ESM.)
 */
export function writeRateLimit(perMinute: number, staffToken: StaffToken): RequestHandler {
  if (perMinute <= 0) return (_req: Request, _res: Response, next: NextFunction) => next();
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    skip: (req) => req.method !== 'POST' || staffToken.check(req.header('authorization')) === 'staff',
    handler: (_req, res, _next, options) => {
      res.status(429).json({
        statusCode: 429,
        error: 'Too Many Requests',
        code: 'TOO_MANY_REQUESTS',
        message: `Too many writes from this address: at most ${options.limit} a minute. Try again after the Retry-After delay`,
      });
    },
  });
}
