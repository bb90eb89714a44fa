import { AppError } from '../../lib/errors.ts';

/**
 * What went wrong talking to Strava. Jobs branch on it:
 * - rate_limited: 429; wait until `retryAt`, never drop the work.
 * - not_found: 404; right after a webhook `create` the activity may not be readable yet: retry later.
 * - unauthorized: 401; the access token is revoked or expired.
 * - invalid_grant: the token endpoint refused the code or refresh token (400): the user must connect again.
 * - bad_request: any other 4xx (bad client id/secret, bad parameters, existing subscription …).
 * - server: 5xx. timeout: no answer within the deadline. network: no connection.
 * - invalid_response: a 2xx whose body is not what Strava documents.
 * - not_configured: STRAVA_CLIENT_ID / STRAVA_CLIENT_SECRET are unset.
 */
export type StravaErrorKind =
  | 'rate_limited'
  | 'not_found'
  | 'unauthorized'
  | 'invalid_grant'
  | 'bad_request'
  | 'server'
  | 'timeout'
  | 'network'
  | 'invalid_response'
  | 'not_configured';

// Extends AppError so a StravaError reaching the app's onError becomes a sensible answer
// (`strava_<kind>`, its status and words from shared/errors/codes.ts) without every route translating it.

export interface StravaErrorDetails {
  /** HTTP status Strava answered with, when it answered. */
  httpStatus?: number;
  /** For rate_limited: the start of the next window (quarter hour, or UTC midnight for the daily limit). */
  retryAt?: Date;
  /** Which call failed, e.g. "GET /activities/{id}"; a template, so no ids or secrets. */
  operation?: string;
  /** Strava's own `errors` list (resource/field/code), which names fields but never holds values. */
  stravaErrors?: unknown;
}

/** A failed Strava call, classified by `kind`. */
export class StravaError extends AppError {
  readonly kind: StravaErrorKind;
  readonly httpStatus: number | undefined;
  readonly retryAt: Date | undefined;
  readonly operation: string | undefined;
  readonly stravaErrors: unknown;

  constructor(kind: StravaErrorKind, details: StravaErrorDetails = {}, cause?: unknown) {
    const retryAfter = details.retryAt ? Math.max(1, Math.ceil((details.retryAt.getTime() - Date.now()) / 1000)) : undefined;
    super(`strava_${kind}`, retryAfter ? { headers: { 'Retry-After': String(retryAfter) } } : {});
    this.name = 'StravaError';
    this.kind = kind;
    this.httpStatus = details.httpStatus;
    this.retryAt = details.retryAt;
    this.operation = details.operation;
    this.stravaErrors = details.stravaErrors;
    if (cause !== undefined) this.cause = cause;
  }

  /** Log-safe fields (no tokens, no secrets, no response bodies). */
  toLogFields(): Record<string, unknown> {
    return {
      kind: this.kind,
      httpStatus: this.httpStatus,
      operation: this.operation,
      retryAt: this.retryAt?.toISOString(),
      stravaErrors: this.stravaErrors,
    };
  }
}

/** Whether a value is a StravaError, optionally of one kind. */
export function isStravaError(value: unknown, kind?: StravaErrorKind): value is StravaError {
  return value instanceof StravaError && (kind === undefined || value.kind === kind);
}
