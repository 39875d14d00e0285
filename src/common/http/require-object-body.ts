import type { NextFunction, Request, Response } from 'express';
import { ApiError } from '../errors/api-error.js';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Every command takes a JSON object; a bare array, string or null is refused
 * before it reaches a DTO, and so are keys that only serve prototype pollution
 * (the DTO whitelist does not see them), and any key or string holding a NUL
 * character, which PostgreSQL can store in neither text nor jsonb.
 */
export function requireObjectBody(req: Request, _res: Response, next: NextFunction): void {
  const body: unknown = req.body;
  if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
    next(ApiError.validation(['body must be a JSON object']));
    return;
  }
  const bad = body === undefined ? undefined : forbiddenPath(body, '');
  if (bad) {
    next(ApiError.validation([bad.nul ? `${bad.path || 'body'} must not contain the NUL character` : `${bad.path} should not exist`]));
    return;
  }
  next();
}

function forbiddenPath(value: unknown, path: string, depth = 0): { path: string; nul: boolean } | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? { path, nul: true } : undefined;
  if (typeof value !== 'object' || value === null || depth > 32) return undefined;
  for (const key of Object.keys(value)) {
    const here = path ? `${path}.${key}` : key;
    if (FORBIDDEN_KEYS.has(key)) return { path: here, nul: false };
    if (key.includes('\u0000')) return { path: here, nul: true };
    const nested = forbiddenPath((value as Record<string, unknown>)[key], here, depth + 1);
    if (nested) return nested;
  }
  return undefined;
}
