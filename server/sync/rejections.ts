import type { MutationError, MutationResult } from '#shared/sync/protocol.ts';
import { storableText } from '#shared/schema/text.ts';

// What a refused mutation's answer may hold (issue 15, M5 and L4). The answer is stored (a
// retried push gets the same one) and sent, so it is bounded, and its text is storable: an
// issue may quote the device's own input (an unknown key with a NUL in it), which jsonb refuses.

/** At most this many bytes of JSON per stored rejection. */
export const MAX_REJECTION_BYTES = 1024;
const MAX_MESSAGE_CHARS = 300;
const MAX_PATH_CHARS = 100;
const MAX_ISSUE_MESSAGE_CHARS = 160;
const MAX_ISSUES = 10;

const cut = (text: string, max: number) => {
  const clean = storableText(text);
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
};

/** The rejection as answered and stored: storable text, at most MAX_REJECTION_BYTES of JSON (the first issues kept). */
export function boundedRejection(error: MutationError): MutationError {
  const bounded: MutationError = { code: cut(error.code, 64), message: cut(error.message, MAX_MESSAGE_CHARS) };
  if (!error.issues?.length) return bounded;
  const issues = error.issues
    .slice(0, MAX_ISSUES)
    .map((issue) => ({ path: cut(issue.path, MAX_PATH_CHARS), message: cut(issue.message, MAX_ISSUE_MESSAGE_CHARS) }));
  // Room for the stored name and version beside it; drop issues from the end until it fits.
  while (issues.length > 0 && Buffer.byteLength(JSON.stringify({ ...bounded, issues })) > MAX_REJECTION_BYTES - 120) issues.pop();
  return issues.length > 0 ? { ...bounded, issues } : bounded;
}

/** The answer for a mutation processed so long ago that its stored result was pruned. */
export function resultExpired(id: number): MutationResult {
  return {
    id,
    status: 'rejected',
    version: 0,
    error: { code: 'result_expired', message: 'The server received this change long ago but no longer keeps its answer; check that it shows as you expect.' },
  };
}
