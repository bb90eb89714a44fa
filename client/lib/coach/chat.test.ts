import { afterEach, describe, expect, it, vi } from 'vitest';
import { wordsFor } from '#shared/errors/registry.ts';
import { describeError, errorCode } from '../errors.ts';
import { streamChat, type ChatEvent } from './chat.ts';

// fetch stands in for the network (the platform's, not our code): it answers real Responses.
afterEach(() => vi.unstubAllGlobals());

const MESSAGE = '00000000-0000-4000-8000-0000000000c1';

function stream(text: string) {
  vi.stubGlobal('fetch', async () => new Response(text, { status: 200, headers: { 'content-type': 'text/event-stream' } }));
}

async function events(): Promise<ChatEvent[]> {
  const seen: ChatEvent[] = [];
  await streamChat('Long run?', MESSAGE, (event) => seen.push(event));
  return seen;
}

describe('the chat stream’s errors', () => {
  it('passes the server’s error event on in the wire’s shape', async () => {
    const error = { code: 'coach_unavailable', message: wordsFor('coach_unavailable'), retryable: true, status: 503, stored_message: null };
    stream(`event: start\ndata: {"message_id":"${MESSAGE}"}\n\nevent: error\ndata: ${JSON.stringify(error)}\n\n`);
    const last = (await events()).at(-1)!;
    expect(last).toEqual({ type: 'error', ...error });
    expect(errorCode(last)).toBe('coach_unavailable');
    expect(describeError(last)).toBe(wordsFor('coach_unavailable'));
  });

  it('reports a reply cut off when the stream ends without done or error, or sends an error it cannot read', async () => {
    stream(`event: start\ndata: {"message_id":"${MESSAGE}"}\n\nevent: delta\ndata: {"text":"Your long"}\n\n`);
    expect((await events()).at(-1)).toMatchObject({ type: 'error', code: 'reply_cut_off', message: wordsFor('reply_cut_off'), retryable: true });
    stream(`event: error\ndata: {"oops":true}\n\n`);
    expect((await events()).at(-1)).toMatchObject({ type: 'error', code: 'reply_cut_off' });
  });

  it('throws the JSON answer before the stream starts as a CodedError', async () => {
    vi.stubGlobal(
      'fetch',
      async () => new Response(JSON.stringify({ error: { code: 'coach_not_configured', message: wordsFor('coach_not_configured') } }), { status: 503 }),
    );
    const error = await events().catch((caught: unknown) => caught);
    expect(errorCode(error)).toBe('coach_not_configured');
  });
});
