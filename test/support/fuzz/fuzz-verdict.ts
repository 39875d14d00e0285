import { STATUS_CODES } from 'node:http';
import type { RawRequest, RawResponse } from '../raw-http.js';

/**
 * What must hold of every answer, whatever was sent: no 5xx (but for the 503s
 * that describe the server's state rather than the request), an error in the
 * contract's shape, and no event written by a refused request. Returns what
 * broke, or undefined.
 */
export function verdict(req: RawRequest, res: RawResponse, eventsWritten: number): string | undefined {
  if (res.status >= 500 && !serverState(req, res)) return `${res.status} ${res.body?.code ?? ''}`.trim();
  const refused = res.status < 200 || res.status >= 300;
  if (refused && eventsWritten !== 0) return `a refused request (${res.status}) wrote ${eventsWritten} event(s)`;
  if (res.status >= 400 && !inContractShape(res)) return `a ${res.status} outside the error shape: ${res.text.slice(0, 120)}`;
  return undefined;
}

/** 503s that say the server is not ready for what was asked, not that the request broke it. */
function serverState(req: RawRequest, res: RawResponse): boolean {
  if (res.status !== 503) return false;
  if (res.body?.code === 'PROJECTION_BEHIND') return /minPosition/i.test(req.path);
  return res.body?.code === 'NOT_READY' && req.path.startsWith('/health');
}

/** `{ statusCode, error, code, message }`, code UPPER_SNAKE, as every error in the contract. */
export function inContractShape(res: RawResponse): boolean {
  const body = res.body as Record<string, unknown> | undefined;
  return (
    body !== undefined &&
    body.statusCode === res.status &&
    body.error === STATUS_CODES[res.status] &&
    typeof body.code === 'string' &&
    /^[A-Z][A-Z0-9_]*$/.test(body.code) &&
    (typeof body.message === 'string' || (Array.isArray(body.message) && body.message.every((m) => typeof m === 'string')))
  );
}
