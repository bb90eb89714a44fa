/**
 * The runner's week (issue 17, docs/TRAINING.md §"Safety guardrails": availability is law): which days of each 7-day block
 * hold a run, which one is the long run and which carry the quality sessions. Runs fall only on
 * the profile's `available_days`, the long run on `long_run_day` (default Sunday), and no two hard
 * days touch, across blocks too: positions are counted from the long-run day, which recurs every
 * 7 days, so "next to" is the same in every block.
 */
import { WEEKDAYS, type TrainingProfile, type Weekday } from '../schema/plan.ts';
import { weekday } from './dates.ts';

export type SlotKind = 'long' | 'q1' | 'q2' | 'easy';

/** One run day of a block: `offset` days from the block's first day; `rel` days after the long run. */
export interface LayoutDay {
  offset: number;
  rel: number;
  slot: SlotKind;
}

/** Days after the long run (0 = the long run) the engine would pick with no weekdays given. */
const DEFAULT_DAYS: Record<number, number[]> = {
  1: [0],
  2: [0, 3],
  3: [0, 2, 4],
  4: [0, 2, 4, 5],
  5: [0, 1, 2, 4, 5],
  6: [0, 1, 2, 3, 4, 5],
  7: [0, 1, 2, 3, 4, 5, 6],
};

/** Where the quality days sit best, days after the long run: mid-week, away from it. */
const IDEAL_Q = [2, 4.5];

export interface WeekLayout {
  /** The most runs a block can hold: `days_available_per_week`, within the available weekdays. */
  maxRuns: number;
  /** The block's run days for `runs` runs a week (1…maxRuns), long run first. */
  forRuns(runs: number, qualityDays: number): LayoutDay[];
  /** The long run's weekday (0 = Sunday). */
  longWeekday: number;
}

const dayIndex = (d: Weekday): number => WEEKDAYS.indexOf(d);

/** The layout for a plan starting on `start`. */
export function weekLayout(profile: TrainingProfile, start: string): WeekLayout {
  const given = profile.available_days && profile.available_days.length > 0 ? [...new Set(profile.available_days.map(dayIndex))] : null;
  const wanted = dayIndex(profile.long_run_day ?? 'sun');
  // The long-run day must be one the runner has: else the available day nearest to it.
  const longWeekday = given === null || given.includes(wanted) ? wanted : nearest(given, wanted);
  const allowedRel = given === null ? [0, 1, 2, 3, 4, 5, 6] : given.map((d) => (d - longWeekday + 7) % 7).sort((a, b) => a - b);
  const maxRuns = Math.max(1, Math.min(profile.days_available_per_week, allowedRel.length));
  const longOffset = (longWeekday - weekday(start) + 7) % 7;
  const cache = new Map<string, LayoutDay[]>();
  return {
    maxRuns,
    longWeekday,
    forRuns(runs: number, qualityDays: number): LayoutDay[] {
      const n = Math.max(1, Math.min(maxRuns, runs));
      const key = `${n}/${qualityDays}`;
      const hit = cache.get(key);
      if (hit) return hit;
      const rels = pickDays(allowedRel, n);
      const q = pickQuality(rels, qualityDays);
      const out = rels.map((rel) => ({
        rel,
        offset: (longOffset + rel) % 7,
        slot: (rel === 0 ? 'long' : q[0] === rel ? 'q1' : q[1] === rel ? 'q2' : 'easy') as SlotKind,
      }));
      out.sort((a, b) => a.offset - b.offset);
      cache.set(key, out);
      return out;
    },
  };
}

function nearest(days: number[], target: number): number {
  let best = days[0]!;
  for (const d of days) {
    const dist = (x: number) => Math.min((x - target + 7) % 7, (target - x + 7) % 7);
    if (dist(d) < dist(best) || (dist(d) === dist(best) && d < best)) best = d;
  }
  return best;
}

/** `n` run days (days after the long run, 0 included) among `allowed`: the default pattern when it fits, else the most evenly spread. */
function pickDays(allowed: number[], n: number): number[] {
  const pool = allowed.includes(0) ? allowed : [0, ...allowed];
  const def = DEFAULT_DAYS[n] ?? DEFAULT_DAYS[7]!;
  if (def.every((d) => pool.includes(d))) return def;
  const rest = pool.filter((d) => d !== 0);
  let best: number[] = [0, ...rest.slice(0, n - 1)];
  let bestScore = Infinity;
  for (const combo of combinations(rest, n - 1)) {
    const days = [0, ...combo];
    // Even gaps (rest spread through the week), and no run the day before the long run if avoidable.
    const gaps = days.map((d, i) => (days[i + 1] ?? 7) - d);
    const score = gaps.reduce((a, g) => a + (g - 7 / n) ** 2, 0) + (days.includes(6) ? 0.5 : 0);
    if (score < bestScore - 1e-9) {
      best = days;
      bestScore = score;
    }
  }
  return best;
}

/** Up to `count` quality days among `days` such that no hard day (the long run included) touches another. */
function pickQuality(days: number[], count: number): number[] {
  const candidates = days.filter((d) => d !== 0);
  for (let k = Math.min(count, 2); k > 0; k--) {
    let best: number[] | null = null;
    let bestScore = Infinity;
    for (const combo of combinations(candidates, k)) {
      const hard = [0, ...combo];
      const touches = hard.some((a) => hard.some((b) => a !== b && ((a - b + 7) % 7 === 1 || (b - a + 7) % 7 === 1)));
      if (touches) continue;
      const score = combo.reduce((a, d, i) => a + Math.abs(d - IDEAL_Q[i]!), 0);
      if (score < bestScore - 1e-9) {
        best = combo;
        bestScore = score;
      }
    }
    if (best) return best;
  }
  return [];
}

function combinations(items: number[], k: number): number[][] {
  if (k === 0) return [[]];
  const out: number[][] = [];
  items.forEach((x, i) => {
    for (const rest of combinations(items.slice(i + 1), k - 1)) out.push([x, ...rest]);
  });
  return out;
}
