/**
 * What a plan change does to the load forecast, before the runner accepts it (issue 23 §4):
 * race-day form and the steepest weekly fitness ramp ahead, with and without the change, both
 * computed by trainingLoadReport on the same rows, so nothing but the change differs.
 */
import { addDays } from './dates.ts';
import { trainingLoadReport, type LoadPlanWorkout, type LoadReportInput } from './load-report.ts';

/** One workout's new field values (a proposal's diff `after`s, or a re-plan's rewritten workout); `deleted: true` removes it. */
export interface WorkoutEdit {
  workout_id: string;
  set: Record<string, unknown>;
}

/** The forecast's verdict on a plan. */
export interface LoadOutlook {
  /** The day form is read on: race day, else the plan's last day (or four weeks out). */
  date: string;
  race: boolean;
  tsb: number;
  /** The steepest forecast fitness ramp from today to `date` (points per week). */
  peak_ramp: number;
}

export interface LoadWhatIf {
  before: LoadOutlook;
  after: LoadOutlook;
  /** "race-day form +7 → +2; ramp 4.1/wk" */
  words: string;
}

/** The plan's workouts with `edits` applied (new ids are added as new workouts). */
export function applyWorkoutEdits(workouts: readonly LoadPlanWorkout[], edits: readonly WorkoutEdit[]): LoadPlanWorkout[] {
  const byId = new Map(edits.map((e) => [e.workout_id, e.set]));
  const out = workouts.map((w) => (w.id !== undefined && byId.has(w.id) ? ({ ...w, ...byId.get(w.id) } as LoadPlanWorkout) : w));
  const known = new Set(workouts.map((w) => w.id));
  for (const e of edits) if (!known.has(e.workout_id)) out.push({ status: 'scheduled', ...e.set, id: e.workout_id } as LoadPlanWorkout);
  return out;
}

/** The race-day (or plan-end) form and peak ramp the plan in `input` is forecast to give. */
export function loadOutlook(input: Omit<LoadReportInput, 'query'>): LoadOutlook {
  const { today } = input;
  const race = input.goal?.kind === 'race' && input.goal.target_race_date >= today ? input.goal.target_race_date : null;
  const lastWorkout = (input.planWorkouts ?? [])
    .filter((w) => w.deleted !== true)
    .reduce<string | null>((m, w) => (m === null || w.scheduled_date > m ? w.scheduled_date : m), null);
  const date = race ?? (lastWorkout && lastWorkout > today ? lastWorkout : addDays(today, 28));
  const report = trainingLoadReport({ ...input, query: { from: today, to: date } });
  const day = report.days.find((d) => d.date === date);
  return { date, race: race !== null, tsb: day?.tsb ?? 0, peak_ramp: Math.max(0, ...report.days.map((d) => d.ramp)) };
}

const signed = (x: number) => {
  const r = Math.round(x) || 0;
  return r > 0 ? `+${r}` : `${r}`;
};

/** Race-day form and ramp with and without `edits`, in one line a runner reads. */
export function loadWhatIf(input: Omit<LoadReportInput, 'query'>, edits: readonly WorkoutEdit[]): LoadWhatIf {
  const before = loadOutlook(input);
  const after = loadOutlook({ ...input, planWorkouts: applyWorkoutEdits(input.planWorkouts ?? [], edits) });
  const label = before.race ? 'race-day form' : 'form at the plan’s end';
  const ramp =
    Math.round(before.peak_ramp * 10) === Math.round(after.peak_ramp * 10)
      ? `${after.peak_ramp.toFixed(1)}/wk`
      : `${before.peak_ramp.toFixed(1)} → ${after.peak_ramp.toFixed(1)}/wk`;
  return { before, after, words: `${label} ${signed(before.tsb)} → ${signed(after.tsb)}; ramp ${ramp}` };
}
