import type { WorkoutChange } from '#shared/schema/coach.ts';
import type { Issue } from '#shared/schema/issues.ts';
import { PlanSchema, type Plan, type PlannedWorkout } from '#shared/schema/plan.ts';
import type { PaceTable } from '#shared/schema/workout.ts';
import { estimateWorkout } from '#shared/training/estimate.ts';
import { toIssues } from '#shared/schema/issues.ts';
import { applyEdits, planChange } from './changes.ts';

// Applies the coach's adaptation (a list of changes) to an engine plan, giving a whole plan
// again: changed sessions re-estimated with the runner's paces, moved ones re-filed under
// their week, each week's volume summed anew. Problems come back as issues for a repair turn.

/** The adapted plan, or what kept it from being one. */
export type AdaptOutcome = { ok: true; plan: Plan } | { ok: false; issues: Issue[] };

/** The plan with `changes` applied in order (each sees the plan as the earlier ones left it). */
export function adaptPlan(base: Plan, changes: readonly WorkoutChange[], summary: string, paces: PaceTable, raceMeters: number | undefined): AdaptOutcome {
  let list: PlannedWorkout[] = base.workouts;
  const issues: Issue[] = [];
  const reasons = new Map<string, string>();
  for (const [i, change] of changes.entries()) {
    const outcome = planChange(change, list, base.start_date);
    if (!outcome.ok) {
      issues.push({ path: `changes.${i}`, message: outcome.message });
      continue;
    }
    const edited = new Set(outcome.edits.map((e) => e.workout.id));
    for (const id of edited) reasons.set(id, change.reason);
    list = applyEdits(list, outcome.edits).map((w) => (edited.has(w.id) ? refresh(w, base, paces, raceMeters) : w));
  }
  if (issues.length) return { ok: false, issues };
  const workouts = list
    .map((w) => (reasons.has(w.id) ? { ...w, reason: `${w.reason} Personalised: ${reasons.get(w.id)}`.trim() } : w))
    .sort((a, b) => a.scheduled_date.localeCompare(b.scheduled_date));
  const weeks = base.weeks.map((week) => {
    const inWeek = workouts.filter((w) => w.week_index === week.index);
    return {
      ...week,
      estimated_distance_meters: Math.round(inWeek.reduce((s, w) => s + w.estimated_distance_meters, 0)),
      estimated_duration_minutes: Math.round(inWeek.reduce((s, w) => s + w.estimated_duration_minutes, 0)),
    };
  });
  const parsed = PlanSchema.safeParse({ ...base, workouts, weeks, reason: `${base.reason} Personalised by the coach: ${summary}` });
  return parsed.success ? { ok: true, plan: parsed.data } : { ok: false, issues: toIssues(parsed.error) };
}

/** A changed workout's figures and week, recomputed. */
function refresh(w: PlannedWorkout, base: Plan, paces: PaceTable, raceMeters: number | undefined): PlannedWorkout {
  const estimate = estimateWorkout(w.structure, paces, raceMeters);
  const week = [...base.weeks].reverse().find((k) => k.start_date <= w.scheduled_date);
  return {
    ...w,
    estimated_distance_meters: Math.round(estimate.distance_meters),
    estimated_duration_minutes: Math.round(estimate.duration_seconds / 60),
    week_index: week?.index ?? w.week_index,
  };
}
