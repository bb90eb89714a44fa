import type { PullRequest, PushRequest } from '#shared/sync/protocol.ts';

/** An HTTP answer as the engine needs it: the status and the parsed JSON body (null if none). */
export interface TransportResponse {
  status: number;
  json: unknown;
}

/**
 * How the engine reaches the server. It throws when the request may not have arrived or its
 * answer was lost (offline, timeout): the engine then retries later, which the protocol makes
 * safe. Tests pass a fake over the real server app; the browser uses fetchTransport.
 */
export interface SyncTransport {
  push(body: PushRequest): Promise<TransportResponse>;
  pull(body: PullRequest): Promise<TransportResponse>;
}

/** The browser transport: POST {base}/push and {base}/pull with the session cookie. */
export function fetchTransport(base = '/api/sync', fetchImpl: typeof fetch = (...args) => fetch(...args)): SyncTransport {
  const post = async (path: string, body: unknown): Promise<TransportResponse> => {
    const response = await fetchImpl(`${base}${path}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    // A body that is not JSON (a proxy's error page) is judged by its status alone.
    const json: unknown = await response.json().catch(() => null);
    return { status: response.status, json };
  };
  return { push: (body) => post('/push', body), pull: (body) => post('/pull', body) };
}
