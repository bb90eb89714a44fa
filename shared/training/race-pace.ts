/** What `race` means on every screen, watch file and calendar event: the goal's race pace (issue 18 §1). */
import type { Goal } from '../schema/goal.ts';
import type { TrainingProfile } from '../schema/plan.ts';
import { assessGoal } from './feasibility.ts';
import { racePace } from './paces.ts';
import { runnerFitness } from './rules.ts';
import { formatDuration, formatPace, type DistanceUnit } from './units.ts';

/** Where the race pace comes from: the goal time, or (no time, or a time out of reach) the runner's prediction. */
export type RacePaceSource = 'goal' | 'prediction' | 'unrealistic_goal';

export interface RaceDayPace {
  seconds_per_km: number;
  source: RacePaceSource;
  distance_meters: number;
  /** The goal's time, when it has one. */
  goal_seconds: number | null;
  /** The race time at this pace. */
  race_seconds: number;
}

/**
 * The race pace of a race goal, or null for no race goal. A goal time is the pace, unless the
 * feasibility check calls it unrealistic: then the pace the runner can hold now (docs/TRAINING.md §"Race pace":
 * never a goal pace the check calls unrealistic), labelled as such by `racePaceNote`.
 */
export function raceDayPace(profile: TrainingProfile, goal: Goal | null, today: string, vdot: number): RaceDayPace | null {
  if (goal?.kind !== 'race') return null;
  const meters = goal.target_race_distance_meters;
  const km = meters / 1000;
  const predicted = { seconds_per_km: racePace(vdot, meters), distance_meters: meters, goal_seconds: goal.target_time_seconds ?? null };
  if (!goal.target_time_seconds) return { ...predicted, source: 'prediction', race_seconds: predicted.seconds_per_km * km };
  // Judged at the fitness the paces use, so the pace follows fitness up toward the goal.
  const source = runnerFitness(profile, today).source;
  if (assessGoal({ profile, goal, today, fitness: { vdot, source } }).verdict === 'unrealistic') {
    return { ...predicted, source: 'unrealistic_goal', race_seconds: predicted.seconds_per_km * km };
  }
  return {
    seconds_per_km: goal.target_time_seconds / km,
    source: 'goal',
    distance_meters: meters,
    goal_seconds: goal.target_time_seconds,
    race_seconds: goal.target_time_seconds,
  };
}

/** One line saying where race pace comes from: "Race pace 8:01/mi: your 3:30:00 goal." */
export function racePaceNote(race: RaceDayPace, unit: DistanceUnit): string {
  const pace = formatPace(race.seconds_per_km, unit);
  if (race.source === 'goal') return `Race pace ${pace}: your ${formatDuration(race.goal_seconds ?? race.race_seconds)} goal.`;
  const predicted = `about ${formatDuration(race.race_seconds)}, what your current fitness predicts`;
  if (race.source === 'prediction') return `Race pace ${pace}: ${predicted}.`;
  return `Race pace ${pace}: ${predicted}. Your ${formatDuration(race.goal_seconds ?? 0)} goal is out of reach for now, so the targets use the pace you can hold.`;
}
