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
