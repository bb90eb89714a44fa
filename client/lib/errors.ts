import { ErrorEnvelopeSchema } from '#shared/errors/envelope.ts';
import { isKnownErrorCode, wordsFor, type KnownErrorCode } from '#shared/errors/registry.ts';
import type { Issue } from '#shared/schema/issues.ts';

// The one way a failure becomes words on a screen (docs/ARCHITECTURE.md §Errors). Every screen passes what it
// caught to describeError; branching on a failure goes through errorCode, whose result is typed
// with the registry's codes, so a misspelt code is a type error rather than a branch never taken.

/** The client's one error type: a coded failure, answered by the server or the device's own. */
export class CodedError extends Error {
  readonly code: KnownErrorCode;
  /** The answer's HTTP status; 0 when none came (offline) or the device refused before asking. */
  readonly status: number;
  readonly issues: Issue[];

  /** `message` replaces the code's words (the server's own); `detail` follows them in brackets (what the device knows more). */
  constructor(code: KnownErrorCode, details: { message?: string | undefined; detail?: string; status?: number; issues?: Issue[] | undefined } = {}) {
    const words = details.message || wordsFor(code);
    super(details.detail ? `${words} (${details.detail})` : words);
    this.name = 'CodedError';
    this.code = code;
    this.status = details.status ?? 0;
    this.issues = details.issues ?? [];
  }
}

/** The error an unsuccessful HTTP answer means: its code and words, or `http_error` when it is not our envelope or its code is unknown here. */
export function errorFromAnswer(status: number, payload: unknown): CodedError {
  const body = ErrorEnvelopeSchema.safeParse(payload);
  if (!body.success) return new CodedError('http_error', { status, detail: `HTTP ${status}` });
  const { code, message, issues } = body.data.error;
  return new CodedError(isKnownErrorCode(code) ? code : 'http_error', { status, message, issues });
}

/** The registered code of a failure (a CodedError, a sync error, a refused change, a stream's error event), or null. */
export function errorCode(error: unknown): KnownErrorCode | null {
  const code = error instanceof CodedError ? error.code : codedObject(error)?.code;
  return isKnownErrorCode(code) ? code : null;
}

/** The words a runner reads for any failure: the message that came with it, else its code's words. */
export function describeError(error: unknown): string {
  if (error instanceof CodedError) return error.message;
  const coded = codedObject(error);
  if (coded) return coded.message || (isKnownErrorCode(coded.code) ? wordsFor(coded.code) : wordsFor('http_error'));
  // Not ours: IndexedDB refusing, a bug. Say so in our words, keeping its own for a bug report.
  if (error instanceof Error && error.message) return `${wordsFor('device_error')} (${error.message})`;
  return wordsFor('device_error');
}

/**
 * One message per form field from a failure's issues (the first per field), keyed by the first
 * segment of each path (`goal.title` → `goal`) or, with `key: 'last'`, by the last (`title`).
 */
export function fieldErrors(error: unknown, key: 'first' | 'last' = 'first'): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error instanceof CodedError ? error.issues : []) {
    const segments = issue.path.split(/[.[]/);
    const field = (key === 'first' ? segments[0] : segments.at(-1)) ?? '';
    if (field && !fields[field]) fields[field] = issue.message;
  }
  return fields;
}

/** A form's errors: per field where the failure names fields, else one general message. */
export function formErrors(error: unknown): { fields: Record<string, string>; general: string | null } {
  const fields = fieldErrors(error);
  return { fields, general: Object.keys(fields).length > 0 ? null : describeError(error) };
}

/** A plain object with a code and maybe a message (a SyncError, a rejected change, a stream event). */
function codedObject(value: unknown): { code: string; message: string } | null {
  if (typeof value !== 'object' || value === null || value instanceof Error) return null;
  const { code, message } = value as { code?: unknown; message?: unknown };
  return typeof code === 'string' ? { code, message: typeof message === 'string' ? message : '' } : null;
}
