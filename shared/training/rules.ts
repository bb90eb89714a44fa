/**
 * The guardrail numbers (docs/TRAINING.md §"Safety guardrails"), shared by the plan engine, which builds
 * under them with a margin, and the check, which judges any plan against them.
 */
import type { Goal } from '../schema/goal.ts';
import type { CompletedRun, Methodology, TrainingProfile } from '../schema/plan.ts';
import type { WorkoutType } from '../schema/workout.ts';
import { milesToMeters } from './units.ts';
import { raceTimeForVdot } from './vdot.ts';
import { fitnessFromSources, type VdotSource } from './zones.ts';

export const LIMITS = {
  weeklyRamp: 0.1,
  weeklyRampInjured: 0.05,
  twoWeekRamp: 0.3,
  twoWeekRampInjured: 0.2,
  /** A single run may be at most this × the longest run of the previous 30 days. */
  spike: 1.1,
  spikeHard: 1.3,
  spikeWindowDays: 30,
  /** Below this weekly volume (≈5 mi) any week is a safe place to (re)start from. */
  minBaseWeeklyMeters: 8000,
  minLongestRunMeters: 2000,
  longRunMinutes: 150,
  longRunMinutesSlowMarathoner: 180,
  easyShare: 0.75,
  easyShareHard: 0.65,
  easyShareWindowWeeks: 3,
  thresholdShare: 0.1,
  intervalShare: 0.08,
  intervalMaxMeters: 10_000,
  repetitionShare: 0.05,
  repetitionMaxMeters: 8000,
  marathonPaceMaxSeconds: 110 * 60,
  marathonPaceMaxMeters: 29_000,
  intervalBoutMaxSeconds: 330,
  repetitionBoutMaxSeconds: 130,
  repetitionRestRatio: 2,
  /** A week at or below this share of the previous three weeks' best counts as a down week. */
  downWeekRatio: 0.8,
  maxWeeksWithoutDown: 3,
  taperFinalWeekShare: 0.6,
  taperFinalWeekHard: 0.85,
} as const;

/**
 * The long run's share cap of the week for a runner training `days` days. The 30% rule is
 * Daniels' own (docs/TRAINING.md §Methodologies); Pfitzinger's and 80/20's published plans put
 * 20 mi in a 55 mi week (36%) and Higdon's novice 20 mi in a ~40 mi week, so theirs is wider.
 * Without a methodology (a plan of unknown make) the strict rule applies.
 */
export function longRunShareCap(days: number, methodology: Methodology | null = null): number {
  // With few days the long run is necessarily a big part of the week (1 day: all of it).
  if (days <= 1) return 1;
  if (methodology === null || methodology === 'daniels') {
    if (days === 2) return 0.55;
    if (days === 3) return 0.4;
    return 0.3;
  }
  if (days === 2) return 0.65;
  if (days === 3) return 0.55;
  if (days === 4) return 0.5;
  return 0.45;
}

/**
 * The beginner floor (docs/TRAINING.md §"Beginner floor"): whatever the methodology, a half marathon's long run
 * builds to 10 mi and a marathon's to 18 mi. A long run no longer than it is within the share
 * and time caps for anyone training for that race: the published novice plans run it.
 */
export function longRunFloorMeters(goal: Goal | null): number {
  if (goal?.kind !== 'race') return 0;
  const bucket = raceBucket(goal.target_race_distance_meters);
  // Rounded up to 10 m, the engine's grain, so an 18-mile run is never planned at 17.99 mi.
  const miles = bucket === 'marathon' ? 18 : bucket === 'half' ? 10 : 0;
  return Math.ceil(milesToMeters(miles) / 10) * 10;
}

/** Whether the injury notes describe a current injury ("none", "-", "" do not). */
export function isInjured(notes: string | null | undefined): boolean {
  if (!notes) return false;
  return !/^\s*(none|no|nope|n\/?a|nil|-+|healthy|no injuries?)?\s*\.?\s*$/i.test(notes);
}

/** The weekly volume (m) the runner is coming from: the profile's mileage, never below ≈5 mi. */
export function baselineWeeklyMeters(profile: TrainingProfile): number {
  return Math.max(milesToMeters(profile.current_weekly_mileage_miles), LIMITS.minBaseWeeklyMeters);
}

/** The longest recent run (m): the profile's figure, else what the weekly volume implies. */
export function baselineLongestRun(profile: TrainingProfile): number {
  const given = profile.longest_recent_run_meters;
  // A run of ~2 km is a safe start for anyone; below that the 1.1 × rule would freeze a beginner.
  if (given !== null && given !== undefined && given > 0) return Math.max(given, LIMITS.minLongestRunMeters);
  return Math.max(3000, baselineWeeklyMeters(profile) * longRunShareCap(profile.days_available_per_week));
}

export interface RunnerFitness {
  vdot: number;
  source: VdotSource;
}

