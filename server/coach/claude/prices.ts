import type { Usage } from './accumulate.ts';

// What a call costs, from the API's own usage fields. Anthropic bills prompt tokens in three
// parts: written to the cache (1.25× the input price, 5-minute TTL), read from it (0.1×), and
// the rest (1×); output at the model's output price; a Message Batch at half of all that. The
// per-model prices are defaults (USD per million tokens, the published list prices of each
// family) that COACH_PRICES overrides for a model or adds one. Pure: the table is an argument.

/** USD per million tokens. */
export interface Price {
  input: number;
  output: number;
}

/** Multipliers of the input price. */
export const CACHE_WRITE_WEIGHT = 1.25;
export const CACHE_READ_WEIGHT = 0.1;
/** Message Batches are billed at half price. */
export const BATCH_DISCOUNT = 0.5;

/** Defaults by family: a model name containing the key gets its price. */
const FAMILY_PRICES: Record<string, Price> = {
  opus: { input: 5, output: 25 },
  sonnet: { input: 3, output: 15 },
  haiku: { input: 1, output: 5 },
  fable: { input: 3, output: 15 },
  mythos: { input: 15, output: 75 },
};

/** The price of `model`: an override by exact name, else its family's default, else Sonnet's (flagged as a guess). */
export function priceOf(model: string, overrides: Record<string, Price> = {}): Price & { known: boolean } {
  const exact = overrides[model];
  if (exact) return { ...exact, known: true };
  const family = Object.keys(FAMILY_PRICES).find((name) => model.includes(name));
  return family ? { ...FAMILY_PRICES[family]!, known: true } : { ...FAMILY_PRICES.sonnet!, known: false };
}

/** A call's cost in USD. */
export function costOf(usage: Usage, price: Price, batch = false): number {
  const input = usage.input_tokens + CACHE_WRITE_WEIGHT * (usage.cache_creation_input_tokens ?? 0) + CACHE_READ_WEIGHT * (usage.cache_read_input_tokens ?? 0);
  const usd = (input * price.input + usage.output_tokens * price.output) / 1_000_000;
  return batch ? usd * BATCH_DISCOUNT : usd;
}

/**
 * A call's weight against the daily token budget: prompt tokens at what they cost relative to
 * uncached input (a cache read counts a tenth, a cache write a quarter more), output as before.
 */
export function budgetTokens(usage: Usage): number {
  return (
    usage.input_tokens +
    usage.output_tokens +
    CACHE_WRITE_WEIGHT * (usage.cache_creation_input_tokens ?? 0) +
    CACHE_READ_WEIGHT * (usage.cache_read_input_tokens ?? 0)
  );
}

/** All prompt tokens of a call, cached or not. */
export function promptTokens(usage: Usage): number {
  return usage.input_tokens + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0);
}
