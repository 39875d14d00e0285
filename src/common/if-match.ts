import { AppError } from './errors/app-error.js';

/**
 * The version (of an order, of a staff account) a client expects to write on, from `If-Match: "3"` (or a
 * bare 3); `*` means any. RFC 9110 compares If-Match strongly: a weak tag
 * (W/"3") never matches, so it is kept as `weak` and answered 412 VERSION_MISMATCH.
 */
export interface ExpectedVersion {
  readonly version: number;
  readonly weak: boolean;
}

export function parseIfMatch(header: string | undefined): ExpectedVersion | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*(W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match) throw AppError.validation(['If-Match must be the quoted order version from an ETag, e.g. "3"']);
  return { version: Number(match[2]), weak: match[1] !== undefined };
}

/** The strong comparison: the same version, and a tag that is not weak. */
export function versionHolds(expected: ExpectedVersion, version: number): boolean {
  return !expected.weak && expected.version === version;
}
