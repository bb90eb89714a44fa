import type { ZodError } from 'zod';
import { toIssues, type Issue } from '#shared/schema/issues.ts';

export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 422 | 426 | 429 | 500 | 502 | 503 | 504;

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
