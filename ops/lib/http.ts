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
  /** A 502/503 the load balancer made itself (see HttpOptions.instanceHeader). */
  fromBalancer?: boolean;
  /** How many attempts the call took, when it was sent more than once (HttpOptions.retry). */
  attempts?: number;
}

export interface CallOptions {
  body?: unknown;
  /** A raw body, sent as given (the webhook's JSON with 64-bit ids). */
  raw?: string;
  cookie?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export interface HttpOptions {
  /**
   * Behind a load balancer: the response header naming the instance that answered. A 5xx
   * without it is the balancer's own (no instance answered).
   */
  instanceHeader?: string;
  /**
   * Send again what failed with a connection error or a 502/503 from the balancer (an instance
   * killed with the request in flight), up to `attempts` in all, `delayMs` apart. Each failed
   * attempt is recorded as what it was, and counted as retried.
   */
  retry?: { attempts: number; delayMs: number };
}

export class Http {
  private closed = false;

  constructor(
    readonly baseUrl: string,
    readonly metrics: Metrics,
    private readonly defaultTimeoutMs = 30_000,
    private readonly options: HttpOptions = {},
  ) {}

  /** After close() every call fails at once (a scenario given up on must not reach the next one's server). */
  close(): void {
    this.closed = true;
  }

  async call(route: string, method: string, path: string, options: CallOptions = {}): Promise<HttpResult> {
    const attempts = this.options.retry?.attempts ?? 1;
    for (let attempt = 1; ; attempt++) {
      const result = await this.attempt(route, method, path, options);
      const retryable = result.status === 'network' || result.fromBalancer === true;
      if (!retryable || attempt >= attempts || this.closed) return attempt > 1 ? { ...result, attempts: attempt } : result;
      this.metrics.retried(route);
      await new Promise((resolve) => setTimeout(resolve, this.options.retry!.delayMs));
    }
  }

  private async attempt(route: string, method: string, path: string, options: CallOptions): Promise<HttpResult> {
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
      const header = this.options.instanceHeader;
      const instance = header ? (response.headers.get(header) ?? undefined) : undefined;
      // The balancer's own 502/503: the instance it chose died with the request (or refused it on every retry).
      const fromBalancer = header !== undefined && !instance && (response.status === 502 || response.status === 503);
      this.metrics.record(route, ms, fromBalancer ? 'balancer' : response.status, response.status >= 500 ? text : undefined, instance);
      return { status: response.status, json, text, ms, headers: response.headers, ...(fromBalancer ? { fromBalancer } : {}) };
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
