import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// A Resend-compatible stand-in on 127.0.0.1: POST /emails with a Bearer key, answering as
// Resend does (200 {id}; errors {statusCode, name, message}), with its idempotency rules: a
// repeat of the same key and body within the window gets the first answer and sends nothing,
// the same key with another body is 409 invalid_idempotent_request, a failed request releases
// its key. Tests can refuse addresses (422), fail the next requests, or run code before answering.

/** An e-mail the stand-in "sent". */
export interface ResendEmail {
  id: string;
  idempotencyKey: string | null;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

export interface ResendStandin {
  baseUrl: string;
  apiKey: string;
  emails: ResendEmail[];
  /** Every POST /emails received. */
  requests: number;
  badAddresses: Set<string>;
  /** Answers the next request with this status and error name instead. */
  failNext(status: number, name: string, message: string): void;
  /** Runs after an e-mail is stored, before the answer is written. */
  beforeAnswer: ((email: ResendEmail) => Promise<void>) | null;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function answer(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Starts the stand-in; the API key it accepts is `apiKey`. */
export async function startResendStandin(apiKey = 're_test_0123456789'): Promise<ResendStandin> {
  const failures: { status: number; name: string; message: string }[] = [];
  const keys = new Map<string, { hash: string; response: { id: string } | null }>();
  const error = (res: ServerResponse, status: number, name: string, message: string) => answer(res, status, { statusCode: status, name, message });

  const server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'POST' || req.url !== '/emails') return error(res, 404, 'not_found', 'The requested endpoint does not exist.');
      standin.requests += 1;
      const text = await readBody(req);
      if (req.headers.authorization !== `Bearer ${apiKey}`) return error(res, 403, 'invalid_api_key', 'API key is invalid');
      const fail = failures.shift();
      if (fail) return error(res, fail.status, fail.name, fail.message);
      let body: { from?: string; to?: string | string[]; subject?: string; text?: string; html?: string; headers?: Record<string, string> };
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        return error(res, 400, 'validation_error', 'Invalid JSON');
      }
      const to = typeof body.to === 'string' ? [body.to] : (body.to ?? []);
      if (!body.from || to.length === 0 || !body.subject) return error(res, 422, 'missing_required_field', 'Missing `from`, `to` or `subject` field.');
      if (to.some((address) => standin.badAddresses.has(address.toLowerCase())))
        return error(res, 422, 'validation_error', 'Invalid `to` field. The email address needs to follow the `email@example.com` format.');
      const key = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null;
      const hash = createHash('sha256').update(text).digest('hex');
      if (key) {
        const seen = keys.get(key);
        if (seen && seen.hash !== hash) return error(res, 409, 'invalid_idempotent_request', 'Same idempotency key used with a different request payload.');
        if (seen && !seen.response)
          return error(res, 409, 'concurrent_idempotent_requests', 'Same idempotency key used while original request is still in progress.');
        if (seen?.response) return answer(res, 200, seen.response);
        keys.set(key, { hash, response: null });
      }
      const email: ResendEmail = {
        id: randomUUID(),
        idempotencyKey: key,
        from: body.from,
        to,
        subject: body.subject,
        text: body.text ?? '',
        html: body.html ?? '',
        headers: body.headers ?? {},
      };
      standin.emails.push(email);
      if (key) keys.set(key, { hash, response: { id: email.id } });
      if (standin.beforeAnswer) await standin.beforeAnswer(email);
      answer(res, 200, { id: email.id });
    })().catch(() => error(res, 500, 'application_error', 'Internal server error'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const standin: ResendStandin = {
    baseUrl: `http://127.0.0.1:${port}`,
    apiKey,
    emails: [],
    requests: 0,
    badAddresses: new Set(),
    beforeAnswer: null,
    failNext(status, name, message) {
      failures.push({ status, name, message });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return standin;
}
