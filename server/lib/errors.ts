import type { ZodError } from 'zod';
import { toIssues, type Issue } from '#shared/schema/issues.ts';

export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 422 | 426 | 429 | 500 | 502 | 503 | 504 | 507;

/** The one error type handlers throw; `onError` turns it into the JSON envelope. */
export class AppError extends Error {
  constructor(
    readonly status: ErrorStatus,
    readonly code: string,
    message: string,
    readonly issues?: Issue[],
    /** Extra top-level fields of the error object, e.g. `expected` for sync's 409. */
    readonly extra?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }

  /** A 400 listing every problem zod found, each with its path. */
  static validation(error: ZodError, message = 'The request is not valid.'): AppError {
    return new AppError(400, 'validation_failed', message, toIssues(error));
  }

  static notFound(what: string): AppError {
    return new AppError(404, 'not_found', `${what} was not found.`);
  }

  static unauthenticated(): AppError {
    return new AppError(401, 'unauthenticated', 'Sign in first.');
  }
}

/** The JSON body of every error answer. */
export function errorBody(error: AppError): { error: Record<string, unknown> } {
  return {
    error: {
      code: error.code,
      message: error.message,
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
      return new AppError(507, 'storage_full', 'The server has run out of disk space, so your change was not saved. It will be sent again later.');
    }
    if (DATABASE_AWAY.has(code) || /Connection terminated|terminating connection|not queryable/i.test(e.message)) {
      return new AppError(503, 'database_unavailable', 'The database is unavailable for a moment, so your change was not saved. It will be sent again shortly.', undefined, undefined, { 'Retry-After': '5' });
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
  return new AppError(409, 'id_taken', 'That id is already used; send it with a new id.');
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
    return new AppError(400, 'invalid_text', 'A text field holds a character that cannot be stored (a NUL or an unpaired surrogate).');
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
