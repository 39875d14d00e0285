import { STATUS_CODES } from 'node:http';
import type { RawRequest, RawResponse } from '../raw-http.js';
import { routeName, type RegisteredRoute } from '../routes.js';

/**
 * What the hostile-input spec asks of every answer: never a 5xx (but for the
 * contract's own 503s about the server's state), an error in the contract's
 * shape that tells nothing internal, and no event for a refused request.
 */

/** 503s that describe the server's state, not the request: a read model behind the asked position, readiness. */
function allowedServerState(route: RegisteredRoute, req: RawRequest, res: RawResponse): boolean {
  if (res.status !== 503) return false;
  if (res.body?.code === 'PROJECTION_BEHIND') return /minPosition/.test(decodeSafely(req.path));
  return res.body?.code === 'NOT_READY' && route.path === '/health';
}

const LEAKS: Array<[string, RegExp]> = [
  ['a stack frame', /\bat\s+\S+\s+\(?[^\s()]+:\d+:\d+\)?/g],
  ['a stack field', /"stack"\s*:/g],
  ['a source path', /node_modules|\/src\/|\.ts:\d+|\.js:\d+/g],
  [
    'SQL',
    /\bSELECT\s+[\w*]|\bINSERT\s+INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b|duplicate key|violates|\brelation\s+"|\bpg_\w+|\bstream_id\b|syntax error at/gi,
  ],
  [
    'an internal error name',
    /\b(QueryFailedError|TypeError|ReferenceError|SyntaxError|RangeError|ConcurrencyError|DomainError|ApiError|MenuError|EntityNotFound)\b/g,
  ],
];

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** What leaked into the answer that the request did not itself bring (an echoed id is not a leak). */
function leaks(res: RawResponse, req: RawRequest): string[] {
  const sent = [
    req.path,
    decodeSafely(req.path),
    JSON.stringify(req.headers ?? {}),
    String(req.body ?? ''),
    decodeSafely(String(req.body ?? '')),
  ].join('\n');
  const found: string[] = [];
  for (const [what, pattern] of LEAKS) {
    for (const match of res.text.matchAll(pattern)) {
      if (!sent.toLowerCase().includes(match[0].toLowerCase())) found.push(`${what}: ${match[0]}`);
    }
  }
  return found;
}

export function checkAnswer(route: RegisteredRoute, req: RawRequest, res: RawResponse, eventsBefore: number, eventsAfter: number): void {
  const seen = { route: routeName(route), path: req.path.slice(0, 200), status: res.status, code: res.body?.code };
  if (res.status >= 500 && !allowedServerState(route, req, res)) {
    throw new Error(`a ${res.status} answer: ${JSON.stringify(seen)} ${res.text.slice(0, 300)}`);
  }
  if (res.status < 200 || res.status >= 300) {
    if (eventsAfter !== eventsBefore)
      throw new Error(`a refused request wrote ${eventsAfter - eventsBefore} event(s): ${JSON.stringify(seen)}`);
  }
  if (res.status >= 400) {
    const shape = res.body as Record<string, unknown> | undefined;
    const wellFormed =
      shape !== undefined &&
      shape.statusCode === res.status &&
      shape.error === STATUS_CODES[res.status] &&
      typeof shape.code === 'string' &&
      /^[A-Z][A-Z0-9_]*$/.test(shape.code) &&
      (typeof shape.message === 'string' || Array.isArray(shape.message));
    if (!wellFormed) throw new Error(`an error outside the contract's shape: ${JSON.stringify(seen)} ${res.text.slice(0, 300)}`);
    const leaked = leaks(res, req);
    if (leaked.length) throw new Error(`the answer leaks ${leaked.join(', ')}: ${JSON.stringify(seen)} ${res.text.slice(0, 300)}`);
  }
  const correlation = res.headers['x-correlation-id'];
  if (correlation !== undefined && !/^[A-Za-z0-9._:-]{1,128}$/.test(String(correlation))) {
    throw new Error(`an X-Correlation-Id that echoes what it should not: ${JSON.stringify(correlation)}`);
  }
}
