/** Reads a plan from any source into dated, estimated runs and weekly volumes for the guardrail check. */
import type { Goal } from '../schema/goal.ts';
import { WEEKDAYS, type CompletedRun, type PlanLike, type TrainingProfile } from '../schema/plan.ts';
import { WorkoutStructureSchema, type PaceTable, type WorkoutStructure, type WorkoutType } from '../schema/workout.ts';
import { toDayNumber } from './dates.ts';
import { estimateWorkout, type WorkoutEstimate } from './estimate.ts';
import { paceTable } from './paces.ts';
import { formatDistance, milesToMeters, type DistanceUnit } from './units.ts';
import { raceDayPace, type RaceDayPace } from './race-pace.ts';
import { HARD_TYPES, baselineLongestRun, baselineWeeklyMeters, isInjured, runnerFitness, type RunnerFitness } from './rules.ts';

/** What the check knows beyond the plan itself. */
export interface GuardrailContext {
  profile: TrainingProfile;
  goal: Goal | null;
  /** Days before `today` are the past: judged by `history`, never reported. */
  today?: string;
  /** Runs done (any source). When given with `today`, they replace the plan's past days. */
  history?: CompletedRun[];
  /** The runner's distance unit, for the findings' words (issue 18 §7); km without it. */
  units?: DistanceUnit;
}

export interface TimelineWorkout {
  index: number;
  id?: string;
  date: string;
  day: number;
  week: number;
  type: WorkoutType;
  goalRace: boolean;
  hard: boolean;
  valid: boolean;
  meters: number;
  seconds: number;
  estimate: WorkoutEstimate | null;
  /** The structure, parsed (null when absent or invalid). */
  structure: WorkoutStructure | null;
  /** Before `today`: done or missed, not planned any more. */
  past: boolean;
  /** Changed by the runner themselves (`edited_by_user`): their choice of day is theirs. */
  editedByUser: boolean;
}

export interface Timeline {
  /** The unit the findings speak in (GuardrailContext.units). */
  units: DistanceUnit;
  /** The runs done stand for the days before today (`history` given with `today`): past planned workouts are not what happened. */
  pastIsRecorded: boolean;
  anchorDay: number;
  startDay: number;
  weekCount: number;
  todayDay: number | null;
  baseline: number;
  /** The runner's current weekly volume as they gave it (`baseline` is never below ≈5 mi). */
  currentWeekly: number;
  longestBaseline: number;
  daysAvailable: number;
  injured: boolean;
  vdot: number;
  paces: PaceTable;
  raceDay: number | null;
  raceMeters: number | null;
  workouts: TimelineWorkout[];
  weekVolume: number[];
  /** Volume each week still holds from today on: what the plan can still change. */
  weekPlanned: number[];
  /** The longest counted run of each week (done runs for the past, when known). */
  weekLongest: number[];
  /** Every single run with its day: planned ones, and done ones where the past is known. */
  runs: { day: number; meters: number }[];
  /** Meters run on each day (history or plan). */
  dayVolume: Map<number, number>;
  /**
   * 7-day blocks counted from the plan's first day (`start_date`): the weeks as the runner lives
   * them, whatever weekday the engine's own weeks begin on. The ramp is judged on these.
   */
  blockVolume: number[];
  /** Volume each block still holds from today on. */
  blockPlanned: number[];
  /** The runner's weekdays (0 = Sunday), when the profile names them. */
  availableDays: ReadonlySet<number> | null;
  /** The weekday of the long run (0 = Sunday), when the profile names it. */
  longRunDay: number | null;
}

/**
 * The runner's fitness and paces; `race` is the goal's race pace (raceDayPace: the goal time, or
 * the predicted pace when the goal has no time or the feasibility check calls it unrealistic).
 * Every screen, watch file, calendar event and reminder reads `race` from here.
 */
