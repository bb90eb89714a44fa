import { AnthropicError, APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { AppError } from '../../lib/errors.ts';

// One error type for everything that can go wrong talking to Claude. Its `message` is written
// for the runner; `detail` (the API's own words) is for operator logs. Neither ever holds the
// API key, and the SDK's error is deliberately not kept as `cause`: its message embeds the raw
// response body, which a misbehaving proxy could fill with request headers.

export type ClaudeErrorKind = 'rate_limited' | 'overloaded' | 'server' | 'timeout' | 'network' | 'bad_request' | 'aborted';

const MESSAGES: Record<ClaudeErrorKind, string> = {
  rate_limited: 'The coach is getting more questions than it can answer right now. Try again in a minute.',
  overloaded: 'The coach’s AI service is overloaded right now. Try again in a few minutes.',
  server: 'The coach’s AI service had a problem. Try again in a moment.',
  timeout: 'The coach took too long to answer. Try again in a moment.',
  network: 'The coach could not be reached. Try again in a moment.',
  bad_request: 'The coach could not handle this request.',
  aborted: 'The request to the coach was cancelled.',
};

const RETRYABLE: Record<ClaudeErrorKind, boolean> = {
  rate_limited: true,
  overloaded: true,
  server: true,
  timeout: true,
  network: true,
  bad_request: false,
  aborted: true,
};

export class ClaudeError extends Error {
  override name = 'ClaudeError';
  readonly retryable: boolean;

  constructor(
    readonly kind: ClaudeErrorKind,
    readonly details: {
      /** HTTP status from the API, when there was one. */
      status?: number | undefined;
      /** The API's error type, e.g. `overloaded_error`. */
      errorType?: string | undefined;
      /** Seconds the API asked us to wait (retry-after), when it said. */
      retryAfterSeconds?: number | undefined;
      /** The API's message with the key redacted, for operator logs; never shown to runners. */
      detail?: string | undefined;
      /** Overrides the runner-facing message for this kind. */
      message?: string | undefined;
    } = {},
  ) {
    super(details.message ?? MESSAGES[kind]);
    this.retryable = RETRYABLE[kind];
  }
}

/** Turns what the SDK threw into a ClaudeError; null for anything else (a bug, to be rethrown as is). */
export function toClaudeError(error: unknown, apiKey: string): ClaudeError | null {
  if (error instanceof ClaudeError) return error;
  if (!(error instanceof AnthropicError)) return null;
  const detail = redact(error instanceof APIError ? (error.apiMessage ?? error.message) : error.message, apiKey);
  // Order matters: the timeout and abort classes extend APIConnectionError / APIError.
  if (error instanceof APIUserAbortError) return new ClaudeError('aborted', { detail });
  if (error instanceof APIConnectionTimeoutError) return new ClaudeError('timeout', { detail });
  if (error instanceof APIConnectionError) return new ClaudeError('network', { detail });
  if (!(error instanceof APIError)) return new ClaudeError('server', { detail });
  const errorType = error.type ?? undefined;
  const retryAfterSeconds = error.headers ? retryAfterMs(error.headers) : undefined;
  const common = {
    status: error.status,
    errorType,
    detail,
    retryAfterSeconds: retryAfterSeconds === undefined ? undefined : Math.ceil(retryAfterSeconds / 1000),
  };
  if (error.status === undefined) {
    // An `error` event inside a stream has no HTTP status, only the API's error type.
    if (errorType === 'overloaded_error') return new ClaudeError('overloaded', common);
    if (errorType === 'rate_limit_error') return new ClaudeError('rate_limited', common);
    if (errorType === 'timeout_error') return new ClaudeError('timeout', common);
    return new ClaudeError(errorType === 'invalid_request_error' ? 'bad_request' : 'server', common);
  }
  if (error.status === 429) return new ClaudeError('rate_limited', withWait(common));
  if (error.status === 529) return new ClaudeError('overloaded', common);
  if (error.status === 408 || error.status === 504) return new ClaudeError('timeout', common);
  if (error.status >= 500) return new ClaudeError('server', common);
  if (error.status === 401 || error.status === 403) {
    return new ClaudeError('bad_request', { ...common, message: 'The coach is not available: the server’s Claude API key was refused.' });
  }
  return new ClaudeError('bad_request', common);
}

/**
 * What ended a started stream, as a ClaudeError. The SDK does not wrap a body that breaks off:
 * undici's `TypeError: terminated` (cause `SocketError: other side closed`) comes through raw,
 * so anything that is not the SDK's own error counts as a network failure here.
 */
export function toStreamFailure(error: unknown, apiKey: string): ClaudeError {
  const mapped = toClaudeError(error, apiKey);
  if (mapped) return mapped;
  const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return new ClaudeError('network', { detail: redact(`${String(error)}${cause}`, apiKey) });
}

function withWait<T extends { retryAfterSeconds?: number | undefined }>(details: T): T & { message?: string } {
  const seconds = details.retryAfterSeconds;
  if (seconds === undefined || seconds <= 0) return details;
  const when = seconds < 90 ? `${seconds} second${seconds === 1 ? '' : 's'}` : `${Math.ceil(seconds / 60)} minutes`;
  return { ...details, message: `The coach is getting more questions than it can answer right now. Try again in ${when}.` };
}

/** How long a response asks the client to wait before retrying, in ms (retry-after-ms, else retry-after). */
export function retryAfterMs(headers: Headers, now: number = Date.now()): number | undefined {
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The HTTP answer for a failed coach call: 503 `coach_unavailable` when trying again can help, else 502 `coach_error`. */
export function toAppError(error: ClaudeError): AppError {
  if (!error.retryable) return new AppError('coach_error', { message: error.message });
  const headers = error.details.retryAfterSeconds ? { 'Retry-After': String(error.details.retryAfterSeconds) } : undefined;
  const message = /try again/i.test(error.message) ? error.message : `${error.message} Try again in a moment.`;
  return new AppError('coach_unavailable', { message, headers });
}

function redact(text: string, apiKey: string): string {
  return apiKey ? text.split(apiKey).join('[redacted]') : text;
}
