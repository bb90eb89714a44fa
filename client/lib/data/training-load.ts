import { liveQuery, type Observable } from 'dexie';
import type { TrainingLoadQuery, TrainingLoadResponse } from '#shared/schema/load.ts';
import type { CompletedRun } from '#shared/schema/plan.ts';
import type { WorkoutStructure } from '#shared/schema/workout.ts';
import { goalFromRow, type Goal, type GoalRowFields } from '#shared/schema/goal.ts';
import { loadHistoryStart, trainingLoadReport, type LoadActivityRow, type LoadPlanWorkout, type LoadProfile } from '#shared/training/load-report.ts';
import { loadWhatIf, type LoadWhatIf, type WorkoutEdit } from '#shared/training/load-whatif.ts';
import { todayIn } from '../workout-view.ts';
import type { UserDb, ViewRow } from './db.ts';
import { deviceFitnessRuns } from './fitness-runs.ts';

// Fitness, fatigue and form on the device, offline: the rows GET /api/training-load reads, read
// from Dexie instead, handed to the same shared trainingLoadReport (one function, two callers).

/** What the load needs from this device's rows, for `query`; `today` defaults to the profile's local date. */
export interface DeviceLoadInputs {
  today: string;
  profile: LoadProfile | null;
  goal: Goal | null;
  planWorkouts: LoadPlanWorkout[] | null;
  runs: LoadActivityRow[];
  /** The runs fitness is read from (deviceFitnessRuns), as the server reads them. */
  fitnessRuns: CompletedRun[];
  /** The active plan's id, for callers that edit it (the what-if). */
  planId: string | null;
}

/** Reads the runner's profile, active plan, its goal and workouts, and runs from `historyFrom(today, profile)` on (the runner's fitness constant sets how far back). */
export async function readLoadInputs(db: UserDb, historyFrom: (today: string, profile: LoadProfile | null) => string, now: Date = new Date(db.now())): Promise<DeviceLoadInputs> {
  const profileRow = await db.view('user_profiles').get(db.userId);
  const today = todayIn(typeof profileRow?.time_zone === 'string' ? profileRow.time_zone : 'UTC', now);
  const plans = (await db.view('training_plans').toArray()).filter((row) => row.status === 'active' && row.deleted !== true);
  plans.sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
  const plan = plans[0];
  const goalRow = plan && typeof plan.goal_id === 'string' ? await db.view('goals').get(plan.goal_id) : undefined;
  const goal = goalRow && goalRow.deleted !== true ? goalFromRow(goalRow as unknown as GoalRowFields) : null;
  let planWorkouts: LoadPlanWorkout[] | null = null;
  if (plan) {
    const completed = new Set((await db.view('workout_completions').toArray()).map((c) => String(c.workout_id)));
    const rows = await db.view('workouts').where('training_plan_id').equals(String(plan.id)).toArray();
    planWorkouts = rows.map((row) => ({ ...(row as unknown as LoadPlanWorkout), completed: completed.has(String(row.id)) }));
  }
  const profile = profileRow ? (bare(profileRow) as unknown as LoadProfile) : null;
  const runs = (await db.view('strava_activities').where('local_date').aboveOrEqual(historyFrom(today, profile)).toArray()).map((row) => bare(row) as unknown as LoadActivityRow);
  return { today, profile, goal, planWorkouts, runs, fitnessRuns: await deviceFitnessRuns(db, today), planId: plan ? String(plan.id) : null };
}

/** The device's answer to GET /api/training-load for `query`, from its own rows. */
export async function deviceTrainingLoad(db: UserDb, query: TrainingLoadQuery, now?: Date): Promise<TrainingLoadResponse> {
  const inputs = await readLoadInputs(db, (_today, profile) => loadHistoryStart(query.from, profile), now);
  return trainingLoadReport({ query, ...inputs });
}

/** The report as a live query: it recomputes when a run, workout, plan or the profile changes. */
export function trainingLoad$(db: UserDb, query: TrainingLoadQuery): Observable<TrainingLoadResponse> {
  return liveQuery(() => deviceTrainingLoad(db, query));
}

function bare(row: ViewRow): Record<string, unknown> {
  const { _hlc: _clocks, _pending, ...fields } = row;
  return fields;
}

/** What `edits` to the active plan do to race-day form and ramp, from this device's rows (null without a plan). */
export async function deviceWhatIf(db: UserDb, edits: readonly WorkoutEdit[], now?: Date): Promise<LoadWhatIf | null> {
  const inputs = await readLoadInputs(db, loadHistoryStart, now);
  return inputs.planWorkouts ? loadWhatIf(inputs, edits) : null;
}

/** The device's load inputs as a live query: an edit in progress reads its what-if from them at once. */
export function loadInputs$(db: UserDb): Observable<DeviceLoadInputs> {
  return liveQuery(() => readLoadInputs(db, loadHistoryStart));
}

/** A change the runner makes to one workout: its steps, or its day. */
export interface WorkoutChange {
  structure?: WorkoutStructure;
  scheduled_date?: string;
}

/**
 * What the runner's own change to a workout of the active plan does to race-day form and ramp,
 * before it is saved (issue 23 §4); null when the workout is not in the plan or nothing changes.
 */
export function workoutWhatIf(inputs: DeviceLoadInputs, workoutId: string, change: WorkoutChange): LoadWhatIf | null {
  const current = inputs.planWorkouts?.find((w) => w.id === workoutId && w.deleted !== true);
  if (!current) return null;
  const set = Object.fromEntries(Object.entries(change).filter(([field, value]) => value !== undefined && JSON.stringify((current as unknown as Record<string, unknown>)[field]) !== JSON.stringify(value)));
  return Object.keys(set).length ? loadWhatIf(inputs, [{ workout_id: workoutId, set }]) : null;
}

/** A coach proposal's diff as edits: each field's `after`. */
export function proposalEdits(diff: readonly { workout_id: string; fields: readonly { field: string; after: unknown }[] }[]): WorkoutEdit[] {
  return diff.map((d) => ({ workout_id: d.workout_id, set: Object.fromEntries(d.fields.map((f) => [f.field, f.after])) }));
}
