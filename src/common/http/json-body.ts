import type { FastifyInstance } from 'fastify';
import { isUtf8 } from 'node:buffer';
import { AppError } from '../errors/app-error.js';
import { printable, textProblem } from './request-text.js';

/**
 * How deep a body may nest objects and arrays. The deepest the API takes is an
 * order's toppings (body → items → item → toppings: 4); past the limit a body
 * is refused before any transformation runs, since class-transformer recurses
 * once per level and thousands of levels overflow its stack.
 */
export const MAX_BODY_DEPTH = 8;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;

/**
 * The only body the API reads: a JSON object, sent as `application/json` in
 * UTF-8. Any other media type, or a body without one, is 415
 * UNSUPPORTED_MEDIA_TYPE (Fastify answers that for types no parser takes); an
 * empty body is no body. What parses is checked in one pass for the contract's
 * rules: an object at the top, at most MAX_BODY_DEPTH levels, no key that only
 * serves prototype pollution (the DTO whitelist does not see them), and every
 * key and string passing the request text rule (request-text.ts).
 */
export function registerJsonBodyParser(fastify: FastifyInstance, bodyLimit: number): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (request, body, done) => {
    const charset = CHARSET.exec(request.headers['content-type'] ?? '')?.[1].toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      return done(new AppError('UNSUPPORTED_MEDIA_TYPE', 'The request body must be UTF-8 JSON'));
    }
    const bytes = body as Buffer;
    if (bytes.length === 0) return done(null, undefined);
    if (!isUtf8(bytes)) return done(AppError.validation(['body must be UTF-8 encoded']));
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString('utf8'));
    } catch {
      return done(AppError.validation(['body must be well-formed JSON']));
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return done(AppError.validation(['body must be a JSON object']));
    }
    const problem = bodyProblem(parsed, '', 1);
    done(problem ? AppError.validation([problem]) : null, parsed);
  });
}

function bodyProblem(value: object, path: string, depth: number): string | undefined {
  if (depth > MAX_BODY_DEPTH) return `body must not nest objects and arrays more than ${MAX_BODY_DEPTH} levels deep`;
  for (const key of Object.keys(value)) {
    const here = path ? `${path}.${printable(key)}` : printable(key);
    if (FORBIDDEN_KEYS.has(key)) return `${here} should not exist`;
    const keyProblem = textProblem(key);
    if (keyProblem) return `${here}: the key ${keyProblem}`;
    const item: unknown = (value as Record<string, unknown>)[key];
    if (typeof item === 'string') {
      const problem = textProblem(item);
      if (problem) return `${here} ${problem}`;
    } else if (typeof item === 'object' && item !== null) {
      const nested = bodyProblem(item, here, depth + 1);
      if (nested) return nested;
    }
  }
  return undefined;
}