/**
 * Current fitness by the order of sources in docs/TRAINING.md §Fitness (shared/training/zones.ts): a race of the last
 * ~8 weeks, then the best sustained effort among `runs` of the last 8 weeks, then an older race,
 * then the easy pace (the slow half of Daniels' E range). Without `runs` it reads the profile's
 * own `fitness_runs`, so a caller that passes only the profile still follows recent runs.
 */
export function runnerFitness(profile: TrainingProfile, today: string, runs: readonly CompletedRun[] = profile.fitness_runs ?? []): RunnerFitness {
  const { vdot, source } = fitnessFromSources(profile, today, runs);
  return { vdot, source };
}

export type RaceBucket = 'short' | 'half' | 'marathon';

/** 5 km–10 km (and anything up to 15 km), half (to 30 km), marathon and beyond. */
export function raceBucket(meters: number): RaceBucket {
  if (meters <= 15_000) return 'short';
  if (meters <= 30_000) return 'half';
  return 'marathon';
}

/**
 * Long-run time cap in seconds. Daniels' (and a plan of unknown make): 150 min, 180 for
 * marathoners slower than 4 h. 80/20 runs the marathon long run to ~3:00 (3:45 for runners
 * slower than 4 h), Pfitzinger to 20–22 mi (3:30, 4:00 slower than 4 h); other races 150 min.
 */
export function longRunCapSeconds(goal: Goal | null, vdot: number, methodology: Methodology | null = null): number {
  const strict = methodology === null || methodology === 'daniels';
  if (goal?.kind === 'race' && raceBucket(goal.target_race_distance_meters) === 'marathon') {
    const slow = raceTimeForVdot(vdot, 42_195) >= 4 * 3600;
    if (strict) return (slow ? LIMITS.longRunMinutesSlowMarathoner : LIMITS.longRunMinutes) * 60;
    // Pfitzinger's long run is set in miles (20–22), so a slower runner's takes longer than 80/20's ~3:00.
    if (methodology === 'pfitzinger') return (slow ? 240 : 210) * 60;
    return (slow ? 225 : 180) * 60;
  }
  return LIMITS.longRunMinutes * 60;
}

/** Ramp limits for this runner: injury notes lower them. */
export function rampLimits(injured: boolean): { weekly: number; twoWeek: number } {
  return injured ? { weekly: LIMITS.weeklyRampInjured, twoWeek: LIMITS.twoWeekRampInjured } : { weekly: LIMITS.weeklyRamp, twoWeek: LIMITS.twoWeekRamp };
}

/**
 * The volume a week's ramp is judged against: the better of the two weeks before (so a single
 * down week is not a new baseline), never below ≈5 mi, and at least half of the level two weeks
 * further back (coming back to half the old load after a break is fine).
 */
export function rampReference(vol: (k: number) => number, k: number, lag: 1 | 2): number {
  return Math.max(vol(k - lag), vol(k - lag - 1), LIMITS.minBaseWeeklyMeters, 0.5 * Math.max(vol(k - lag - 2), vol(k - lag - 3)));
}

/**
 * Whether week `k` is a down week: at most 80% of the best of the three weeks before. After three
 * weeks under ≈5 mi (a layoff) there is nothing to recover from: the week counts as a fresh start.
 */
export function isDownWeek(vol: (k: number) => number, k: number): boolean {
  const recent = Math.max(vol(k - 1), vol(k - 2), vol(k - 3));
  return recent < LIMITS.minBaseWeeklyMeters || vol(k) <= LIMITS.downWeekRatio * recent + 1e-6;
}

export const HARD_TYPES: ReadonlySet<WorkoutType> = new Set<WorkoutType>([
  'long',
  'tempo',
  'threshold',
  'intervals',
  'repetition',
  'marathon_pace',
  'progression',
  'fartlek',
  'race',
]);

/** Per-session zone caps (m) for a week of `weekMeters`. */
export function sessionCaps(weekMeters: number): { T: number; I: number; R: number; Mmeters: number; Mseconds: number } {
  return {
    T: LIMITS.thresholdShare * weekMeters,
    I: Math.min(LIMITS.intervalMaxMeters, LIMITS.intervalShare * weekMeters),
    R: Math.min(LIMITS.repetitionMaxMeters, LIMITS.repetitionShare * weekMeters),
    Mmeters: LIMITS.marathonPaceMaxMeters,
    Mseconds: LIMITS.marathonPaceMaxSeconds,
  };
}

/** Taper: the minimum days before the race that must be reduced, by race distance. */
export function taperDays(meters: number): number {
  const bucket = raceBucket(meters);
  return bucket === 'short' ? 7 : bucket === 'half' ? 10 : 14;
}

/** Share of peak volume allowed in the week before the final one (R−14…R−8), by distance. */
export function taperSecondWeekShare(meters: number): number | null {
  const bucket = raceBucket(meters);
  return bucket === 'short' ? null : bucket === 'half' ? 0.9 : 0.85;
}
