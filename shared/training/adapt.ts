/** Re-plans the coming weeks after missed runs, illness or injury, or runs well off plan. */
import type { CompletedRun, HealthReport, Plan, PlannedWorkout, PlanWeek, TrainingProfile, Violation } from '../schema/plan.ts';
import { fromDayNumber, toDayNumber } from './dates.ts';
import { composePlan } from './engine.ts';
import { buildFrame, type Frame } from './frame.ts';
import { ADVICE_RULES, checkPlan } from './guardrails.ts';
import { LOAD_RULES } from './load-plan.ts';
import { composeForRaceForm } from './taper-form.ts';
import { baselineLongestRun, isInjured } from './rules.ts';

export interface AdaptInput {
  plan: Plan;
  profile: TrainingProfile;
  today: string;
  /** Runs done (any source); `workout_id` links a run to the workout it completed. */
  history: CompletedRun[];
  /** "Not feeling 100%". */
  report?: HealthReport;
  newId: () => string;
}

export interface AdaptResult {
  plan: Plan;
  /** Whether anything from `today` on changed. */
  changed: boolean;
  /** Why, in words a runner reads. */
  reasons: string[];
  /** Planned workouts from today on that the new plan no longer has. */
  removed_workout_ids: string[];
  /** The profile the plan was judged with (an injury report adds injury notes: store them). */
  profile: TrainingProfile;
  /** What the check still finds; only the runner's own kept edits can cause these. */
  violations: Violation[];
}

/** Completed ÷ planned below this, or above its inverse, over the last two weeks is "well off plan". */
const OFF_PLAN = 0.75;

/** Decides whether the plan needs re-planning and, if so, re-plans from `today` on. */
export function adaptPlan(input: AdaptInput): AdaptResult {
  const { plan, today, history, report } = input;
  const todayDay = toDayNumber(today);
  const profile: TrainingProfile =
    report?.kind === 'injury'
      ? {
          ...input.profile,
          injury_notes: [input.profile.injury_notes, report.notes ?? `injury reported on ${report.date}`].filter((x) => x && isInjured(x)).join('; '),
        }
      : input.profile;
  const reasons = triggers(plan, history, todayDay, report);
  const ctx = { profile, goal: plan.goal, today, history };
  if (reasons.length === 0) {
    const violations = checkPlan(plan, ctx);
    // The runner's own edits are theirs to keep; anything else that fails today's check (paces
    // that changed since the plan was made, e.g. a race that aged out of the fitness estimate)
    // is re-sized from today rather than left failing.
    const edited = new Set(plan.workouts.filter((w) => w.edited_by_user).map((w) => w.id));
    // The load forecast's findings are advice for the runner, not a reason to rewrite the plan.
    if (violations.every((v) => LOAD_RULES.has(v.rule) || ADVICE_RULES.has(v.rule) || (v.workout_id !== undefined && edited.has(v.workout_id)))) {
      return { plan, changed: false, reasons: [], removed_workout_ids: [], profile, violations };
    }
    reasons.push(`the coming weeks no longer fit your current paces (${violations[0]!.reason})`);
  }

  const trainingWeeks = plan.weeks.filter((w) => !(plan.goal.kind === 'race' && w.start_date === plan.goal.target_race_date)).length;
  const frame = buildFrame(plan.goal, plan.start_date, plan.methodology, isInjured(profile.injury_notes), trainingWeeks);
  const anchorDay = toDayNumber(frame.anchor);
  const weekOf = (day: number) => Math.floor((day - anchorDay) / 7);
  const fromWeek = Math.max(0, weekOf(todayDay));
  const resumeDay = report ? Math.max(todayDay, toDayNumber(report.date) + report.days) : todayDay;

  const past = history.filter((r) => toDayNumber(r.date) < todayDay);
  const priorVolumes: number[] = [];
  const weekLongest: number[] = [];
  const carried = new Map<number, number>();
  for (const r of past) {
    const k = weekOf(toDayNumber(r.date));
    if (k < 0) continue;
    if (k < fromWeek) {
      priorVolumes[k] = (priorVolumes[k] ?? 0) + r.distance_meters;
      weekLongest[k] = Math.max(weekLongest[k] ?? 0, r.distance_meters);
    } else carried.set(k, (carried.get(k) ?? 0) + r.distance_meters);
  }
  for (let k = 0; k < fromWeek; k++) priorVolumes[k] = priorVolumes[k] ?? 0;
  // The runner's own edits stay as they are, and so does the race itself.
  const isGoalRace = (w: PlannedWorkout) => w.workout_type === 'race' && plan.goal.kind === 'race' && w.scheduled_date === plan.goal.target_race_date;
  const kept = plan.workouts.filter((w) => (w.edited_by_user || isGoalRace(w)) && toDayNumber(w.scheduled_date) >= todayDay);
  for (const w of kept) {
    if (isGoalRace(w)) continue;
    const k = weekOf(toDayNumber(w.scheduled_date));
    carried.set(k, (carried.get(k) ?? 0) + w.estimated_distance_meters);
  }
  const runs: { day: number; meters: number; assumed?: boolean }[] = past.map((r) => ({ day: toDayNumber(r.date), meters: r.distance_meters }));
  runs.push({ day: toDayNumber(plan.start_date) - 1, meters: baselineLongestRun(profile), assumed: true });
  for (const w of kept) runs.push({ day: toDayNumber(w.scheduled_date), meters: w.estimated_distance_meters });

  // As for a new plan, the taper is sized for race-day form (issue 23 §6).
  const compose = (f: Frame, newId: () => string) =>
    composePlan({
      profile,
      goal: plan.goal,
      start_date: plan.start_date,
      today,
      methodology: plan.methodology,
      newId,
      frame: f,
      fromWeek,
      firstDay: resumeDay,
      priorVolumes,
      runs,
      prevLongest: weekLongest[fromWeek - 1] ?? 0,
      carried,
      kept,
      comeback: comebackFor(report, fromWeek, weekOf(resumeDay)),
    });
  const next = composeForRaceForm(frame, compose, ctx, input.newId);

  const keptPast = plan.workouts.filter((w) => toDayNumber(w.scheduled_date) < todayDay);
  const workouts = [...keptPast, ...next.workouts].sort((a, b) => (a.scheduled_date < b.scheduled_date ? -1 : a.scheduled_date > b.scheduled_date ? 1 : 0));
  const note = `re-planned on ${today}: ${reasons.join('; ')}`;
  const weeks: PlanWeek[] = next.weeks.map((w) => {
    const old = plan.weeks.find((o) => o.index === w.index);
    if (w.index < fromWeek && old) return old;
    const inWeek = workouts.filter((x) => x.week_index === w.index);
    return {
      ...w,
      estimated_distance_meters: Math.round(inWeek.reduce((a, x) => a + x.estimated_distance_meters, 0)),
      estimated_duration_minutes: Math.round(inWeek.reduce((a, x) => a + x.estimated_duration_minutes, 0)),
      reason: `${w.reason} (${note})`,
    };
  });
  const adapted: Plan = { ...plan, weeks, workouts, reason: `${plan.reason}; ${note}` };
  const nextIds = new Set(workouts.map((w) => w.id));
  const removed = plan.workouts.filter((w) => toDayNumber(w.scheduled_date) >= todayDay && !nextIds.has(w.id)).map((w) => w.id);
  const violations = checkPlan(adapted, ctx);
  // The runner's own edits win over the rules; say so instead of silently changing them.
  const keptIds = new Set(kept.filter((w) => w.edited_by_user).map((w) => w.id));
  for (const v of violations) {
    if (v.workout_id && keptIds.has(v.workout_id)) reasons.push(`your own edit on ${v.date ?? 'a later day'} is kept as it is, though ${v.reason}`);
  }
  return { plan: adapted, changed: true, reasons, removed_workout_ids: removed, profile, violations };
}

