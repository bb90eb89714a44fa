import { liveQuery, type Observable } from 'dexie';
import { goalFromRow, type Goal, type GoalRowFields } from '#shared/schema/goal.ts';
import type { UserDb, ViewRow } from './db.ts';
import type { GoalRow } from './goals.ts';
import type { ProfileRow } from './profile.ts';
import type { CompletionRow, WorkoutEditRow, WorkoutRow } from './workouts.ts';

// liveQuery readers: screens subscribe to these (a Dexie Observable is a Svelte store, so
// `$goals` works in a component) and re-render when the rows or the outbox change.

/** A row as screens get it: `pending` while a local change has not reached the server. */
export type Shown<T> = T & { pending: boolean };

function shown<T>(row: ViewRow): Shown<T> {
  const { _hlc: _clocks, _pending, ...fields } = row;
  return { ...(fields as T), pending: _pending === true };
}

/** The runner's goals (deleted ones left out), newest first. */
export function goals$(db: UserDb): Observable<Shown<GoalRow>[]> {
  return liveQuery(async () => {
    const rows = await db.view('goals').orderBy('created_at').reverse().toArray();
    return rows.filter((row) => row.deleted !== true).map((row) => shown<GoalRow>(row));
  });
}

/** One goal, or undefined when it does not exist or was deleted. */
export function goal$(db: UserDb, id: string): Observable<Shown<GoalRow> | undefined> {
  return liveQuery(async () => {
    const row = await db.view('goals').get(id);
    return row && row.deleted !== true ? shown<GoalRow>(row) : undefined;
  });
}

/** The runner's profile, or undefined before the first sync. */
export function profile$(db: UserDb): Observable<Shown<ProfileRow> | undefined> {
  return liveQuery(async () => {
    const row = await db.view('user_profiles').get(db.userId);
    return row ? shown<ProfileRow>(row) : undefined;
  });
}

/** How many changes have not reached the server yet (no answer, no confirmation). */
export function pendingCount$(db: UserDb): Observable<number> {
  return liveQuery(() => db.outbox.filter((entry) => !entry.result && !entry.confirmed).count());
}

/** A training plan row (the wire row of `training_plans`). */
export interface PlanRow {
  id: string;
  goal_id: string | null;
  title: string;
  methodology: string;
  status: 'active' | 'archived';
  start_date: string;
  end_date: string;
  vdot: number | null;
  phases: { phase: string; start_week: number; end_week: number; reason: string }[];
  weeks: { index: number; start_date: string; phase: string; estimated_distance_meters: number; estimated_duration_minutes: number; is_recovery: boolean; is_taper: boolean; reason: string }[];
  reason: string | null;
  created_at: string;
}

/** The runner's active plan (the newest if several), or undefined. */
export function activePlan$(db: UserDb): Observable<Shown<PlanRow> | undefined> {
  return liveQuery(async () => {
    const rows = (await db.view('training_plans').toArray()).filter((row) => row.status === 'active' && row.deleted !== true);
    rows.sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
    return rows[0] ? shown<PlanRow>(rows[0]) : undefined;
  });
}

/**
 * The goal a workout's plan trains for, in the engine's shape (what `race` pace means:
 * runnerPaces), or null. No `workoutId`, or a workout outside any plan: the active plan's goal.
 */
export function planGoal$(db: UserDb, workoutId?: string): Observable<Goal | null> {
  return liveQuery(async () => {
    const workout = workoutId ? await db.view('workouts').get(workoutId) : undefined;
    const plans = (await db.view('training_plans').toArray()).filter((row) => row.deleted !== true);
    const active = plans.filter((row) => row.status === 'active').sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
    const plan = (workout?.training_plan_id ? plans.find((row) => row.id === workout.training_plan_id) : undefined) ?? active[0];
    const goal = typeof plan?.goal_id === 'string' ? await db.view('goals').get(plan.goal_id) : undefined;
    return goal && goal.deleted !== true ? goalFromRow(goal as unknown as GoalRowFields) : null;
  });
}

/** The runner's workouts (deleted ones left out), by date; only `trainingPlanId`'s when given. */
export function workouts$(db: UserDb, trainingPlanId?: string): Observable<Shown<WorkoutRow>[]> {
  return liveQuery(async () => {
    const rows = await db.view('workouts').orderBy('scheduled_date').toArray();
    return rows.filter((row) => row.deleted !== true && (trainingPlanId === undefined || row.training_plan_id === trainingPlanId)).map((row) => shown<WorkoutRow>(row));
  });
}

/** One workout, or undefined when it does not exist or was deleted. */
export function workout$(db: UserDb, id: string): Observable<Shown<WorkoutRow> | undefined> {
  return liveQuery(async () => {
    const row = await db.view('workouts').get(id);
    return row && row.deleted !== true ? shown<WorkoutRow>(row) : undefined;
  });
}

/** Every completion, keyed by workout id. */
export function completions$(db: UserDb): Observable<Map<string, Shown<CompletionRow>>> {
  return liveQuery(async () => {
    const rows = await db.view('workout_completions').toArray();
    return new Map(rows.map((row) => [String(row.workout_id), shown<CompletionRow>(row)]));
  });
}

/** A workout's edit history, oldest first. */
export function workoutEdits$(db: UserDb, workoutId: string): Observable<Shown<WorkoutEditRow>[]> {
  return liveQuery(async () => {
    const rows = await db.view('workout_edits').where('workout_id').equals(workoutId).toArray();
    rows.sort((a, b) => String(a.created_at).localeCompare(String(b.created_at)));
    return rows.map((row) => shown<WorkoutEditRow>(row));
  });
}

/** One activity row (a matched run), or undefined. */
export function activity$(db: UserDb, id: string): Observable<Record<string, unknown> | undefined> {
  return liveQuery(async () => {
    const row = await db.view('strava_activities').get(id);
    return row ? shown<Record<string, unknown>>(row) : undefined;
  });
}
