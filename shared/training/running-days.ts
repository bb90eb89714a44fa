// The fewest running days a week a goal can be trained on (issue 18 §9). The engine itself
// accepts 1–7 days, and with 1 day it builds a half marathon plan of one long run a week, all of
// the week's volume in one outing: no easy running to recover on, no workout beside the long run,
// and every week's one run a spike. Three days is the least that holds a long run, a quality
// session and an easy run, the usual floor of half and marathon plans (Higdon's, Hansons'
// novice plans start at 3–4 days).

/** Race distances from which a goal needs MIN_DAYS_LONG_RACE days a week: a half marathon (21.0975 km) and up. */
export const LONG_RACE_METERS = 21_000;
/** Running days a week a half marathon or longer needs. */
export const MIN_DAYS_LONG_RACE = 3;

/** The part of a goal the rule reads (engine goals, goal rows and goal requests all have it; a mileage goal has no race distance). */
export interface DaysGoal {
  /** The engine's and the rows' name of the goal's type, or the requests' (`goal_type`). */
  kind?: string;
  goal_type?: string;
  target_race_distance_meters?: number | null | undefined;
}

/** The fewest running days a week `goal` can be trained on. */
export function minRunningDays(goal: DaysGoal): number {
  return (goal.target_race_distance_meters ?? 0) >= LONG_RACE_METERS ? MIN_DAYS_LONG_RACE : 1;
}

/** Why `days` a week are too few for `goal`, in a runner's words; null when they are enough. */
export function tooFewDays(goal: DaysGoal, days: number): string | null {
  const least = minRunningDays(goal);
  if (days >= least) return null;
  const race = (goal.target_race_distance_meters ?? 0) >= 42_000 ? 'A marathon' : 'A half marathon';
  return `${race} needs at least ${least} running days a week, so the long run is not your whole week; you said ${days}. Add running days in your profile, or pick a shorter race.`;
}
