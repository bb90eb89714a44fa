import { and, eq, inArray, isNull, or } from 'drizzle-orm';
import { describeWithTargets } from '#shared/calendar/describe.ts';
import { goalFromRow, type Goal } from '#shared/schema/goal.ts';
import type { PreferenceFields } from '#shared/schema/notifications.ts';
import type { CompletedRun } from '#shared/schema/plan.ts';
import type { WorkoutStructure } from '#shared/schema/workout.ts';
import { addDays, weekday } from '#shared/training/dates.ts';
import type { TargetTable } from '#shared/training/target-text.ts';
import { buildJournal } from '../coach/journal.ts';
import { goals, notificationPreferences, notifications, trainingPlans, userProfiles, workouts } from '../db/schema.ts';
import { localDate } from '../lib/write-stamp.ts';
import { fitnessRuns, runnerTargets } from '../profile/training-context.ts';
import type { AppDeps } from '../context.ts';
import { createNotification } from '../notifications/create.ts';
import type { JournalPayload, ReminderPayload, ReminderWorkout } from '../notifications/kinds.ts';
import { fieldsOf } from '../notifications/preferences.ts';
import { zonedInstant } from '#shared/time/zone.ts';

// The scheduled kinds, computed per runner in their own time zone: tomorrow's workout at their
// reminder time (default 19:00) and the weekly journal on Monday morning. Each run looks at the
// last few hours, so a server that was down at 19:00 still reminds at 19:40; the idempotency
// keys make every later run (and every other server) find the row already there.

/** How late a missed reminder is still worth sending. */
export const REMINDER_CATCH_UP_MS = 3 * 3600_000;
/** When the weekly journal goes out, Monday local time. */
export const JOURNAL_TIME = '08:00';
/** How late a missed weekly journal is still recorded. */
export const JOURNAL_CATCH_UP_MS = 12 * 3600_000;
const MONDAY = 1;

type ProfileRow = typeof userProfiles.$inferSelect;
interface Runner {
  profile: ProfileRow;
  prefs: PreferenceFields;
}
interface Due {
  runner: Runner;
  kind: 'workout_reminder' | 'weekly_journal';
  key: string;
  /** The reminder's workout date, or the journal's week (its Monday). */
  date: string;
  dueAt: Date;
}

/** The scheduled notifications due for `runner` at `now` (whether or not already recorded). */
export function dueFor(runner: Runner, now: Date): Due[] {
  const { profile, prefs } = runner;
  const zone = profile.time_zone;
  const today = localDate(now, zone);
  const out: Due[] = [];
  for (const day of [addDays(today, -1), today]) {
    const reminder = zonedInstant(day, prefs.reminder_time, zone);
    const sinceReminder = now.getTime() - reminder.getTime();
    if (prefs.workout_reminder && sinceReminder >= 0 && sinceReminder < REMINDER_CATCH_UP_MS) {
      const date = addDays(day, 1);
      out.push({ runner, kind: 'workout_reminder', key: `workout_reminder:${profile.user_id}:${date}`, date, dueAt: reminder });
    }
    if (prefs.weekly_journal && weekday(day) === MONDAY) {
      const journal = zonedInstant(day, JOURNAL_TIME, zone);
      const sinceJournal = now.getTime() - journal.getTime();
      const week = addDays(day, -7);
      if (sinceJournal >= 0 && sinceJournal < JOURNAL_CATCH_UP_MS)
        out.push({ runner, kind: 'weekly_journal', key: `weekly_journal:${profile.user_id}:${week}`, date: week, dueAt: journal });
    }
  }
  return out;
}

/** Records every scheduled notification due at `now` and not yet recorded; returns how many. */
export async function planDue(deps: AppDeps, now: Date): Promise<{ reminders: number; journals: number }> {
  const rows = await deps.db
    .select({ profile: userProfiles, prefs: notificationPreferences })
    .from(userProfiles)
    .leftJoin(notificationPreferences, eq(notificationPreferences.user_id, userProfiles.user_id));
  const due = rows.flatMap((row) => dueFor({ profile: row.profile, prefs: fieldsOf(row.prefs) }, now));
  const recorded = new Set<string>();
  for (let i = 0; i < due.length; i += 500) {
    const keys = due.slice(i, i + 500).map((d) => d.key);
    for (const r of await deps.db.select({ key: notifications.idempotency_key }).from(notifications).where(inArray(notifications.idempotency_key, keys)))
      recorded.add(r.key);
  }
  const todo = due.filter((d) => !recorded.has(d.key));
  const reminders = todo.filter((d) => d.kind === 'workout_reminder');
  const { byRunnerDate, goals: goalOf } = await workoutsOn(deps, reminders);
  let made = { reminders: 0, journals: 0 };
  for (const d of reminders) {
    const { profile } = d.runner;
    const runs = await fitnessRuns(deps.db, profile.user_id, localDate(now, profile.time_zone));
    const payload = reminderPayload(d, byRunnerDate.get(`${profile.user_id}:${d.date}`) ?? [], now, goalOf, runs);
    if (payload && (await record(deps, d, payload))) made = { ...made, reminders: made.reminders + 1 };
  }
  for (const d of todo.filter((x) => x.kind === 'weekly_journal')) {
    const payload = await journalPayload(deps, d);
    if (payload && (await record(deps, d, payload))) made = { ...made, journals: made.journals + 1 };
  }
  return made;
}

