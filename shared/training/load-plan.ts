/**
 * The load forecast of a plan as the guardrail check sees it (issue 23 §6): fitness, fatigue and
 * form day by day through the plan, from what the check knows (the profile, the plan, the runs
 * done), so the plan-quality report can say when fitness climbs too steeply or race-day form
 * misses the band. The Fitness screen reads the runner's real runs instead (load-report.ts); this
 * one reads the same inputs as the volume guardrails, so both judge the same plan the same way.
 */
import type { LoadDay, LoadFinding } from '../schema/load.ts';
import type { PlanLike, Violation } from '../schema/plan.ts';
import { fromDayNumber, toDayNumber } from './dates.ts';
import { checkLoadForecast } from './load-check.ts';
import { loadSeries, type DatedLoad, type LoadSeriesInput } from './load-series.ts';
import { loadThresholds, plannedLoad, runLoad, structureRun, type LoadThresholds } from './load.ts';
import type { GuardrailContext, Timeline } from './timeline.ts';
import { METERS_PER_MILE } from './units.ts';

/** The rules of the load findings (soft, never blocking): adaptation and the engine tell them apart. */
export const LOAD_RULES: ReadonlySet<string> = new Set(['fitness_ramp', 'race_day_form']);

/** The forecast a plan's load findings are read from, and where the runner stands before it. */
export interface PlanLoad {
  days: LoadDay[];
  /** CTL (= ATL) the runner is assumed to bring to the plan: their usual week at easy pace. */
  baseline: number;
  raceDate: string | null;
  /** What the series was computed from, for what-ifs on it (raceFormScaled). */
  inputs: LoadSeriesInput;
}

/** The load of `meters` run at the runner's easy pace (how their usual running is scored). */
function easyLoad(meters: number, easyPacePerMile: number, t: LoadThresholds): number {
  if (meters <= 0) return 0;
  const seconds = (meters / METERS_PER_MILE) * easyPacePerMile;
  return runLoad({ activity_type: 'Run', distance_meters: meters, moving_time_seconds: seconds }, t)?.load ?? 0;
}

/**
 * The plan's daily load series, built on the timeline the guardrails use: before the plan's first
 * week the runner stands at their usual weekly volume at easy pace (the same baseline the volume
 * ramp is judged from); done runs replace the plan's past days when the history is known; from
 * then on the plan's workouts are scored from their structure at the runner's paces.
 */
export function planLoad(plan: PlanLike, t: Timeline, ctx: GuardrailContext): PlanLoad {
  const thresholds = loadThresholds(t.vdot);
  const easyPace = ctx.profile.easy_pace_per_mile_seconds;
  // Steady state of the usual week: CTL and ATL both equal the daily load.
  const baseline = easyLoad(t.baseline, easyPace, thresholds) / 7;
  const useHistory = t.todayDay !== null && ctx.history !== undefined;
  const done: DatedLoad[] = [];
  if (useHistory) {
    for (const run of ctx.history ?? []) {
      const day = toDayNumber(run.date);
      if (day < t.anchorDay || day >= t.todayDay!) continue;
      const seconds = run.duration_seconds && run.duration_seconds > 0 ? run.duration_seconds : (run.distance_meters / METERS_PER_MILE) * easyPace;
      const load = runLoad({ activity_type: 'Run', distance_meters: run.distance_meters, moving_time_seconds: seconds }, thresholds)?.load ?? 0;
      done.push({ date: run.date, load });
    }
  }
  const planned: DatedLoad[] = [];
  for (const w of t.workouts) {
    if (useHistory && w.past) continue;
    if (w.type === 'rest' || w.type === 'cross_training') continue;
    // The timeline parsed the structure already; without a valid one, the row's own figures (as plannedLoad does).
    const row = plan.workouts[w.index]!;
    const scored = w.structure
      ? runLoad(structureRun(w.structure, t.paces), thresholds)
      : plannedLoad(
          {
            workout_type: w.type,
            estimated_distance_meters: row.estimated_distance_meters ?? null,
            estimated_duration_minutes: row.estimated_duration_minutes ?? null,
          },
          t.paces,
          thresholds,
        );
    if (scored) planned.push({ date: w.date, load: scored.load });
  }
  const lastDay = Math.max(t.anchorDay, t.raceDay ?? t.anchorDay, ...t.workouts.map((w) => w.day));
  // The plan's own workouts count on every day; only done runs are "load", the rest is forecast.
  const inputs: LoadSeriesInput = {
    from: fromDayNumber(t.anchorDay),
    to: fromDayNumber(lastDay),
    done,
    planned,
    start: { ctl: baseline, atl: baseline },
    ...(ctx.profile.load_constants ? { constants: ctx.profile.load_constants } : {}),
    ...(useHistory ? { today: fromDayNumber(t.todayDay!) } : {}),
  };
  return { days: loadSeries(inputs), baseline, raceDate: t.raceDay !== null ? fromDayNumber(t.raceDay) : null, inputs };
}

/**
 * Race-day form were the planned load from `from` up to the race `factor` times what it is: CTL
 * and ATL are linear in the loads, so this tells how far a taper must move to reach a form.
 */
export function raceFormScaled(load: PlanLoad, from: string, factor: number): number | null {
  const race = load.raceDate;
  if (race === null) return null;
  const planned = (load.inputs.planned ?? []).map((p) => (p.date >= from && p.date < race ? { ...p, load: p.load * factor } : p));
  return loadSeries({ ...load.inputs, planned }).find((d) => d.date === race)?.tsb ?? null;
}

/** What the forecast says about the plan, as soft violations of the plan-quality report. */
export function checkPlanLoad(plan: PlanLike, t: Timeline, ctx: GuardrailContext): Violation[] {
  return loadFindings(planLoad(plan, t, ctx), t).map((f) => ({ rule: f.rule, severity: 'soft', date: f.date, reason: f.reason }));
}

/** The forecast's findings (ramp and race-day form), from `today` on. */
export function loadFindings(load: PlanLoad, t: Timeline): LoadFinding[] {
  return checkLoadForecast(load.days, {
    ...(t.todayDay !== null ? { today: fromDayNumber(t.todayDay) } : {}),
    ...(load.raceDate !== null ? { raceDate: load.raceDate } : {}),
    injured: t.injured,
  });
}
