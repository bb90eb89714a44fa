/**
 * The plan-quality report (issue 17 §6): a plan's shape in the figures a knowledgeable runner
 * reads it by, judged beside the published plans of its methodology (docs/TRAINING.md §Methodologies).
 * Pure: a plan and the runner's profile in, figures out.
 */
import type { Goal } from '../schema/goal.ts';
import type { Methodology, Plan, TrainingProfile } from '../schema/plan.ts';
import { toDayNumber } from './dates.ts';
import { midPace } from './paces.ts';
import { buildTimeline, type TimelineWorkout } from './timeline.ts';
import { METERS_PER_MILE, milesToMeters } from './units.ts';

/** Everything the report measures on one plan. Distances in miles, shares as fractions. */
export interface PlanFigures {
  /** The biggest 7-day block, counted from the plan's first day (the goal race left out). */
  peak_week_miles: number;
  longest_run_miles: number;
  /** Runs of 18 mi or more (the goal race left out). */
  runs_18_plus: number;
  /** Runs of 11 mi or more that are not their week's long run, per build week. */
  medium_long_per_build_week: number;
  /** Quality sessions (≥ 10 min at M/T/I, ≥ 4 min at R, or a tune-up race) per build week. */
  quality_per_build_week: number;
  /** The most minutes at T in one session. */
  max_threshold_minutes: number;
  /** The most miles at M in one session. */
  max_marathon_pace_miles: number;
  /** Easy running time over all running time (the goal race left out). */
  easy_share: number;
  /** The longest run of identical weeks in a row, recovery and taper weeks aside (1 = none repeats). */
  identical_week_streak: number;
  /** The worst rise of a 7-day block over the higher of the two blocks before it (current volume before the plan). */
  worst_ramp: number;
  /** 1 − (the last 7 days before the race ÷ the peak block); null without a race. */
  taper_cut: number | null;
  /** The first 7-day block ÷ the runner's current weekly volume. */
  first_week_ratio: number;
  /** The E pace the plan's paces use, s/mile (for time-based references). */
  easy_pace_per_mile: number;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const DAY_SLACK_METERS = 50; // an 18-mile run estimated at 17.97 mi is an 18-mile run

/** A session that counts as quality: enough time at M, T or I, enough R, or a race that is not the goal. */
export function isQualitySession(w: TimelineWorkout): boolean {
  if (w.type === 'race') return !w.goalRace;
  const z = w.estimate?.zones;
  if (!z) return false;
  return z.M.seconds + z.T.seconds + z.I.seconds >= 600 || z.R.seconds >= 240;
}

/** Measures a plan for a runner: the figures of the plan-quality report. */
export function planFigures(plan: Plan, profile: TrainingProfile, today: string = plan.start_date): PlanFigures {
  const goal: Goal = plan.goal;
  const t = buildTimeline(plan, { profile, goal, today });
  const runs = t.workouts.filter((w) => !w.goalRace && w.meters > 0);
  const startDay = toDayNumber(plan.start_date);
  const current = milesToMeters(profile.current_weekly_mileage_miles);

  // 7-day blocks from the plan's first day: the weeks as the runner lives them.
  const lastDay = Math.max(startDay, ...runs.map((w) => w.day));
  const blockCount = Math.floor((lastDay - startDay) / 7) + 1;
  const blocks = new Array<number>(blockCount).fill(0);
  for (const w of runs) {
    const k = Math.floor((w.day - startDay) / 7);
    if (k >= 0) blocks[k] = (blocks[k] ?? 0) + w.meters;
  }
  // A last block cut short by the race is not a week the runner trains through.
  const fullBlocks =
    t.raceDay !== null && startDay + 7 * blockCount > t.raceDay ? blocks.slice(0, Math.max(1, Math.floor((t.raceDay - startDay) / 7))) : blocks;
  const peak = Math.max(0, ...fullBlocks);
  const vol = (k: number) => (k < 0 ? current : (blocks[k] ?? 0));
  let worstRamp = -1;
  for (let k = 0; k < fullBlocks.length; k++) {
    const ref = Math.max(vol(k - 1), vol(k - 2));
    if (ref > 0) worstRamp = Math.max(worstRamp, vol(k) / ref - 1);
  }

  let taperCut: number | null = null;
  if (t.raceDay !== null && peak > 0) {
    const final = runs.filter((w) => w.day >= t.raceDay! - 7 && w.day < t.raceDay!).reduce((a, w) => a + w.meters, 0);
    taperCut = 1 - final / peak;
  }

  // The engine's own weeks tell build from recovery and taper.
  const weekStart = new Map(plan.weeks.map((w) => [w.index, toDayNumber(w.start_date)]));
  const weekOf = (w: TimelineWorkout) => {
    let found = -1;
    for (const [index, day] of weekStart) if (w.day >= day && w.day < day + 7) found = index;
    return found;
  };
  const byWeek = new Map<number, TimelineWorkout[]>();
  for (const w of runs) {
    const k = weekOf(w);
    byWeek.set(k, [...(byWeek.get(k) ?? []), w]);
  }
  const steady = plan.weeks.filter((w) => !w.is_recovery && !w.is_taper);
  const build = steady.filter((w) => w.phase === 'build' || w.phase === 'peak');
  const buildWeeks = build.length > 0 ? build : steady;
  let quality = 0;
  let mediumLong = 0;
  for (const week of buildWeeks) {
    const inWeek = byWeek.get(week.index) ?? [];
    quality += inWeek.filter(isQualitySession).length;
    const longest = inWeek.reduce((a, w) => Math.max(a, w.meters), 0);
    let longSeen = false;
    for (const w of inWeek) {
      if (w.meters === longest && !longSeen) {
        longSeen = true;
        continue;
      }
      if (w.meters >= milesToMeters(11) - DAY_SLACK_METERS) mediumLong++;
    }
  }

  let identical = 0;
  let streak = 0;
  let previous: string | null = null;
  for (const week of plan.weeks) {
    const sig = week.is_recovery || week.is_taper ? null : weekSignature(byWeek.get(week.index) ?? [], weekStart.get(week.index) ?? 0);
    streak = sig !== null && sig === previous ? streak + 1 : sig !== null ? 1 : 0;
    identical = Math.max(identical, streak);
    previous = sig;
  }

  let easy = 0;
  let all = 0;
  for (const w of runs) {
    if (!w.estimate) continue;
    easy += w.estimate.zones.E.seconds;
    all += w.estimate.duration_seconds;
  }

  return {
    peak_week_miles: round2(peak / METERS_PER_MILE),
    longest_run_miles: round2(Math.max(0, ...runs.map((w) => w.meters)) / METERS_PER_MILE),
    runs_18_plus: runs.filter((w) => w.meters >= milesToMeters(18) - DAY_SLACK_METERS).length,
    medium_long_per_build_week: buildWeeks.length > 0 ? round2(mediumLong / buildWeeks.length) : 0,
    quality_per_build_week: buildWeeks.length > 0 ? round2(quality / buildWeeks.length) : 0,
    max_threshold_minutes: Math.round(Math.max(0, ...runs.map((w) => (w.estimate?.zones.T.seconds ?? 0) / 60))),
    max_marathon_pace_miles: round2(Math.max(0, ...runs.map((w) => (w.estimate?.zones.M.meters ?? 0) / METERS_PER_MILE))),
    easy_share: all > 0 ? round2(easy / all) : 1,
    identical_week_streak: identical,
    worst_ramp: round2(worstRamp),
    taper_cut: taperCut === null ? null : round2(taperCut),
    first_week_ratio: current > 0 ? round2((blocks[0] ?? 0) / current) : 0,
    easy_pace_per_mile: Math.round(midPace(t.paces.easy) * (METERS_PER_MILE / 1000)),
  };
}

/** What a week's sessions are, day by day: two weeks with the same signature are the same week. */
function weekSignature(workouts: TimelineWorkout[], weekStartDay: number): string | null {
  if (workouts.length === 0) return null;
  const zone = (w: TimelineWorkout, z: 'M' | 'T' | 'I' | 'R') => Math.round((w.estimate?.zones[z].seconds ?? 0) / 60);
  return [...workouts]
    .sort((a, b) => a.day - b.day)
    .map((w) => `${w.day - weekStartDay}:${w.type}:${Math.round(w.meters / 160)}:${zone(w, 'M')}/${zone(w, 'T')}/${zone(w, 'I')}/${zone(w, 'R')}`)
    .join(' ');
}

/** A runner of the report's panel: who they are, what they race, and how the plan is asked for. */
export interface QualityRunner {
  label: string;
  profile: TrainingProfile;
  goal: Goal;
  methodology: Methodology;
  /** Their first race at this distance: the beginner floor applies (docs/TRAINING.md §"Beginner floor"). */
  first_at_distance: boolean;
  start_date: string;
}

export type { FigureName, Reference } from './plan-quality-reference.ts';
export { referenceRanges, judgeFigures } from './plan-quality-reference.ts';
