import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAnthropicStandin, type AnthropicStandin } from '../../test/anthropic-standin.ts';
import { createClaude, type Claude, type ClaudeOptions } from './client.ts';
import { ClaudeError } from './errors.ts';

// The real SDK over real HTTP against the loopback stand-in: streaming, tool calls, and how a
// reply that stops early is kept.

const KEY = 'sk-ant-test-0123456789abcdef';
let standin: AnthropicStandin;

beforeEach(async () => {
  standin = await startAnthropicStandin({ apiKey: KEY });
});
afterEach(async () => {
  await standin.close();
});

function claude(options: ClaudeOptions = {}): Claude {
  const client = createClaude({ apiKey: KEY, baseUrl: standin.baseUrl, model: 'claude-sonnet-5-5' }, options);
  if (!client) throw new Error('expected a client');
  return client;
}

const ask = (text: string) => [{ role: 'user' as const, content: text }];

describe('createClaude', () => {
  it('is null without an API key: the coach is not configured', () => {
    expect(createClaude({ apiKey: undefined, baseUrl: undefined, model: 'claude-sonnet-5-5' })).toBeNull();
    expect(createClaude({ apiKey: '', baseUrl: undefined, model: 'claude-sonnet-5-5' })).toBeNull();
  });

  it('sends the configured model, the system prompt and the key as a bearer token', async () => {
    const result = await claude().complete({ system: 'You are a running coach.', messages: ask('How far today?'), maxTokens: 300 });
    expect(result.text).toBe('Echo: How far today?');
    const [request] = standin.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/v1/messages');
    expect(request?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request?.headers['x-api-key']).toBeUndefined();
    expect(request?.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(request?.body).toEqual({
      model: 'claude-sonnet-5-5',
      max_tokens: 300,
      system: 'You are a running coach.',
      messages: [{ role: 'user', content: 'How far today?' }],
    });
  });
});

describe('stream', () => {
  it('delivers the deltas in order through onText and returns the whole text and usage', async () => {
    const reply = 'Run 8 km easy today, then four relaxed strides on grass.';
    standin.script({ type: 'text', text: reply, usage: { input_tokens: 42, output_tokens: 13 } });
    const deltas: string[] = [];
    const result = await claude().stream({ system: 'coach', messages: ask('Plan?'), maxTokens: 500, onText: (d) => deltas.push(d) });

    expect(deltas.length).toBeGreaterThan(5); // it really streamed, piece by piece
    expect(deltas.join('')).toBe(reply);
    expect(deltas[0]).toBe('Run ');
    expect(result).toEqual({
      text: reply,
      toolUses: [],
      stopReason: 'end_turn',
      usage: { input_tokens: 42, output_tokens: 13, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      interrupted: false,
    });
    expect(standin.requests[0]?.body).toMatchObject({ model: 'claude-sonnet-5-5', system: 'coach', stream: true, max_tokens: 500 });
  });

  it('reassembles a tool call from input_json_delta fragments', async () => {
    const input = { workout_id: 'w-17', change: { distance_meters: 8000, note: 'legs heavy, keep it "easy"' } };
    standin.script({ type: 'tool_use', name: 'adjust_workout', input, id: 'toolu_1', text: 'Let me shorten that.' });
    const deltas: string[] = [];
    const tools = [{ name: 'adjust_workout', description: 'Changes a workout', input_schema: { type: 'object' as const, properties: {} } }];
    const result = await claude().stream({ system: 'coach', messages: ask('Too tired'), tools, maxTokens: 500, onText: (d) => deltas.push(d) });

    expect(result.toolUses).toEqual([{ id: 'toolu_1', name: 'adjust_workout', input }]);
    expect(result.text).toBe('Let me shorten that.');
    expect(deltas.join('')).toBe('Let me shorten that.');
    expect(result.stopReason).toBe('tool_use');
    expect(result.interrupted).toBe(false);
    expect(standin.requests[0]?.body.tools).toEqual(tools);
  });

  it('keeps the partial text when the connection is cut mid-reply', async () => {
    standin.script({ type: 'cut', text: 'Your long run this week should be 18 km at an easy pace.', afterDeltas: 3 });
    const deltas: string[] = [];
    const result = await claude({ maxRetries: 1 }).stream({ system: 'coach', messages: ask('Long run?'), maxTokens: 500, onText: (d) => deltas.push(d) });

    expect(result.interrupted).toBe(true);
    expect(result.text).toBe('Your long run ');
    expect(deltas.join('')).toBe(result.text);
    expect(result.error).toBeInstanceOf(ClaudeError);
    expect(result.error?.kind).toBe('network');
    expect(result.usage.input_tokens).toBeGreaterThan(0); // from message_start
    expect(result.usage.output_tokens).toBeGreaterThan(0); // estimated: the final usage never came
    expect(standin.requests).toHaveLength(1); // a started stream is never retried
  });

  it('keeps the partial text when the API sends an error event mid-stream', async () => {
    standin.script({ type: 'stream_error', text: 'Tempo run: 3 km warm-up, then', afterDeltas: 2, errorType: 'overloaded_error' });
    const result = await claude().stream({ system: 'coach', messages: ask('Tempo?'), maxTokens: 500, onText: () => {} });
    expect(result).toMatchObject({ interrupted: true, text: 'Tempo run: ', stopReason: null });
    expect(result.error?.kind).toBe('overloaded');
  });

  it('throws when the stream fails before any text arrived: nothing is lost', async () => {
    standin.script({ type: 'stream_error', text: 'never shown', afterDeltas: 0, errorType: 'overloaded_error' });
    const error = await claude()
      .stream({ system: 'coach', messages: ask('Hi'), maxTokens: 100, onText: () => {} })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClaudeError);
    expect((error as ClaudeError).kind).toBe('overloaded');
  });

  it('ends a stream that goes quiet with the partial text and a timeout', async () => {
    standin.script({ type: 'stall', text: 'Intervals: six by 800 metres with 400 jog.', afterDeltas: 2 });
    const started = Date.now();
    const result = await claude({ timeoutMs: 150 }).stream({ system: 'coach', messages: ask('Intervals?'), maxTokens: 500, onText: () => {} });
    expect(result).toMatchObject({ interrupted: true, text: 'Intervals: six ' });
    expect(result.error?.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('stops calling onText once the caller aborts, and returns what it had', async () => {
    standin.script({ type: 'text', text: 'one two three four five six seven eight nine ten' });
    const controller = new AbortController();
    const deltas: string[] = [];
    const result = await claude().stream({
      system: 'coach',
      messages: ask('Count'),
      maxTokens: 100,
      signal: controller.signal,
      onText: (d) => {
        deltas.push(d);
        if (deltas.length === 2) controller.abort();
      },
    });
    expect(deltas).toEqual(['one ', 'two ']);
    expect(result).toMatchObject({ text: 'one two ', interrupted: true });
    expect(result.error).toBeUndefined(); // the caller chose this
  });

  it('lets an exception from onText through instead of reporting it as an API failure', async () => {
    standin.script({ type: 'text', text: 'a b c d' });
    const failing = claude().stream({
      system: 'coach',
      messages: ask('x'),
      maxTokens: 100,
      onText: () => {
        throw new Error('client went away');
      },
    });
    await expect(failing).rejects.toThrow('client went away');
  });
});

describe('complete', () => {
  it('returns a tool turn, sending the tools and the tool choice', async () => {
    standin.script({ type: 'tool_use', name: 'log_note', input: { note: 'knee fine' }, id: 'toolu_9' });
    const tools = [{ name: 'log_note', description: 'Saves a note', input_schema: { type: 'object' as const, properties: { note: { type: 'string' } } } }];
    const result = await claude().complete({ system: 's', messages: ask('note it'), tools, toolChoice: { type: 'any' }, maxTokens: 200 });
    expect(result.toolUses).toEqual([{ id: 'toolu_9', name: 'log_note', input: { note: 'knee fine' } }]);
    expect(result.stopReason).toBe('tool_use');
    expect(standin.requests[0]?.body).toMatchObject({ tools, tool_choice: { type: 'any' } });
    expect(standin.requests[0]?.body.stream).toBeUndefined();
  });
});
