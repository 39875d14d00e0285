import type { NextFunction, Request, Response } from 'express';
import { ApiError } from '../errors/api-error.js';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Every command takes a JSON object; a bare array, string or null is refused
 * before it reaches a DTO, and so are keys that only serve prototype pollution
 * (the DTO whitelist does not see them).
 */
export function requireObjectBody(req: Request, _res: Response, next: NextFunction): void {
  const body: unknown = req.body;
  if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
    next(ApiError.validation(['body must be a JSON object']));
    return;
  }
  const bad = body === undefined ? undefined : forbiddenPath(body, '');
  if (bad) {
    next(ApiError.validation([`${bad} should not exist`]));
    return;
  }
  next();
}

function forbiddenPath(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value !== 'object' || value === null || depth > 32) return undefined;
  for (const key of Object.keys(value)) {
    const here = path ? `${path}.${key}` : key;
    if (FORBIDDEN_KEYS.has(key)) return here;
    const nested = forbiddenPath((value as Record<string, unknown>)[key], here, depth + 1);
    if (nested) return nested;
  }
  return undefined;
}
