import type Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAnthropicStandin, type AnthropicStandin } from '../../test/anthropic-standin.ts';
import { createClaude, type Claude } from './client.ts';
import { budgetTokens, costOf, priceOf } from './prices.ts';

// The stand-in's prompt cache as the real SDK sees it (usage from message_start/message_delta
// and from whole Messages), and the price and budget weights computed from those fields.

const KEY = 'sk-ant-test-cache-0123456789';
let standin: AnthropicStandin;
let claude: Claude;
let clock = 0;
beforeAll(async () => {
  standin = await startAnthropicStandin({ apiKey: KEY, chunkDelayMs: 0, now: () => clock });
  claude = createClaude({ apiKey: KEY, baseUrl: standin.baseUrl, model: 'claude-sonnet-5-5' })!;
});
afterAll(() => standin.close());
beforeEach(() => {
  standin.cache.clear();
  clock = 0;
});

const mark = { type: 'ephemeral' as const };
const big = (label: string) => `${label} ${'steady aerobic running builds the engine. '.repeat(120)}`;
const system = (...texts: string[]): Anthropic.TextBlockParam[] => texts.map((text) => ({ type: 'text', text, cache_control: mark }));
const ask = (sys: Anthropic.TextBlockParam[], text = 'hi') => claude.complete({ system: sys, messages: [{ role: 'user', content: text }], maxTokens: 50 });

describe('the stand-in prompt cache', () => {
  it('creates a prefix on the first call, reads it on the next, and counts what follows as input', async () => {
    const first = await ask(system(big('principles'), big('runner')));
    expect(first.usage.cache_read_input_tokens).toBe(0);
    expect(first.usage.cache_creation_input_tokens).toBeGreaterThan(2000);
    const second = await ask(system(big('principles'), big('runner')), 'another question');
    expect(second.usage).toMatchObject({ cache_creation_input_tokens: 0, cache_read_input_tokens: first.usage.cache_creation_input_tokens });
    expect(second.usage.input_tokens).toBeGreaterThan(0);
    expect(second.usage.input_tokens).toBeLessThan(20);
  });

  it('re-writes only what follows a changed block, streaming included', async () => {
    const first = await ask(system(big('principles'), big('runner')));
    const changed = await claude.stream({
      system: system(big('principles'), big('runner, one run more')),
      messages: [{ role: 'user', content: 'hi' }],
      maxTokens: 50,
      onText: () => {},
    });
    expect(changed.usage.cache_read_input_tokens).toBeGreaterThan(1000);
    expect(changed.usage.cache_read_input_tokens).toBeLessThan(first.usage.cache_creation_input_tokens!);
    expect(changed.usage.cache_read_input_tokens! + changed.usage.cache_creation_input_tokens!).toBeGreaterThanOrEqual(
      first.usage.cache_creation_input_tokens!,
    );
  });

  it('forgets an entry after its 5-minute TTL, and does not cache a prefix below the minimum', async () => {
    await ask(system(big('principles')));
    clock += 5 * 60_000 + 1;
    expect((await ask(system(big('principles')))).usage.cache_read_input_tokens).toBe(0);
    const small = await ask(system('short principles'));
    expect(small.usage).toMatchObject({ cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
  });

  it('refuses more than 4 breakpoints, as the API does', async () => {
    await expect(ask(system('a', 'b', 'c', 'd', 'e'))).rejects.toMatchObject({ kind: 'bad_request' });
  });
});

describe('prices and budget weights', () => {
  const usage = { input_tokens: 1000, output_tokens: 500, cache_creation_input_tokens: 4000, cache_read_input_tokens: 20_000 };
  it('prices writes at 1.25× and reads at 0.1× input, batches at half', () => {
    const price = priceOf('claude-sonnet-5-5');
    expect(price).toEqual({ input: 3, output: 15, known: true });
    expect(costOf(usage, price)).toBeCloseTo((1000 * 3 + 4000 * 3.75 + 20_000 * 0.3 + 500 * 15) / 1e6, 10);
    expect(costOf(usage, price, true)).toBeCloseTo(costOf(usage, price) / 2, 10);
    expect(priceOf('claude-haiku-5-5', { 'claude-haiku-5-5': { input: 0.8, output: 4 } })).toEqual({ input: 0.8, output: 4, known: true });
    expect(priceOf('some-new-model').known).toBe(false);
  });
  it('weighs the budget the same way', () => {
    expect(budgetTokens(usage)).toBe(1000 + 500 + 5000 + 2000);
  });
});
