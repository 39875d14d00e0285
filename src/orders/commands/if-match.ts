import { ApiError } from '../../common/errors/api-error.js';

/** `If-Match: "3"` (or W/"3", or a bare 3) names the order version the client saw; `*` means any. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match) throw ApiError.validation(['If-Match must be the quoted order version from an ETag, e.g. "3"']);
  return Number(match[1]);
}