/** Why the plan needs changing: a health report, missed workouts, or two weeks well off plan. */
function triggers(plan: Plan, history: CompletedRun[], todayDay: number, report: HealthReport | undefined): string[] {
  const out: string[] = [];
  if (report) {
    const until = fromDayNumber(toDayNumber(report.date) + report.days - 1);
    out.push(
      report.kind === 'injury'
        ? `injury reported: no running until after ${until}, then a gentler ramp and no repetition work`
        : `illness reported: rest until after ${until}, then ease back in`,
    );
  }
  const since = todayDay - 14;
  const recent = plan.workouts.filter((w) => {
    const d = toDayNumber(w.scheduled_date);
    return d >= since && d < todayDay && w.workout_type !== 'rest' && w.workout_type !== 'cross_training';
  });
  const doneDays = new Set(history.map((r) => r.date));
  const doneIds = new Set(history.flatMap((r) => (r.workout_id ? [r.workout_id] : [])));
  const missed = recent.filter((w) => !doneIds.has(w.id) && !doneDays.has(w.scheduled_date));
  if (missed.length > 0) out.push(`${missed.length} missed workout${missed.length > 1 ? 's' : ''} in the last two weeks`);
  const planned = recent.reduce((a, w) => a + w.estimated_distance_meters, 0);
  const done = history.filter((r) => toDayNumber(r.date) >= since && toDayNumber(r.date) < todayDay).reduce((a, r) => a + r.distance_meters, 0);
  if (planned > 0 && missed.length === 0) {
    const ratio = done / planned;
    if (ratio < OFF_PLAN) out.push(`ran ${Math.round(ratio * 100)}% of the planned distance over the last two weeks`);
    else if (ratio > 1 / OFF_PLAN)
      out.push(`ran ${Math.round(ratio * 100)}% of the planned distance over the last two weeks; the plan builds from what you actually ran`);
  }
  return out;
}

/** After illness or injury the first weeks back are lighter than the ramp alone would allow. */
function comebackFor(report: HealthReport | undefined, fromWeek: number, resumeWeek: number): Map<number, number> {
  const out = new Map<number, number>();
  if (!report || report.days < 3) return out;
  const first = report.kind === 'injury' ? 0.6 : 0.7;
  const second = report.kind === 'injury' ? 0.75 : 0.85;
  out.set(Math.max(fromWeek, resumeWeek), first);
  out.set(Math.max(fromWeek, resumeWeek) + 1, second);
  return out;
}
