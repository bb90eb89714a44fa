import { z } from 'zod';

// One rule for every piece of text a person (or a device, or the coach) sends us: no NUL and
// no lone UTF-16 surrogate. Postgres refuses NUL in text and both in jsonb, so such a string
// would otherwise reach the database and fail there (a 500, or a push that can never apply);
// refused here it is a 400 naming the field, and a sync push rejects only that mutation.

// With the `u` flag a surrogate pair is one code point, so only an unpaired half matches.
// eslint-disable-next-line no-control-regex -- NUL is exactly what this must find
const BAD_CHARACTER = /[\u0000\uD800-\uDFFF]/u;

/** The message of the issue a text field with a NUL or a lone surrogate gets. */
export const BAD_TEXT_MESSAGE = 'must not contain a NUL character or an unpaired surrogate';

/** True when `value` holds no NUL and no unpaired surrogate (it can be stored as text and in JSON). */
export function isStorableText(value: string): boolean {
  return !BAD_CHARACTER.test(value);
}

/** `value` with every NUL and unpaired surrogate replaced by U+FFFD, for echoing untrusted text safely. */
export function storableText(value: string): string {
  // eslint-disable-next-line no-control-regex -- NUL is exactly what this must replace
  return value.replace(/[\u0000\uD800-\uDFFF]/gu, '\uFFFD');
}

/**
 * The string every text field's schema starts from (`Text.trim().min(1).max(120)`): a plain
 * z.string() that refuses NUL and unpaired surrogates.
 */
export const Text = z.string().refine(isStorableText, { message: BAD_TEXT_MESSAGE });
