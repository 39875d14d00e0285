import type { NextFunction, Request, Response } from 'express';
import { ApiError } from '../errors/api-error.js';

/** Every command takes a JSON object; a bare array, string or null is refused before it reaches a DTO. */
export function requireObjectBody(req: Request, _res: Response, next: NextFunction): void {
  const body: unknown = req.body;
  if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
    next(ApiError.validation(['body must be a JSON object']));
    return;
  }
  next();
}
