import { describe, expect, it } from 'vitest';
// The server's side of the registry, tested here because its tests live beside the registry.
import { SseStream } from '../../server/coach/sse.ts';
import { AppError, errorBody } from '../../server/lib/errors.ts';
import { SERVER_ERRORS, type ErrorCode } from './codes.ts';
import { ErrorEnvelopeSchema, StreamErrorSchema } from './envelope.ts';
import { wordsFor } from './registry.ts';

describe('AppError and the registry', () => {
  it.each(Object.keys(SERVER_ERRORS) as ErrorCode[])('%s: the registry’s status, its words as the message, a body in the wire’s shape', (code) => {
    const error = new AppError(code);
    expect(error.status).toBe(SERVER_ERRORS[code].status);
    const body = errorBody(error);
    expect(ErrorEnvelopeSchema.parse(body)).toEqual({ error: { code, message: SERVER_ERRORS[code].words } });
  });

  it('says more than the words when told to, with issues, extra fields and headers', () => {
    const error = new AppError('validation_failed', {
      message: 'The goal is not valid.',
      issues: [{ path: 'title', message: 'is empty' }],
      extra: { expected: 3 },
      headers: { 'Retry-After': '5' },
    });
    expect(errorBody(error)).toEqual({
      error: { code: 'validation_failed', message: 'The goal is not valid.', issues: [{ path: 'title', message: 'is empty' }], expected: 3 },
    });
    expect(error.headers).toEqual({ 'Retry-After': '5' });
  });

  it('still takes the status-first spelling, its message falling back to the words', () => {
    expect(new AppError(429, 'sync_too_soon', 'Try again in 3 minutes.')).toMatchObject({
      status: 429,
      code: 'sync_too_soon',
      message: 'Try again in 3 minutes.',
    });
    expect(new AppError(409, 'id_taken', '').message).toBe(wordsFor('id_taken'));
    // bad_request passes on the 4xx Hono chose, as server/app.ts does.
    expect(new AppError(405 as 400, 'bad_request', 'Method not allowed.').status).toBe(405);
  });

  it('refuses a code the registry does not hold: at compile time, and loudly should a cast slip one through', () => {
    // @ts-expect-error: not a registered code (`npm run check` fails should this ever compile)
    expect(() => new AppError('no_such_code')).toThrow(TypeError);
  });

  it('keeps the helpers’ words', () => {
    expect(AppError.notFound('The goal')).toMatchObject({ status: 404, code: 'not_found', message: 'The goal was not found.' });
    expect(AppError.unauthenticated()).toMatchObject({ status: 401, message: 'Sign in first.' });
  });
});

describe('the chat stream’s error event', () => {
  it('carries the envelope’s error object: code and words from the registry', async () => {
    const sse = new SseStream();
    sse.sendError(new AppError('internal_error'), { retryable: true, storedMessage: null });
    sse.sendError(new AppError('coach_interrupted', { message: `${wordsFor('coach_interrupted')} (network)` }), {
      retryable: true,
      storedMessage: { id: 'm1', content: 'Half' },
    });
    sse.close();
    const text = await new Response(sse.body).text();
    const events = text
      .trim()
      .split('\n\n')
      .map((block) => ({ event: /^event: (.*)$/m.exec(block)![1], data: StreamErrorSchema.parse(JSON.parse(/^data: (.*)$/m.exec(block)![1]!)) }));
    expect(events).toEqual([
      { event: 'error', data: { code: 'internal_error', message: wordsFor('internal_error'), retryable: true, status: 500, stored_message: null } },
      {
        event: 'error',
        data: {
          code: 'coach_interrupted',
          message: `${wordsFor('coach_interrupted')} (network)`,
          retryable: true,
          status: 502,
          stored_message: { id: 'm1', content: 'Half' },
        },
      },
    ]);
  });
});