function record(deps: AppDeps, d: Due, payload: ReminderPayload | JournalPayload): Promise<string | null> {
  return createNotification(
    deps.db,
    { userId: d.runner.profile.user_id, kind: d.kind, key: d.key, dueAt: d.dueAt, payload },
    { prefs: d.runner.prefs, zone: d.runner.profile.time_zone },
  );
}

type WorkoutRow = typeof workouts.$inferSelect;

/**
 * The planned workouts (active plans or none) of each reminder's runner and date, in one query,
 * with the goal each workout's plan trains for (what its `race` pace means) by workout id.
 */
async function workoutsOn(deps: AppDeps, reminders: Due[]): Promise<{ byRunnerDate: Map<string, WorkoutRow[]>; goals: Map<string, Goal> }> {
  const out = new Map<string, WorkoutRow[]>();
  const goalOf = new Map<string, Goal>();
  if (reminders.length === 0) return { byRunnerDate: out, goals: goalOf };
  const userIds = [...new Set(reminders.map((d) => d.runner.profile.user_id))];
  const dates = [...new Set(reminders.map((d) => d.date))];
  const rows = await deps.db
    .select({ workout: workouts, goal: goals })
    .from(workouts)
    .leftJoin(trainingPlans, eq(trainingPlans.id, workouts.training_plan_id))
    .leftJoin(goals, and(eq(goals.id, trainingPlans.goal_id), eq(goals.deleted, false)))
    .where(
      and(
        inArray(workouts.user_id, userIds),
        inArray(workouts.scheduled_date, dates),
        eq(workouts.deleted, false),
        or(isNull(workouts.training_plan_id), eq(trainingPlans.status, 'active')),
      ),
    );
  for (const { workout, goal } of rows) {
    const key = `${workout.user_id}:${workout.scheduled_date}`;
    out.set(key, [...(out.get(key) ?? []), workout]);
    if (goal) goalOf.set(workout.id, goalFromRow(goal));
  }
  return { byRunnerDate: out, goals: goalOf };
}

/**
 * The reminder for a runner's tomorrow, or null: a rest day they did not ask to hear about.
 * `goals` holds, by workout id, the goal its plan trains for: what its `race` pace means.
 */
export function reminderPayload(
  d: Due,
  dayWorkouts: WorkoutRow[],
  now: Date,
  goals: Map<string, Goal> = new Map(),
  // The runner's fitness runs (training-context fitnessRuns): the paces follow their recent best run.
  fitnessRuns: readonly CompletedRun[] = [],
): ReminderPayload | null {
  const { profile, prefs } = d.runner;
  const runs = dayWorkouts.filter((w) => w.workout_type !== 'rest' && w.status === 'scheduled').sort((a, b) => a.created_at.getTime() - b.created_at.getTime());
  if (runs.length === 0 && !prefs.remind_rest_days) return null;
  // Paces (none for an incomplete profile: the reminder names the workout without them), or bpm
  // from the runner's own heart rate for one who trains by heart rate.
  const today = localDate(now, profile.time_zone);
  const targetsOf = (w: WorkoutRow) => runnerTargets(profile, today, goals.get(w.id) ?? null, fitnessRuns);
  const describeIn = (w: WorkoutRow, targets: TargetTable | null) =>
    targets ? describeWithTargets(w.structure as WorkoutStructure, targets, profile.units) : [];
  const list: ReminderWorkout[] = runs.map((w) => ({
    id: w.id,
    title: w.title,
    type: w.workout_type,
    lines: describeIn(w, targetsOf(w)),
    distance_meters: w.estimated_distance_meters,
    duration_seconds: w.estimated_duration_minutes === null ? null : w.estimated_duration_minutes * 60,
    reason: w.reason,
  }));
  return { date: d.date, units: profile.units, rest: runs.length === 0, workouts: list };
}

/** The finished week's journal, or null for a week with neither runs nor a plan (nothing to say). */
async function journalPayload(deps: AppDeps, d: Due): Promise<JournalPayload | null> {
  // No Claude here: the narrative is the weekly memory the coach job already wrote, if any.
  const j = await buildJournal(deps, null, d.runner.profile.user_id, d.date);
  if (j.stats.runs === 0 && j.planned_vs_done.planned_sessions === 0) return null;
  return {
    week: j.week,
    week_end: j.week_end,
    units: j.units,
    runs: j.stats.runs,
    distance_meters: j.stats.distance_meters,
    moving_time_seconds: j.stats.moving_time_seconds,
    average_pace_seconds_per_km: j.stats.average_pace_seconds_per_km,
    longest_run_meters: j.stats.longest_run_meters,
    planned_sessions: j.planned_vs_done.planned_sessions,
    completed: j.planned_vs_done.completed,
    insights: [...j.insights.achievements, ...j.insights.patterns, ...j.insights.to_improve],
    narrative: j.narrative?.text ?? null,
  };
}
