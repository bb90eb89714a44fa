import { z } from 'zod';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAnthropicStandin, type AnthropicStandin } from '../../test/anthropic-standin.ts';
import { createClaude, inputSchema, type Claude } from './client.ts';

// Structured output through one forced tool: the schema the model is given, and what comes
// back when the model's input fits it or does not.

const KEY = 'sk-ant-test-structured';
let standin: AnthropicStandin;

beforeEach(async () => {
  standin = await startAnthropicStandin({ apiKey: KEY });
});
afterEach(async () => {
  await standin.close();
});

function claude(): Claude {
  const client = createClaude({ apiKey: KEY, baseUrl: standin.baseUrl, model: 'claude-haiku-5-5' });
  if (!client) throw new Error('expected a client');
  return client;
}

const Journal = z.object({
  summary: z.string().min(1),
  weekly_km: z.number().min(0),
  flags: z.array(z.enum(['fatigue', 'injury_risk', 'on_track'])),
});

const request = {
  system: 'Summarise the runner’s week.',
  messages: [{ role: 'user' as const, content: 'Week of 2 March: 5 runs, 42 km.' }],
  schema: Journal,
  name: 'weekly_journal',
  description: 'Records the weekly journal entry.',
  maxTokens: 800,
};

describe('structured', () => {
  it('returns the validated value and forces the one tool built from the zod schema', async () => {
    const value = { summary: 'Solid week, long run felt easy.', weekly_km: 42, flags: ['on_track'] };
    standin.script({ type: 'tool_use', name: 'weekly_journal', input: value, usage: { input_tokens: 120, output_tokens: 30 } });
    const result = await claude().structured(request);

    expect(result).toEqual({ ok: true, value, usage: { input_tokens: 120, output_tokens: 30, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } });
    const body = standin.requests[0]?.body;
    expect(body.model).toBe('claude-haiku-5-5');
    expect(body.tool_choice).toEqual({ type: 'tool', name: 'weekly_journal' });
    expect(body.tools).toHaveLength(1);
    expect(body.tools[0]).toMatchObject({ name: 'weekly_journal', description: 'Records the weekly journal entry.' });
    expect(body.tools[0].input_schema).toMatchObject({
      type: 'object',
      required: ['summary', 'weekly_km', 'flags'],
      properties: { weekly_km: { type: 'number', minimum: 0 }, flags: { type: 'array', items: { enum: ['fatigue', 'injury_risk', 'on_track'] } } },
    });
    expect(body.tools[0].input_schema.$schema).toBeUndefined();
  });

  it('reports each problem with its path when the input does not fit, and keeps the raw input', async () => {
    const bad = { weekly_km: -3, flags: ['tired'] };
    standin.script({ type: 'tool_use', name: 'weekly_journal', input: bad });
    const result = await claude().structured(request);

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.raw).toEqual(bad);
    expect(result.issues.map((i) => i.path).sort()).toEqual(['flags[0]', 'summary', 'weekly_km']);
    expect(result.usage.output_tokens).toBeGreaterThan(0);
  });

  it('is not ok when the model answers in prose instead of calling the tool', async () => {
    standin.script({ type: 'text', text: 'Here is your summary…', stopReason: 'max_tokens' });
    const result = await claude().structured(request);
    expect(result).toMatchObject({ ok: false, raw: 'Here is your summary…' });
    if (result.ok) return;
    expect(result.issues.map((i) => i.message).join(' ')).toMatch(/cut off at maxTokens.*did not call weekly_journal/);
  });

  it('describes the schema’s input side: what the model must send', () => {
    // zod's input side: a default makes the field optional for the model, a transform is not shown.
    const schema = z.object({ date: z.string(), minutes: z.number().default(30) });
    expect(inputSchema(schema)).toMatchObject({ type: 'object', required: ['date'] });
  });

  it('refuses a schema that is not an object', () => {
    expect(() => inputSchema(z.array(z.string()))).toThrow(/z.object/);
  });
});
