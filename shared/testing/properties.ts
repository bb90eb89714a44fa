/**
 * Property runs in `npm test` are deterministic: every fast-check run uses one fixed seed, so a
 * commit passes or fails the same way every time (a fresh seed that finds a bug belongs in
 * exploration, `npm run test:explore`, and its counterexample is then pinned as an example).
 *
 * - `FC_SEED=n` runs every property with seed n (a failure prints the seed and path to replay it).
 * - `FC_RUNS=n` runs every property n times; `FC_RUNS=x5` runs each five times its own count.
 */

/** The seed of every property in `npm test` (a date, so it reads as chosen, not drawn). */
export const DEFAULT_PROPERTY_SEED = 20261207;

function parseSeed(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_PROPERTY_SEED;
  const seed = Number(raw);
  if (!Number.isInteger(seed)) throw new Error(`FC_SEED must be a whole number, not "${raw}"`);
  return seed | 0;
}

/** The seed this process runs its properties with. */
export const PROPERTY_SEED = parseSeed(process.env.FC_SEED);

/**
 * `{ numRuns }` for a property written with `ownRuns` runs, widened by FC_RUNS when it is set.
 * Spread it into the parameters of `fc.assert` in place of a bare `numRuns`.
 */
export function propertyRuns(ownRuns: number): { numRuns: number } {
  const raw = process.env.FC_RUNS;
  if (raw === undefined || raw === '') return { numRuns: ownRuns };
  const scaled = /^[x×](\d+(?:\.\d+)?)$/i.exec(raw);
  const runs = scaled ? Math.ceil(ownRuns * Number(scaled[1])) : Number(raw);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`FC_RUNS must be a whole number of runs or a multiple like x5, not "${raw}"`);
  return { numRuns: runs };
}

/**
 * A property's own timeout, widened as FC_RUNS widens its runs: exploration's many more runs
 * (`npm run test:explore`, x10) take proportionally longer, which is not a failure.
 */
export function propertyTimeout(ownMs: number, ownRuns: number): number {
  return Math.ceil(ownMs * Math.max(1, propertyRuns(ownRuns).numRuns / ownRuns));
}