export function runnerPaces(
  profile: TrainingProfile,
  goal: Goal | null,
  today: string,
): { fitness: RunnerFitness; paces: PaceTable; race: RaceDayPace | null } {
  const fitness = runnerFitness(profile, today);
  const race = raceDayPace(profile, goal, today, fitness.vdot);
  const paces = paceTable(fitness.vdot, {
    ...(race ? { goal_pace_seconds_per_km: race.seconds_per_km, race_distance_meters: race.distance_meters } : {}),
  });
  return { fitness, paces, race };
}

/** Builds the timeline: estimates each workout with the runner's paces and sums training volume. */
export function buildTimeline(plan: PlanLike, ctx: GuardrailContext): Timeline {
  const startDay = toDayNumber(plan.start_date);
  const firstWorkout = Math.min(...plan.workouts.map((w) => toDayNumber(w.scheduled_date)), startDay);
  const anchorDay = Math.min(plan.weeks?.[0] ? toDayNumber(plan.weeks[0].start_date) : startDay, firstWorkout);
  const todayDay = ctx.today ? toDayNumber(ctx.today) : null;
  const useHistory = todayDay !== null && ctx.history !== undefined;
  const { fitness, paces } = runnerPaces(ctx.profile, ctx.goal, ctx.today ?? plan.start_date);
  const race = ctx.goal?.kind === 'race' ? ctx.goal : null;
  const raceMeters = race ? race.target_race_distance_meters : null;
  const raceDay = race ? toDayNumber(race.target_race_date) : null;

  const workouts: TimelineWorkout[] = plan.workouts.map((w, index) => {
    const day = toDayNumber(w.scheduled_date);
    const parsed = w.structure === undefined ? null : WorkoutStructureSchema.safeParse(w.structure);
    const estimate = parsed?.success ? estimateWorkout(parsed.data, paces, raceMeters ?? undefined) : null;
    const nonRunning = w.workout_type === 'rest' || w.workout_type === 'cross_training';
    const meters = nonRunning ? 0 : (estimate?.distance_meters ?? w.estimated_distance_meters ?? 0);
    const seconds = nonRunning ? 0 : (estimate?.duration_seconds ?? (w.estimated_duration_minutes ?? 0) * 60);
    const quality = estimate ? estimate.zones.M.seconds + estimate.zones.T.seconds + estimate.zones.I.seconds : 0;
    const hard = HARD_TYPES.has(w.workout_type) || quality >= 600 || (estimate?.zones.R.seconds ?? 0) >= 240;
    return {
      index,
      ...(w.id !== undefined ? { id: w.id } : {}),
      date: w.scheduled_date,
      day,
      week: Math.floor((day - anchorDay) / 7),
      type: w.workout_type,
      goalRace: w.workout_type === 'race' && day === raceDay,
      hard: hard && !nonRunning,
      valid: w.structure === undefined ? nonRunning : parsed?.success === true,
      meters,
      seconds,
      estimate,
      structure: parsed?.success ? parsed.data : null,
      past: todayDay !== null && day < todayDay,
      editedByUser: w.edited_by_user === true,
    };
  });

  const lastDay = Math.max(anchorDay, ...workouts.map((w) => w.day), raceDay ?? anchorDay);
  const weekCount = Math.floor((lastDay - anchorDay) / 7) + 1;
  const weekVolume = new Array<number>(weekCount).fill(0);
  const weekLongest = new Array<number>(weekCount).fill(0);
  const weekPlanned = new Array<number>(weekCount).fill(0);
  const dayVolume = new Map<number, number>();
  const blockCount = Math.max(0, Math.floor((lastDay - startDay) / 7) + 1);
  const blockVolume = new Array<number>(blockCount).fill(0);
  const blockPlanned = new Array<number>(blockCount).fill(0);
  const runs: { day: number; meters: number }[] = [];
  const addRun = (day: number, meters: number, counts: boolean): void => {
    if (meters <= 0) return;
    runs.push({ day, meters });
    if (!counts) return;
    dayVolume.set(day, (dayVolume.get(day) ?? 0) + meters);
    const block = Math.floor((day - startDay) / 7);
    if (block >= 0 && block < blockCount) blockVolume[block] = (blockVolume[block] ?? 0) + meters;
    const week = Math.floor((day - anchorDay) / 7);
    if (week < 0 || week >= weekCount) return;
    weekVolume[week] = (weekVolume[week] ?? 0) + meters;
    weekLongest[week] = Math.max(weekLongest[week] ?? 0, meters);
  };
  for (const w of workouts) {
    if (useHistory && w.past) continue;
    addRun(w.day, w.meters, !w.goalRace);
    if (!w.past && !w.goalRace && w.week >= 0 && w.week < weekCount) weekPlanned[w.week] = (weekPlanned[w.week] ?? 0) + w.meters;
    const block = Math.floor((w.day - startDay) / 7);
    if (!w.past && !w.goalRace && block >= 0 && block < blockCount) blockPlanned[block] = (blockPlanned[block] ?? 0) + w.meters;
  }
  if (ctx.history) {
    for (const run of ctx.history) {
      const day = toDayNumber(run.date);
      // Before today the record is the truth; without `today`, history only informs spikes.
      addRun(day, run.distance_meters, useHistory && day < (todayDay ?? 0) && day >= anchorDay);
    }
  }
  const longestBaseline = baselineLongestRun(ctx.profile);
  runs.push({ day: startDay - 1, meters: longestBaseline });

  return {
    units: ctx.units ?? 'km',
    pastIsRecorded: useHistory,
    anchorDay,
    startDay,
    weekCount,
    todayDay,
    baseline: baselineWeeklyMeters(ctx.profile),
    currentWeekly: milesToMeters(ctx.profile.current_weekly_mileage_miles),
    longestBaseline,
    daysAvailable: ctx.profile.days_available_per_week,
    injured: isInjured(ctx.profile.injury_notes),
    vdot: fitness.vdot,
    paces,
    raceDay,
    raceMeters,
    workouts,
    weekVolume,
    weekPlanned,
    weekLongest,
    runs,
    dayVolume,
    blockVolume,
    blockPlanned,
    availableDays: ctx.profile.available_days ? new Set(ctx.profile.available_days.map((d) => WEEKDAYS.indexOf(d))) : null,
    longRunDay: ctx.profile.long_run_day ? WEEKDAYS.indexOf(ctx.profile.long_run_day) : null,
  };
}

