/** Done runs and the plan's open workouts in, the daily fitness/fatigue/form series out. */
import type { LoadDay, LoadMethod } from '../schema/load.ts';
import type { PaceTable } from '../schema/workout.ts';
import { loadSeries, type LoadConstants } from './load-series.ts';
import { plannedLoad, runLoad, type LoadOptions, type LoadRun, type LoadThresholds, type PlannedLoadWorkout } from './load.ts';

/** A done run with its day (the runner's local date). */
export type DatedRun = LoadRun & { local_date: string; id?: string };

/** A plan workout with its day. */
export type DatedWorkout = PlannedLoadWorkout & { scheduled_date: string };

export interface ForecastInput {
  from: string;
  to: string;
  /** Planned workouts before today are past (done or missed) and not counted. */
  today: string;
  runs: readonly DatedRun[];
  /** Open workouts of the active plan (not yet completed or skipped). */
  workouts?: readonly DatedWorkout[];
  /** The runner's paces, for the workouts' steps; with none, no workout is forecast. */
  paces: PaceTable | null;
  thresholds: LoadThresholds;
  constants?: Partial<LoadConstants>;
  options?: LoadOptions;
}

export interface ScoredRun {
  id?: string;
  date: string;
  load: number;
  method: LoadMethod;
  grade_adjusted: boolean;
}

/** Scores every run and workout, then computes the days `from`..`to` (the forecast from `today`). */
export function forecastLoad(input: ForecastInput): { days: LoadDay[]; runs: ScoredRun[] } {
  const runs: ScoredRun[] = [];
  for (const run of input.runs) {
    const scored = runLoad(run, input.thresholds, input.options);
    if (!scored) continue;
    runs.push({
      ...(run.id !== undefined ? { id: run.id } : {}),
      date: run.local_date,
      load: scored.load,
      method: scored.method,
      grade_adjusted: scored.grade_adjusted,
    });
  }
  const planned = [];
  const paces = input.paces;
  if (paces) {
    for (const workout of input.workouts ?? []) {
      const scored = plannedLoad(workout, paces, input.thresholds);
      if (scored) planned.push({ date: workout.scheduled_date, load: scored.load });
    }
  }
  const days = loadSeries({
    from: input.from,
    to: input.to,
    today: input.today,
    done: runs,
    planned,
    ...(input.constants ? { constants: input.constants } : {}),
  });
  return { days, runs };
}
