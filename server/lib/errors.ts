import type { ZodError } from 'zod';
import type { ErrorCode, ErrorStatus } from '#shared/errors/codes.ts';
import type { ErrorObject } from '#shared/errors/envelope.ts';
import { statusFor, wordsFor } from '#shared/errors/registry.ts';
import { toIssues, type Issue } from '#shared/schema/issues.ts';

export type { ErrorCode, ErrorStatus };

/** What an AppError may carry besides its code; the message defaults to the registry's words. */
export interface AppErrorDetails {
  /** Say more than the words when the runner needs it: the wait, the missing fields, the rule. */
  message?: string;
  issues?: Issue[];
  /** Extra top-level fields of the error object, e.g. `expected` for sync's 409. */
  extra?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/**
 * The one error type handlers throw; `onError` turns it into the JSON envelope. Its code must be
 * in shared/errors/codes.ts (a type error otherwise), which gives its status and default words.
 */
export class AppError extends Error {
  readonly status: ErrorStatus;
  readonly code: ErrorCode;
  readonly issues: Issue[] | undefined;
  readonly extra: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  /** `new AppError('id_taken')`: the registry's status and words. */
  constructor(code: ErrorCode, details?: AppErrorDetails);
  /**
   * The older spelling, status first. The status must be the registry's for the code
   * (shared/errors/server-codes.test.ts checks every literal); only `bad_request` passes on the
   * 4xx Hono chose.
   */
  constructor(status: ErrorStatus, code: ErrorCode, message?: string, issues?: Issue[], extra?: Record<string, unknown>, headers?: Record<string, string>);
  constructor(
    first: ErrorCode | ErrorStatus,
    second?: ErrorCode | AppErrorDetails,
    message?: string,
    issues?: Issue[],
    extra?: Record<string, unknown>,
    headers?: Record<string, string>,
  ) {
    const [status, code, details]: [ErrorStatus, ErrorCode, AppErrorDetails] =
      typeof first === 'number'
        ? [first, second as ErrorCode, { message, issues, extra, headers }]
        : [statusFor(first), first, (second as AppErrorDetails | undefined) ?? {}];
    super(details.message || wordsFor(code));
    this.name = 'AppError';
    this.status = status;
    this.code = code;
    this.issues = details.issues;
    this.extra = details.extra;
    this.headers = details.headers;
  }

  /** A 400 listing every problem zod found, each with its path. */
  static validation(error: ZodError, message?: string): AppError {
    return new AppError('validation_failed', { ...(message ? { message } : {}), issues: toIssues(error) });
  }

  static notFound(what: string): AppError {
    return new AppError('not_found', { message: `${what} was not found.` });
  }

  static unauthenticated(): AppError {
    return new AppError('unauthenticated');
  }
}

/** The JSON body of every error answer: the wire's error object (shared/errors/envelope.ts) and any extra fields. */
export function errorBody(error: AppError): { error: ErrorObject & Record<string, unknown> } {
  return {
    error: {
      code: error.code,
      message: error.message || wordsFor(error.code),
      ...(error.issues ? { issues: error.issues } : {}),
      ...error.extra,
    },
  };
}

// SQLSTATEs and socket errors that mean the database is away (restarting, unreachable), not that the request was wrong.
const DATABASE_AWAY = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE']);

/**
 * The answer for a database that is full (507) or away (503), or null for any other failure.
 * Either way the transaction rolled back: nothing was saved, and the same request may be sent again.
 */
export function databaseTrouble(error: unknown): AppError | null {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = String((e as { code?: unknown }).code ?? '');
    if (code === '53100' || code === 'ENOSPC' || /No space left on device/i.test(e.message)) {
      return new AppError('storage_full');
    }
    if (DATABASE_AWAY.has(code) || /Connection terminated|terminating connection|not queryable/i.test(e.message)) {
      return new AppError('database_unavailable', { headers: { 'Retry-After': '5' } });
    }
  }
  return null;
}

/**
 * The answer to a device-chosen id that is already used (a goal, a message, a plan, a run …).
 * The same whether the row is the caller's own or someone else's, and nothing about that row:
 * an id must not confirm that another runner exists or what they stored (issue 15, I3).
 */
export function idTaken(): AppError {
  return new AppError('id_taken');
}

/** The SQLSTATE (e.g. `23505`) of a database error or of one it wraps (drizzle wraps them), or null. */
export function sqlState(error: unknown): string | null {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return null;
}

/**
 * The caller's mistake behind a database refusal, or null: a unique violation is an id already
 * used (409); text Postgres cannot store (a NUL, an invalid character) is a 400. The schemas
 * refuse both first; this is the net under them, so neither is ever a 500.
 */
export function databaseRefusal(error: unknown): AppError | null {
  const state = sqlState(error);
  if (state === '23505') return idTaken();
  if (state === '22021' || state === '22P05') {
    return new AppError('invalid_text');
  }
  return null;
}

/**
 * What the log may say about an unexpected error: its class, its SQLSTATE and its stack frames,
 * never its message. A database error's message carries the SQL and its parameters (e-mail
 * addresses, password hashes, whole request bodies), and other messages may quote input too.
 */
export function errorLogFields(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { error_class: typeof error };
  // An outside client's error (StravaError) knows which of its fields are safe: operation and status, never a token or a body.
  if ('toLogFields' in error && typeof error.toLogFields === 'function') return error.toLogFields() as Record<string, unknown>;
  const classes: string[] = [];
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) classes.push(e.constructor?.name || e.name);
  // The stack opens with "Name: message" (the message may span lines): cut it before keeping frames.
  let stack = error.stack ?? '';
  if (error.message) stack = stack.split(error.message).join('');
  const frames = stack
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 12)
    .map((line) => line.trim());
  const state = sqlState(error);
  return { error_class: classes.join(' <- '), ...(state ? { sqlstate: state } : {}), stack: frames };
}
