import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAnthropicStandin, type AnthropicStandin, type StandinReply } from '../../test/anthropic-standin.ts';
import { createClaude, type Claude, type ClaudeOptions } from './client.ts';
import { ClaudeError, toAppError } from './errors.ts';

// Failures through the real SDK: which kind each becomes, how many attempts the SDK's retry
// setting makes (counted at the stand-in), and that the key never leaks into an error.

const KEY = 'sk-ant-test-secret-9f8e7d6c5b4a';
let standin: AnthropicStandin;

beforeEach(async () => {
  standin = await startAnthropicStandin({ apiKey: KEY });
});
afterEach(async () => {
  await standin.close();
});

function claude(options: ClaudeOptions = {}, apiKey = KEY): Claude {
  const client = createClaude({ apiKey, baseUrl: standin.baseUrl, model: 'claude-sonnet-5-5' }, options);
  if (!client) throw new Error('expected a client');
  return client;
}

async function failure(client: Claude, mode: 'complete' | 'stream' = 'complete'): Promise<ClaudeError> {
  const params = { system: 's', messages: [{ role: 'user' as const, content: 'hi' }], maxTokens: 100 };
  const call = mode === 'complete' ? client.complete(params) : client.stream({ ...params, onText: () => {} });
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ClaudeError)) throw new Error(`expected a ClaudeError, got ${String(error)}`);
  return error;
}

const fast = { 'retry-after-ms': '5' }; // keeps the SDK's retry sleep short in tests
const error = (status: number, errorType: string, headers: Record<string, string> = fast): StandinReply => ({ type: 'error', status, errorType, headers });
const retryCounts = () => standin.requests.map((r) => r.headers['x-stainless-retry-count']);

describe('errors and retries', () => {
  it('429 becomes rate_limited after the one configured retry', async () => {
    standin.script(error(429, 'rate_limit_error'), error(429, 'rate_limit_error'));
    const e = await failure(claude());
    expect(e).toMatchObject({ kind: 'rate_limited', retryable: true });
    expect(e.details.status).toBe(429);
    expect(retryCounts()).toEqual(['0', '1']);
  });

  it('a retry that succeeds is invisible to the caller', async () => {
    standin.script(error(429, 'rate_limit_error'), { type: 'text', text: 'Back again.' });
    const result = await claude().complete({ system: 's', messages: [{ role: 'user', content: 'hi' }], maxTokens: 50 });
    expect(result.text).toBe('Back again.');
    expect(standin.requests).toHaveLength(2);
  });

  it('529 overloaded_error becomes overloaded, with as many retries as configured', async () => {
    standin.script(error(529, 'overloaded_error'), error(529, 'overloaded_error'), error(529, 'overloaded_error'));
    const e = await failure(claude({ maxRetries: 2 }), 'stream');
    expect(e).toMatchObject({ kind: 'overloaded', retryable: true });
    expect(e.details.errorType).toBe('overloaded_error');
    expect(retryCounts()).toEqual(['0', '1', '2']);
  });

  it('500 becomes server, retried after the SDK’s own backoff when no retry-after is given', async () => {
    standin.script(error(500, 'api_error', {}), error(500, 'api_error', {}));
    const e = await failure(claude());
    expect(e).toMatchObject({ kind: 'server', retryable: true });
    expect(standin.requests).toHaveLength(2);
  });

  it('maxRetries 0 makes exactly one attempt', async () => {
    standin.script(error(503, 'api_error'));
    expect((await failure(claude({ maxRetries: 0 }))).kind).toBe('server');
    expect(standin.requests).toHaveLength(1);
  });

  it('does not sleep through a long retry-after: fails at once and says when to come back', async () => {
    standin.script(error(429, 'rate_limit_error', { 'retry-after': '30' }));
    const started = Date.now();
    const e = await failure(claude());
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(standin.requests).toHaveLength(1);
    expect(e.details.retryAfterSeconds).toBe(30);
    expect(e.message).toContain('30 seconds');
    const app = toAppError(e);
    expect(app).toMatchObject({ status: 503, code: 'coach_unavailable', headers: { 'Retry-After': '30' } });
  });

  it('a 4xx is bad_request, not retried, and answers 502', async () => {
    standin.script(error(400, 'invalid_request_error'));
    const e = await failure(claude());
    expect(e).toMatchObject({ kind: 'bad_request', retryable: false });
    expect(standin.requests).toHaveLength(1);
    expect(toAppError(e)).toMatchObject({ status: 502, code: 'coach_error' });
  });

  it('a hang becomes timeout within the configured time', async () => {
    standin.script({ type: 'hang' });
    const started = Date.now();
    const e = await failure(claude({ timeoutMs: 200, maxRetries: 0 }));
    const elapsed = Date.now() - started;
    expect(e).toMatchObject({ kind: 'timeout', retryable: true });
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(1_500);
    expect(toAppError(e)).toMatchObject({ status: 503, code: 'coach_unavailable' });
    expect(toAppError(e).message).toMatch(/try again/i);
  });

  it('a timeout is retried like any connection failure', async () => {
    standin.script({ type: 'hang' }, { type: 'hang' });
    expect((await failure(claude({ timeoutMs: 100, maxRetries: 1 }), 'stream')).kind).toBe('timeout');
    expect(standin.requests).toHaveLength(2);
  });

  it('a connection dropped before any answer is network', async () => {
    standin.script({ type: 'cut', text: '', afterDeltas: 0 });
    expect((await failure(claude({ maxRetries: 0 }))).kind).toBe('network');
  });

  it('an unreachable server is network', async () => {
    const client = claude({ maxRetries: 0 });
    await standin.close();
    standin = await startAnthropicStandin(); // afterEach closes this one
    expect((await failure(client)).kind).toBe('network');
  });

  it('a caller abort is aborted, not a failure of the API', async () => {
    standin.script({ type: 'hang' });
    const controller = new AbortController();
    const call = claude().complete({ system: 's', messages: [{ role: 'user', content: 'hi' }], maxTokens: 50, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(call).rejects.toMatchObject({ kind: 'aborted' });
    expect(standin.requests).toHaveLength(1);
  });
});

describe('the API key', () => {
  it('never appears in an error, even when the upstream echoes it back', async () => {
    standin.script({ type: 'error', status: 400, errorType: 'invalid_request_error', message: `bad header: Authorization: Bearer ${KEY}` });
    const e = await failure(claude());
    expect(e.details.detail).toContain('[redacted]');
    for (const text of [e.message, String(e), JSON.stringify(e), e.stack ?? '', JSON.stringify(toAppError(e)), toAppError(e).message]) {
      expect(text).not.toContain(KEY);
    }
  });

  it('a refused key is a clear bad_request that does not show the key', async () => {
    const wrong = 'sk-ant-wrong-key-000111222';
    const e = await failure(claude({}, wrong));
    expect(e).toMatchObject({ kind: 'bad_request', retryable: false });
    expect(e.details.status).toBe(401);
    expect(e.message).toMatch(/API key was refused/);
    expect(JSON.stringify({ ...e, message: e.message })).not.toContain(wrong);
  });
});
