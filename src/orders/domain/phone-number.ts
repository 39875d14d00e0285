import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/core';
// The metadata as the package's ES module (its /max entry point imports the
// .json without an import attribute, which Jest warns about on every load).
import metadata from 'libphonenumber-js/max/metadata';

/**
 * A customer's phone number in E.164 (+442012345678), the form events store
 * and staff search by; undefined when the text is not a possible number.
 * Numbers without a +country code are read in `defaultRegion`. "Possible"
 * (a plausible length for the country) rather than "valid" (an allocated
 * range): a real customer's new range must not be refused by stale metadata.
 */
export function normalisePhoneNumber(text: string, defaultRegion: string): string | undefined {
  if (!/[0-9]/.test(text) || /[^0-9 ()+./-]/.test(text)) return undefined;
  const parsed = parsePhoneNumberFromString(text, { defaultCountry: defaultRegion as CountryCode, extract: false }, metadata);
  return parsed?.isPossible() ? parsed.number : undefined;
}