/** Block `k`'s training volume (7-day blocks from the plan's first day); blocks before the plan stand at the runner's current volume. */
export function blockVolumeOf(t: Timeline, k: number): number {
  if (k < 0) return t.baseline;
  return t.blockVolume[k] ?? 0;
}

/** Whether block `k` still lies (at least partly) ahead of `today`. */
export function blockIsOpen(t: Timeline, k: number): boolean {
  return t.todayDay === null || t.startDay + 7 * k + 6 >= t.todayDay;
}

/** Week `k`'s training volume; weeks before the plan stand at the runner's baseline. */
export function volumeOf(t: Timeline, k: number): number {
  if (k < 0) return t.baseline;
  return t.weekVolume[k] ?? 0;
}

/** Whether a week still lies (at least partly) ahead of `today`, so a violation in it can be acted on. */
export function weekIsOpen(t: Timeline, k: number): boolean {
  return t.todayDay === null || t.anchorDay + 7 * k + 6 >= t.todayDay;
}

/** The ISO date of the first day of week `k`. */
export function weekStartDay(t: Timeline, k: number): number {
  return t.anchorDay + 7 * k;
}

/** A distance in a finding's words, in the runner's unit: `12.4 km`, `7.7 mi`. */
export function distanceText(t: Pick<Timeline, 'units'>, meters: number): string {
  return formatDistance(meters, t.units);
}
