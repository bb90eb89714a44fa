/** The frame of a plan: its week grid, phases and the role of every week, before any run is sized. */
import type { Goal } from '../schema/goal.ts';
import type { Methodology, Phase, PlanPhase } from '../schema/plan.ts';
import { addDays, daysBetween } from './dates.ts';
import { raceBucket } from './rules.ts';

export type WeekRole = 'normal' | 'recovery' | 'taper';

export interface FrameWeek {
  index: number;
  start_date: string;
  phase: Phase;
  role: WeekRole;
  /** For taper weeks: the share of peak volume. */
  taperShare: number;
  /** Days of the block that hold training: 7, fewer in a race's last block (its days before the race). */
  days: number;
}

export interface Frame {
  /** First day of week 0: the plan's start date (its weeks are 7-day blocks from it, whatever the weekday). */
  anchor: string;
  /**
   * Training weeks; a race goal's race falls on day 0 of the week after the last one, or inside
   * the last one when that block is partial (`days` < 7: the days before the race).
   */
  weeks: FrameWeek[];
  raceDate: string | null;
  phases: PlanPhase[];
}

/** Taper shares of peak, last week last: short races 1 week, half 2, marathon 3. */
export function taperShares(raceMeters: number): number[] {
  const bucket = raceBucket(raceMeters);
  return bucket === 'short' ? [0.5] : bucket === 'half' ? [0.78, 0.5] : [0.8, 0.65, 0.45];
}

/** A recovery week every `n`th week: 80/20 and injured runners every 3rd, others every 4th. */
export function recoveryEvery(methodology: Methodology, injured: boolean): number {
  return injured || methodology === '80/20' ? 3 : 4;
}

const PHASE_SPLIT: Record<Methodology, [number, number]> = {
  // base and build shares of the pre-taper weeks; peak takes the rest.
  daniels: [0.3, 0.35],
  pfitzinger: [0.45, 0.3],
  '80/20': [0.4, 0.35],
};

const PHASE_REASON: Record<Phase, string> = {
  base: 'base: easy volume and strides build the aerobic engine and the legs',
  build: 'build: quality sessions start while volume keeps rising',
  peak: 'peak: the most race-specific work at the highest volume',
  taper: 'taper: volume drops, intensity stays, so you arrive fresh',
  maintain: 'maintain: hold the mileage you built, with a recovery week every few weeks',
};

/** Lays out weeks and phases. `trainingWeeks` is only used for goals without a date. */
export function buildFrame(goal: Goal, start: string, methodology: Methodology, injured: boolean, trainingWeeks: number): Frame {
  // Weeks are 7-day blocks from the start date, so week 1's shape never depends on the weekday
  // the runner starts on (issue 17); a race that does not end a block falls inside the last one.
  const anchor = start;
  const span = goal.kind === 'race' ? daysBetween(anchor, goal.target_race_date) : 7 * trainingWeeks;
  const full = Math.floor(span / 7);
  const tail = span % 7;
  const count = full + (tail > 0 ? 1 : 0);
  const every = recoveryEvery(methodology, injured);
  // A partial last block is the final taper's tail: it takes the last share too (for its days).
  const published = goal.kind === 'race' ? taperShares(goal.target_race_distance_meters) : [];
  const shares = (tail > 0 ? [...published, published[published.length - 1] ?? 0.5] : published).slice(-count);
  const taperFrom = count - shares.length;
  const pre = taperFrom;
  const [baseShare, buildShare] = PHASE_SPLIT[methodology];
  let baseWeeks = Math.round(pre * baseShare);
  let buildWeeks = Math.round(pre * buildShare);
  if (goal.kind === 'mileage') {
    baseWeeks = Math.max(1, Math.round(pre * 0.3));
    buildWeeks = Math.max(0, Math.round(pre * 0.4));
  } else if (pre <= 3) {
    baseWeeks = 0;
    buildWeeks = Math.min(pre, 1);
  }
  const weeks: FrameWeek[] = [];
  for (let i = 0; i < count; i++) {
    let phase: Phase;
    if (i >= taperFrom) phase = 'taper';
    else if (i < baseWeeks) phase = 'base';
    else if (i < baseWeeks + buildWeeks) phase = 'build';
    else phase = goal.kind === 'mileage' ? 'maintain' : 'peak';
    const role: WeekRole = i >= taperFrom ? 'taper' : (i + 1) % every === 0 ? 'recovery' : 'normal';
    weeks.push({
      index: i,
      start_date: addDays(anchor, 7 * i),
      phase,
      role,
      taperShare: i >= taperFrom ? (shares[i - taperFrom] ?? 0.5) : 1,
      days: i === full ? tail : 7,
    });
  }
  const phases: PlanPhase[] = [];
  for (const w of weeks) {
    const last = phases[phases.length - 1];
    if (last && last.phase === w.phase) last.end_week = w.index;
    else phases.push({ phase: w.phase, start_week: w.index, end_week: w.index, reason: PHASE_REASON[w.phase] });
  }
  return { anchor, weeks, raceDate: goal.kind === 'race' ? goal.target_race_date : null, phases };
}
