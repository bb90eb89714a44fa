import type { Metrics } from './metrics.ts';

// The clients' HTTP: Node's fetch (undici, keep-alive) over loopback, every call timed and
// recorded by route name. A connection refused or reset (server down) is a network error, not
// an exception: the caller decides whether to retry.

/** Parsed JSON of the many answers the clients read (shapes the API tests pin down; here it is only read). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface HttpResult {
  /** 'timeout': no answer within the deadline; 'network': refused or reset (the server is down). */
  status: number | 'network' | 'timeout';
  json: Json;
  text: string;
  ms: number;
  headers: Headers | null;
  error?: string;
}

export interface CallOptions {
  body?: unknown;
  /** A raw body, sent as given (the webhook's JSON with 64-bit ids). */
  raw?: string;
  cookie?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export class Http {
  private closed = false;

  constructor(
    readonly baseUrl: string,
    readonly metrics: Metrics,
    private readonly defaultTimeoutMs = 30_000,
  ) {}

  /** After close() every call fails at once (a scenario given up on must not reach the next one's server). */
  close(): void {
    this.closed = true;
  }

  async call(route: string, method: string, path: string, options: CallOptions = {}): Promise<HttpResult> {
    if (this.closed) return { status: 'network', json: null, text: '', ms: 0, headers: null, error: 'closed' };
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined || options.raw !== undefined) headers['content-type'] ??= 'application/json';
    if (options.cookie) headers.cookie = options.cookie;
    const started = performance.now();
    try {
      const response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutMs ?? this.defaultTimeoutMs),
      });
      // The whole body counts: a streamed answer (chat) is timed to its end.
      const text = await response.text();
      const ms = performance.now() - started;
      let json: Json = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = null;
      }
      this.metrics.record(route, ms, response.status, response.status >= 500 ? text : undefined);
      return { status: response.status, json, text, ms, headers: response.headers };
    } catch (error) {
      const ms = performance.now() - started;
      const message = describe(error);
      const status = error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : 'network';
      this.metrics.record(route, ms, status, message);
      return { status, json: null, text: '', ms, headers: null, error: message };
    }
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? error.name + ': ' + error.message;
}
