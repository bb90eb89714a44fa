/** Re-plans the coming weeks after missed runs, illness or injury, or runs well off plan. */
import type { CompletedRun, HealthReport, Plan, PlannedWorkout, PlanWeek, TrainingProfile, Violation } from '../schema/plan.ts';
import type { WorkoutStructure } from '../schema/workout.ts';
import { fromDayNumber, toDayNumber } from './dates.ts';
import { composePlan } from './engine.ts';
import { buildFrame, type Frame } from './frame.ts';
import { ADVICE_RULES, checkPlan } from './guardrails.ts';
import { LOAD_RULES } from './load-plan.ts';
import { composeForRaceForm } from './taper-form.ts';
import { baselineLongestRun, baselineWeeklyMeters, isInjured, LIMITS } from './rules.ts';
import { easyRun, type SessionEnv } from './sessions.ts';
import { runnerPaces } from './timeline.ts';
import { estimateWorkout } from './estimate.ts';
import { midPace } from './paces.ts';

export interface AdaptInput {
  plan: Plan;
  profile: TrainingProfile;
  today: string;
  /** Runs done (any source); `workout_id` links a run to the workout it completed. */
  history: CompletedRun[];
  /** "Not feeling 100%". */
  report?: HealthReport;
  newId: () => string;
  /** Keep the plan's recovery weeks after a comeback (set when skipping one would break a guardrail). */
  keepRecoveryWeeks?: boolean;
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

/** Whether a runner's note on a skipped run speaks of an injury ("Achilles sore", "knee pain"). */
export function soundsInjured(note: string | null | undefined): boolean {
  return /\b(sore|pain|painful|hurts?|hurting|injur\w*|strain\w*|sprain\w*|achilles|shin|knee|hamstring|calf|plantar|tendon\w*|it band|limp\w*)\b/i.test(
    note ?? '',
  );
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
  const back = comebackOf(plan, history, todayDay, report);
  if (back) reasons.push(back.why);
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
  const resumeDay = back ? Math.max(todayDay, back.resumeDay) : todayDay;
  // A missed week was rest enough: the recovery week due next is skipped (docs/TRAINING.md §Adapting);
  // so is one due right after a break or an injury, whose own first weeks are lighter still (a
  // short illness is back on plan, recovery weeks included).
  let skippedRecovery = false;
  if (back && back.kind !== 'illness' && !input.keepRecoveryWeeks) {
    const span = back.kind === 'missed_week' ? 1 : Math.ceil((back.calmDays + back.easyDays) / 7) + 1;
    for (const due of frame.weeks.filter((w) => w.index >= weekOf(resumeDay) && w.index <= weekOf(resumeDay) + span && w.role === 'recovery')) {
      frame.weeks[due.index] = { ...due, role: 'normal' };
      skippedRecovery = true;
      reasons.push(
        `the recovery week from ${due.start_date} is skipped: ${back.kind === 'missed_week' ? 'the missed week was rest enough' : 'the weeks back are lighter already'}`,
      );
    }
  }

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
  // After an injury the long run is rebuilt from the spike rule: the runs before it count for
  // half, so the engine's own 10%-a-run limit climbs back from there (docs/TRAINING.md §Adapting).
  const spikeShare = back?.kind === 'injury' ? 0.5 : 1;
  const spikeRuns = runs.map((r) => (r.day < resumeDay ? { ...r, meters: r.meters * spikeShare } : r));
  const composeWith = (extra: PlannedWorkout[], first: number) => (f: Frame, newId: () => string) =>
    composePlan({
      profile,
      goal: plan.goal,
      start_date: plan.start_date,
      today,
      methodology: plan.methodology,
      newId,
      frame: f,
      fromWeek,
      firstDay: first,
      priorVolumes,
      runs: [...spikeRuns, ...extra.map((w) => ({ day: toDayNumber(w.scheduled_date), meters: w.estimated_distance_meters }))],
      prevLongest: (weekLongest[fromWeek - 1] ?? 0) * spikeShare,
      carried: withCarried(carried, extra, weekOf),
      kept: [...kept, ...extra],
      comeback: comebackShares(back, fromWeek, resumeDay, weekOf, (day) => (((day - anchorDay) % 7) + 7) % 7),
    });
  let next = composeForRaceForm(frame, composeWith([], resumeDay), ctx, input.newId);
  if (back && back.kind !== 'missed_week') {
    // The first days back are the comeback's own (short and easy, or walk-run); the engine then
    // plans the rest around them, so the weeks after ramp from what those days really hold.
    const env: SessionEnv = {
      paces: runnerPaces(profile, plan.goal, today).paces,
      injured: true,
      ...(plan.goal.kind === 'race' ? { raceMeters: plan.goal.target_race_distance_meters } : {}),
    };
    // No run back may break the spike rule either: 1.1 × the longest run of the 30 days before it.
    const limitAt = (day: number, made: PlannedWorkout[]) =>
      Math.min(
        shortRunMeters(env, profile),
        1.1 *
          Math.max(
            LIMITS.minLongestRunMeters,
            ...[...runs, ...made.map((w) => ({ day: toDayNumber(w.scheduled_date), meters: w.estimated_distance_meters }))]
              .filter((r) => r.day < day && r.day >= day - LIMITS.spikeWindowDays)
              .map((r) => r.meters),
          ),
      );
    // The last 10 days before the race keep their touch of speed: the taper needs it (guardrails).
    const sharpenFrom = plan.goal.kind === 'race' ? toDayNumber(plan.goal.target_race_date) - 10 : Infinity;
    const windowEnd = Math.max(resumeDay, Math.min(sharpenFrom, anchorDay + 7 * (weekOf(resumeDay + back.easyDays - 1) + 1)));
    const firstDays = comebackDays(back, resumeDay, windowEnd, next.workouts, env, limitAt, input.newId, isGoalRace);
    // The plan's own sessions come back on a week boundary: a long run beside two short runs would
    // be most of its week (guardrails), so the rest of that week stays short and easy too.
    const untouched = (w: PlannedWorkout) => isGoalRace(w) || kept.includes(w) || toDayNumber(w.scheduled_date) >= sharpenFrom;
    const calm = (p: Plan, c: Comeback): Plan => ({ ...p, workouts: afterComeback(c, resumeDay, p.workouts, env, untouched) });
    const shaped = windowEnd > resumeDay ? calm(composeForRaceForm(frame, composeWith(firstDays, windowEnd), ctx, input.newId), back) : calm(next, back);
    // The short first days can leave a 7-day block too light for the one after it (the ramp is
    // measured on the plan's own blocks): then the weeks the engine sized stay, without intensity.
    // A comeback lowers the first week and can shorten the build to race day on purpose: those
    // findings stand in both candidates' reasons; the safety rules decide between them.
    const AMBITION = ADVICE_RULES;
    const failing = (p: Plan) =>
      checkPlan(withPast(plan, p, todayDay), ctx).filter(
        (v) => !LOAD_RULES.has(v.rule) && !AMBITION.has(v.rule) && !(v.workout_id && kept.some((k) => k.id === v.workout_id)),
      );
    if (failing(shaped).length <= failing(next).length) next = shaped;
    else {
      next = calm(next, { ...back, calmDays: Math.max(back.calmDays, 7) });
      reasons.push('the first week back keeps its usual runs, all easy, so the weeks after it stay within the safe ramp');
    }
  }

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
  // Skipping the recovery week is a nicety, never worth a broken guardrail: the plan keeps it then.
  if (skippedRecovery && violations.some((v) => !LOAD_RULES.has(v.rule) && !ADVICE_RULES.has(v.rule) && !(v.workout_id && keptIds.has(v.workout_id)))) {
    return adaptPlan({ ...input, keepRecoveryWeeks: true });
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

/** The plan's past workouts with the re-plan's coming ones (for checking a candidate). */
function withPast(plan: Plan, next: Plan, todayDay: number): Plan {
  const past = plan.workouts.filter((w) => toDayNumber(w.scheduled_date) < todayDay);
  return { ...plan, weeks: next.weeks, workouts: [...past, ...next.workouts] };
}

/** What kind of comeback the runner is making (docs/TRAINING.md §Adapting), from a report or from the runs. */
export interface Comeback {
  kind: 'illness' | 'break' | 'injury' | 'missed_week';
  /** The first day the runner can run again. */
  resumeDay: number;
  /** Days of short easy running (or walk-run) before the plan's own sessions come back. */
  easyDays: number;
  /** Days from `resumeDay` without fast running. */
  calmDays: number;
  why: string;
}

/** Days without a run that count as a missed week; more than this is a break. */
const MISSED_WEEK_DAYS = 10;

/** The comeback a report or a gap in the runs calls for, or null for none. */
export function comebackOf(plan: Plan, history: CompletedRun[], todayDay: number, report: HealthReport | undefined): Comeback | null {
  if (report) {
    const resumeDay = toDayNumber(report.date) + report.days;
    if (report.kind === 'injury') {
      return {
        kind: 'injury',
        resumeDay,
        easyDays: 7,
        calmDays: 21,
        why: 'injury: walk-run first, no fast running for 3 weeks, the long run rebuilt step by step',
      };
    }
    if (report.days <= 7) {
      const easyDays = Math.min(5, Math.max(2, report.days - 1));
      return { kind: 'illness', resumeDay, easyDays, calmDays: easyDays, why: `illness: ${easyDays} days of short easy running, then back on plan` };
    }
    return { kind: 'break', resumeDay, easyDays: 0, calmDays: 7, why: 'time off: back at about 50%, then 75%, then 100% over 3 weeks' };
  }
  // No report: a stretch of planned runs with none done is a missed week, or a break when longer.
  const planStart = toDayNumber(plan.start_date);
  const lastRun = Math.max(planStart - 1, ...history.map((r) => toDayNumber(r.date)).filter((d) => d < todayDay));
  const gap = todayDay - lastRun - 1;
  const missedRuns = plan.workouts.filter((w) => {
    const d = toDayNumber(w.scheduled_date);
    return d > lastRun && d < todayDay && w.workout_type !== 'rest' && w.workout_type !== 'cross_training';
  }).length;
  if (gap < 6 || missedRuns < 2) return null;
  if (gap <= MISSED_WEEK_DAYS) {
    return {
      kind: 'missed_week',
      resumeDay: todayDay,
      easyDays: 0,
      calmDays: 0,
      why: `no runs for ${gap} days: back at about 90%, without the recovery week that was due`,
    };
  }
  return {
    kind: 'break',
    resumeDay: todayDay,
    easyDays: 0,
    calmDays: 7,
    why: `no runs for ${gap} days: back at about 50%, then 75%, then 100% over 3 weeks, intensity from the second week`,
  };
}

/** Share of the usual weekly volume in the weeks back (the engine's `comeback`). */
function comebackShares(
  back: Comeback | null,
  fromWeek: number,
  resumeDay: number,
  weekOf: (day: number) => number,
  dayInWeek: (day: number) => number,
): Map<number, number> {
  const out = new Map<number, number>();
  if (!back || back.kind === 'illness') return out; // a short illness is back on plan after its easy days
  // A resume late in a week leaves that week nearly empty: the next one is the first full week back.
  const late = dayInWeek(resumeDay) >= 4;
  const start = Math.max(fromWeek, weekOf(resumeDay));
  const shares = back.kind === 'missed_week' ? [0.9] : back.kind === 'break' ? [0.5, 0.75] : [0.6, 0.75, 0.9];
  const seq = late ? [shares[0]!, ...shares] : shares;
  seq.forEach((share, i) => out.set(start + i, share));
  return out;
}

/** Meters carried per week, with the comeback's own days added. */
function withCarried(carried: Map<number, number>, extra: PlannedWorkout[], weekOf: (day: number) => number): Map<number, number> {
  const out = new Map(carried);
  for (const w of extra) {
    const k = weekOf(toDayNumber(w.scheduled_date));
    out.set(k, (out.get(k) ?? 0) + w.estimated_distance_meters);
  }
  return out;
}

/** What a short run back may be: about 40 min easy, 3–8 km, a little of the usual week. */
function shortRunMeters(env: SessionEnv, profile: TrainingProfile): number {
  const fortyMinutes = (40 * 60 * 1000) / midPace(env.paces.easy);
  return Math.min(8000, fortyMinutes, Math.max(3000, 0.12 * baselineWeeklyMeters(profile)));
}

/** The comeback's first days: each planned run there becomes a short easy run (illness) or a walk-run (injury). */
function comebackDays(
  back: Comeback,
  resumeDay: number,
  end: number,
  workouts: PlannedWorkout[],
  env: SessionEnv,
  limitAt: (day: number, made: PlannedWorkout[]) => number,
  newId: () => string,
  fixed: (w: PlannedWorkout) => boolean,
): PlannedWorkout[] {
  const out: PlannedWorkout[] = [];
  for (const w of workouts) {
    const d = toDayNumber(w.scheduled_date);
    if (d < resumeDay || d >= end || fixed(w) || w.workout_type === 'rest') continue;
    const short = limitAt(d, out);
    if (back.kind === 'injury') {
      // Walk-runs with cross-training between them (no impact) until the plan's own weeks resume.
      const last = out.at(-1);
      out.push(last && last.workout_type !== 'cross_training' ? crossTraining(w, newId) : walkRun(w, env, 20, short, newId));
      continue;
    }
    // One size for every run back, so none is most of its week.
    const meters = Math.min(short, limitAt(resumeDay, []));
    const s = easyRun(env, meters, 0, `after illness: short and easy, no intensity, until the plan's own sessions come back on ${fromDayNumber(end)}`);
    out.push(fromSession(w, s, newId));
  }
  return out;
}

/** After the first days: no fast running until the calm days are over (the same distance, easy). */
function afterComeback(
  back: Comeback,
  resumeDay: number,
  workouts: PlannedWorkout[],
  env: SessionEnv,
  fixed: (w: PlannedWorkout) => boolean,
): PlannedWorkout[] {
  const calmEnd = resumeDay + back.calmDays;
  return workouts.map((w) => {
    const d = toDayNumber(w.scheduled_date);
    if (d < resumeDay || d >= calmEnd || fixed(w) || w.workout_type === 'rest' || w.workout_type === 'cross_training') return w;
    if (!FAST.test(JSON.stringify(w.structure))) return w;
    const why = back.kind === 'injury' ? 'after the injury: easy running only for 3 weeks' : 'easing back in: intensity returns next week';
    const s = easyRun(env, w.estimated_distance_meters, 0, why);
    return { ...fromSession(w, s, () => w.id), workout_type: w.workout_type === 'long' ? 'long' : s.type };
  });
}

/** A step at any pace faster than easy. */
const FAST = /"pace_target":"(threshold|tempo|interval|repetition|marathon|race|5k|10k|half)"/;

function fromSession(
  w: PlannedWorkout,
  s: {
    type: PlannedWorkout['workout_type'];
    title: string;
    structure: WorkoutStructure;
    reason: string;
    estimate: { distance_meters: number; duration_seconds: number };
  },
  newId: () => string,
): PlannedWorkout {
  return {
    id: newId(),
    scheduled_date: w.scheduled_date,
    week_index: w.week_index,
    workout_type: s.type,
    title: s.title,
    structure: s.structure,
    estimated_distance_meters: Math.round(s.estimate.distance_meters),
    estimated_duration_minutes: Math.round(s.estimate.duration_seconds / 60),
    reason: s.reason,
  };
}

/** Run 4 min, walk 1 min, for `minutes`: the first runs back after an injury. */
function walkRun(w: PlannedWorkout, env: SessionEnv, wanted: number, maxMeters: number, newId: () => string): PlannedWorkout {
  const perRepeat = (240 * 1000) / midPace(env.paces.easy) + (60 * 1000) / midPace(env.paces.recovery);
  const repeats = Math.max(1, Math.min(Math.round(wanted / 5), Math.floor(maxMeters / perRepeat)));
  const minutes = repeats * 5;
  const structure: WorkoutStructure = {
    segments: [
      {
        type: 'interval',
        repeats,
        work: { duration_seconds: 240, pace_target: 'easy', notes: 'run easy' },
        recovery: { duration_seconds: 60, pace_target: 'recovery', notes: 'walk' },
      },
    ],
  };
  const estimate = estimateWorkout(structure, env.paces, env.raceMeters);
  return fromSession(
    w,
    { type: 'easy', title: `Walk-run ${minutes} min`, structure, reason: 'after the injury: run 4 min, walk 1 min; stop if it hurts', estimate },
    newId,
  );
}

/** Cross-training in place of a run: the heart and lungs keep working while the injury settles. */
function crossTraining(w: PlannedWorkout, newId: () => string): PlannedWorkout {
  return {
    id: newId(),
    scheduled_date: w.scheduled_date,
    week_index: w.week_index,
    workout_type: 'cross_training',
    title: 'Cross-training 30 min',
    structure: { segments: [{ type: 'steady', duration_seconds: 1800, pace_target: 'easy', notes: 'bike, swim or elliptical, easy' }] },
    estimated_distance_meters: 0,
    estimated_duration_minutes: 30,
    reason: 'after the injury: no impact yet, keep the fitness',
  };
}
