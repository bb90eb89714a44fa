/**
 * The volume ramp as the runner lives it (docs/TRAINING.md §"Safety guardrails", issue 17 §4): 7-day
 * blocks counted from the plan's first day, whatever weekday the engine's own weeks begin on.
 */
import type { Goal } from '../schema/goal.ts';
import type { Violation } from '../schema/plan.ts';
import { milesToMeters } from './units.ts';
import { fromDayNumber } from './dates.ts';
import { LIMITS, taperDays } from './rules.ts';
import { blockIsOpen, blockVolumeOf, distanceText, type Timeline } from './timeline.ts';

/**
 * Block over block: ≤ ~10% over the higher of the two blocks before (a finding to show), never
 * more than 20% (refused). Injury notes halve the soft limit and lower the hard one.
 */
export const BLOCK_RAMP = {
  soft: 0.1,
  hard: 0.2,
  softInjured: 0.05,
  hardInjured: 0.15,
  /** The first block fits the runner's current weekly volume within ± this share. */
  firstBlock: 0.2,
} as const;

const pct = (x: number): string => `${Math.round(x * 100)}%`;
const EPS = 1; // one meter of rounding slack

/**
 * The volume block `k` is judged against: the higher of the two blocks before it; coming out of a
 * cut that spans two blocks, the block before the cut (a rebound is measured against the level
 * before the recovery week, not against the recovery week); never below ≈5 mi; and at least half
 * the level further back (after a break, half the old load is a fair restart).
 */
export function blockRampReference(vol: (k: number) => number, k: number): number {
  const beforeCut = vol(k - 2) < vol(k - 3) ? vol(k - 3) : 0;
  return Math.max(vol(k - 1), vol(k - 2), beforeCut, LIMITS.minBaseWeeklyMeters, 0.5 * Math.max(vol(k - 3), vol(k - 4)));
}

/** The ramp over 7-day blocks from the plan's first day, the runner's current volume standing for the blocks before it. */
export function checkBlockRamps(t: Timeline): Violation[] {
  const out: Violation[] = [];
  const soft = t.injured ? BLOCK_RAMP.softInjured : BLOCK_RAMP.soft;
  const hard = t.injured ? BLOCK_RAMP.hardInjured : BLOCK_RAMP.hard;
  const why = t.injured ? ' (gentler because of your injury notes)' : '';
  const vol = (k: number) => blockVolumeOf(t, k);
  for (let k = 0; k < t.blockVolume.length; k++) {
    // A block whose remaining days hold nothing cannot be fixed by changing the plan.
    if (!blockIsOpen(t, k) || (t.blockPlanned[k] ?? 0) <= 0) continue;
    const v = vol(k);
    const ref = blockRampReference(vol, k);
    if (v <= ref * (1 + soft) + EPS) continue;
    const date = fromDayNumber(t.startDay + 7 * k);
    const against = k === 0 ? `the ${distanceText(t, ref)} a week you run now` : `${distanceText(t, ref)}, your biggest week of the two before`;
    const over = v > ref * (1 + hard) + EPS;
    out.push({
      rule: 'weekly_ramp',
      week: k,
      date,
      severity: over ? 'hard' : 'soft',
      reason: over
        ? `The 7 days from ${date} hold ${distanceText(t, v)}, ${pct(v / ref - 1)} more than ${against}. A jump of more than ${pct(hard)} in a week is how injuries start${why}: spread the increase over more weeks.`
        : `The 7 days from ${date} hold ${distanceText(t, v)}, ${pct(v / ref - 1)} more than ${against}. Adding about ${pct(soft)} a week at most is safer${why}.`,
    });
  }
  return out;
}

/**
 * The plan's first 7 days fit the runner's current weekly volume (± 20%): more is the ramp's
 * business (checkBlockRamps); much less throws away the fitness they have. A first block that is
 * already the taper, or a plan already under way (a re-plan), is not judged here.
 */
export function checkFirstBlock(t: Timeline, goal: Goal | null): Violation[] {
  if (t.blockVolume.length === 0 || (t.todayDay !== null && t.todayDay > t.startDay)) return [];
  if ((t.blockPlanned[0] ?? 0) <= 0) return [];
  if (t.raceDay !== null && t.raceMeters !== null && t.startDay + 7 + taperDays(t.raceMeters) > t.raceDay) return [];
  const v = t.blockVolume[0] ?? 0;
  // What the first week can hold: the runner's days, none longer than their longest recent run
  // (nor than 10 mi: a week is not a row of long runs).
  // A mileage goal below today's volume starts at the goal.
  const target = goal?.kind === 'mileage' ? milesToMeters(goal.target_weekly_mileage_miles) : Infinity;
  const holds = Math.min(t.currentWeekly, target, t.daysAvailable * Math.min(t.longestBaseline, milesToMeters(10)));
  const floor = (1 - BLOCK_RAMP.firstBlock) * holds;
  if (v >= floor - EPS) return [];
  return [
    {
      rule: 'first_week',
      week: 0,
      date: fromDayNumber(t.startDay),
      severity: 'soft',
      reason: `Your first 7 days hold ${distanceText(t, v)}, well below the ${distanceText(t, t.currentWeekly)} a week you run now: start within about ${pct(BLOCK_RAMP.firstBlock)} of your current volume so the plan builds on the fitness you have.`,
    },
  ];
}
