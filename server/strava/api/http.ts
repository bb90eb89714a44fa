import { StravaError } from './errors.ts';
import { parseStravaJson } from './json.ts';
import { parseRateLimit, retryAtFor, type RateLimitState } from './rate-limit.ts';

/** What every Strava call may be given: the transport, a deadline, a rate-limit listener, a clock. */
export interface StravaHttpOptions {
  /** Defaults to the global fetch; tests pass nothing and point the URLs at the stand-in. */
  fetch?: typeof fetch;
  /** Deadline for the whole exchange, body included. Default 10 s. */
  timeoutMs?: number;
  /** Called with the rate-limit headers of every response that carries them, errors included. */
  onRateLimit?: (state: RateLimitState) => void;
  /** The clock for `observedAt` and `retryAt`. */
  now?: () => Date;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

export interface StravaRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  /** A template such as "GET /activities/{id}": goes into errors and logs, so never ids or secrets. */
  operation: string;
  accessToken?: string;
  form?: Record<string, string>;
  /** The OAuth token endpoint answers 400 for a bad code or refresh token: that is `invalid_grant`. */
  tokenEndpoint?: boolean;
}

export interface StravaResponse {
  status: number;
  headers: Headers;
  text: string;
}

function isTimeout(error: unknown, signal: AbortSignal): boolean {
  return (signal.aborted && (signal.reason as Error | undefined)?.name === 'TimeoutError') || (error as Error | undefined)?.name === 'TimeoutError';
}

// Strava's error bodies look like {"message":"Bad Request","errors":[{"resource","field","code"}]}.
// Keep only those three names: they identify the problem and never carry a value.
function stravaErrors(text: string): unknown {
  try {
    const body = JSON.parse(text) as { errors?: unknown };
    if (!Array.isArray(body.errors)) return undefined;
    return body.errors.map((e: Record<string, unknown>) => ({ resource: e.resource, field: e.field, code: e.code }));
  } catch {
    return undefined;
  }
}

function isInvalidGrant(errors: unknown): boolean {
  return Array.isArray(errors) && errors.some((e: { resource?: unknown }) => e.resource === 'AuthorizationCode' || e.resource === 'RefreshToken');
}

/** Performs one Strava HTTP exchange; resolves on 2xx, otherwise throws a classified StravaError. */
export async function stravaRequest(options: StravaHttpOptions, request: StravaRequest): Promise<StravaResponse> {
  const fetchFn = options.fetch ?? fetch;
  const now = options.now ?? (() => new Date());
  const signal = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (request.accessToken !== undefined) headers.authorization = `Bearer ${request.accessToken}`;
  let body: string | undefined;
  if (request.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(request.form).toString();
  }
  const operation = request.operation;
  let response: Response;
  let text: string;
  try {
    response = await fetchFn(request.url, { method: request.method, headers, body, signal });
    // The deadline covers the body too: a server that sends headers and then stalls is a timeout.
    text = await response.text();
  } catch (error) {
    throw new StravaError(isTimeout(error, signal) ? 'timeout' : 'network', { operation }, error);
  }
  const state = parseRateLimit(response.headers, now());
  if (state) options.onRateLimit?.(state);
  const status = response.status;
  if (status >= 200 && status < 300) return { status, headers: response.headers, text };
  const details = { httpStatus: status, operation, stravaErrors: stravaErrors(text) };
  if (status === 429) throw new StravaError('rate_limited', { ...details, retryAt: retryAtFor(state, now()) });
  if (status === 401) throw new StravaError('unauthorized', details);
  if (status === 404) throw new StravaError('not_found', details);
  if (status >= 500) throw new StravaError('server', details);
  if (request.tokenEndpoint && status === 400 && isInvalidGrant(details.stravaErrors)) throw new StravaError('invalid_grant', details);
  throw new StravaError('bad_request', details);
}

/** Parses a 2xx body with ids as strings; a body that is not JSON is an `invalid_response`. */
export function readJson(response: StravaResponse, operation: string): unknown {
  try {
    return parseStravaJson(response.text);
  } catch (error) {
    throw new StravaError('invalid_response', { httpStatus: response.status, operation }, error);
  }
}
