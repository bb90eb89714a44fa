import { afterEach, describe, expect, it, vi } from 'vitest';
import { wordsFor } from '#shared/errors/registry.ts';
import { CodedError, describeError, errorCode } from '../errors.ts';
import { api } from './client.ts';

// fetch stands in for the network (the platform's, not our code): it answers real Responses.
afterEach(() => vi.unstubAllGlobals());

const answer = (status: number, body: unknown) =>
  vi.stubGlobal('fetch', async () => new Response(typeof body === 'string' ? body : JSON.stringify(body), { status }));

describe('api(): every failure is a CodedError', () => {
  it('throws the server’s code, status and words', async () => {
    answer(409, { error: { code: 'email_taken', message: wordsFor('email_taken') } });
    const error = await api('POST', '/auth/register', {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CodedError);
    expect(error).toMatchObject({ code: 'email_taken', status: 409 });
    expect(describeError(error)).toBe(wordsFor('email_taken'));
  });

  it('is offline when no answer comes', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    const error = await api('GET', '/auth/me').catch((caught: unknown) => caught);
    expect(errorCode(error)).toBe('offline');
    expect(describeError(error)).toBe(wordsFor('offline'));
  });

  it('says so when a proxy answers instead of the server', async () => {
    answer(502, '<html>Bad gateway</html>');
    const error = await api('GET', '/auth/me').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'http_error', status: 502 });
  });

  it('answers the body when all is well', async () => {
    answer(200, { user: { id: 'u1' } });
    expect(await api('GET', '/auth/me')).toEqual({ user: { id: 'u1' } });
  });
});
