import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error.js';

/**
 * The one rule for text a client sends, wherever it comes from (JSON body
 * strings and keys, query parameters, path ids): it must be well-formed
 * Unicode, without the NUL character. PostgreSQL stores neither a lone UTF-16
 * surrogate (JSON `"\ud83d"`) in jsonb nor NUL in text or jsonb, so such input
 * is refused up front with 400 VALIDATION_FAILED naming the field, before
 * anything is written. Headers the API reads (Idempotency-Key, If-Match,
 * Last-Event-ID, X-Correlation-Id, Authorization) are ASCII by their own rules.
 */
export function textProblem(value: string): string | undefined {
  if (value.includes('\u0000')) return 'must not contain the NUL character';
  if (!value.isWellFormed()) return 'must be well-formed Unicode text (it holds a lone UTF-16 surrogate)';
  return undefined;
}

/**
 * Fastify's query parser keeps a %-sequence it cannot decode as it is
 * (`?phone=%ED%A0%BD` reads as the literal text), so the raw query is checked
 * here: every name and value must be percent-encoded UTF-8 and pass textProblem.
 */
export function refuseIllFormedQuery(request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void): void {
  const at = request.url.indexOf('?');
  if (at === -1) return done();
  const problems: string[] = [];
  for (const pair of request.url.slice(at + 1).split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawName = eq === -1 ? pair : pair.slice(0, eq);
    const name = decodeStrictly(rawName);
    const value = eq === -1 ? '' : decodeStrictly(pair.slice(eq + 1));
    const label = name === undefined ? 'a query parameter name' : `query parameter ${printable(name)}`;
    if (name === undefined || value === undefined) problems.push(`${label} is not validly percent-encoded UTF-8`);
    else {
      const problem = textProblem(name) ?? textProblem(value);
      if (problem) problems.push(`${label} ${problem}`);
    }
  }
  done(problems.length > 0 ? AppError.validation(problems) : undefined);
}

function decodeStrictly(component: string): string | undefined {
  try {
    return decodeURIComponent(component.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}

/** A name as it can be shown back in a message: at most 64 characters, control characters and lone surrogates escaped. */
export function printable(name: string): string {
  const short = name.length > 64 ? `${name.slice(0, 64)}…` : name;
  // eslint-disable-next-line no-control-regex
  return short.replace(/[\u0000-\u001f\u007f]|[\ud800-\udfff]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
