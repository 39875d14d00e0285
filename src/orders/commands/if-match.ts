import { ApiError } from '../../common/errors/api-error.js';

/**
 * `If-Match: "3"` (or a bare 3) names the order version the client saw; `*`
 * means any. RFC 9110 compares If-Match strongly: a weak tag (W/"3") never
 * matches, so it is kept as `weak` and answered 412 VERSION_MISMATCH.
 */
export interface IfMatch {
  readonly version: number;
  readonly weak: boolean;
}

export function parseIfMatch(header: string | undefined): IfMatch | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*(W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match) throw ApiError.validation(['If-Match must be the quoted order version from an ETag, e.g. "3"']);
  return { version: Number(match[2]), weak: match[1] !== undefined };
}

/** The strong comparison: the same version, and a tag that is not weak. */
export function ifMatchHolds(ifMatch: IfMatch, version: number): boolean {
  return !ifMatch.weak && ifMatch.version === version;
}
