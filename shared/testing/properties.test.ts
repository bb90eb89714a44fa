import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PROPERTY_SEED, PROPERTY_SEED, propertyRuns, propertyTimeout } from './properties.ts';

// npm test must be deterministic (issue 26): every fast-check run in every project is seeded.

describe('property runs in npm test', () => {
  const saved = process.env.FC_RUNS;
  afterEach(() => {
    if (saved === undefined) delete process.env.FC_RUNS;
    else process.env.FC_RUNS = saved;
  });

  it('use one fixed seed unless FC_SEED says otherwise', () => {
    expect(fc.readConfigureGlobal().seed).toBe(PROPERTY_SEED);
    if (!process.env.FC_SEED) expect(PROPERTY_SEED).toBe(DEFAULT_PROPERTY_SEED);
  });

  it('draw the same values on every run', () => {
    const draw = () => fc.sample(fc.integer(), { numRuns: 5 });
    expect(draw()).toEqual(draw());
  });

  it('keep their own run counts; FC_RUNS sets a count or a multiple', () => {
    delete process.env.FC_RUNS;
    expect(propertyRuns(300)).toEqual({ numRuns: 300 });
    process.env.FC_RUNS = '2000';
    expect(propertyRuns(300)).toEqual({ numRuns: 2000 });
    process.env.FC_RUNS = 'x10';
    expect(propertyRuns(300)).toEqual({ numRuns: 3000 });
    process.env.FC_RUNS = 'lots';
    expect(() => propertyRuns(300)).toThrow(/FC_RUNS/);
  });

  it('widen their own timeout as FC_RUNS widens their runs, never shorten it', () => {
    delete process.env.FC_RUNS;
    expect(propertyTimeout(90_000, 1200)).toBe(90_000);
    process.env.FC_RUNS = 'x10';
    expect(propertyTimeout(90_000, 1200)).toBe(900_000);
    process.env.FC_RUNS = '100';
    expect(propertyTimeout(90_000, 1200)).toBe(90_000);
  });
});
