import { and, asc, eq, gte, isNull, lte, or } from 'drizzle-orm';
import type { Violation } from '#shared/schema/plan.ts';
import type { WorkoutUpdate } from '#shared/schema/workout-request.ts';
import { estimateWorkout } from '#shared/training/estimate.ts';
import { checkPlan, newFindings } from '#shared/training/guardrails.ts';
import { runnerPaces } from '#shared/training/timeline.ts';
import type { WorkoutStructure } from '#shared/schema/workout.ts';
import type { Executor } from '../db/database.ts';
import { goals, trainingPlans, workoutEdits, workouts } from '../db/schema.ts';
import { AppError } from '../lib/errors.ts';
import { engineGoal } from '../goals/goals.ts';
import { goalFor, planGoals } from '../goals/plan-goal.ts';
import { getProfile } from '../profile/profile.ts';
import { applyFields, type WriteStamp } from '../lib/write-stamp.ts';
import { engineProfile, fitnessRuns, runHistory } from '../profile/training-context.ts';

export type WorkoutRow = typeof workouts.$inferSelect;
export type EditedBy = 'user' | 'coach' | 'system';

/** The workout as the API shows it. */
export function publicWorkout(row: WorkoutRow) {
  return {
    id: row.id,
    training_plan_id: row.training_plan_id,
    scheduled_date: row.scheduled_date,
    week_index: row.week_index,
    workout_type: row.workout_type,
    description: row.description,
    title: row.title,
    structure: row.structure as WorkoutStructure,
    estimated_distance_meters: row.estimated_distance_meters,
    estimated_duration_minutes: row.estimated_duration_minutes,
    reason: row.reason,
    status: row.status,
    rpe: row.rpe,
    notes: row.notes,
    edited_by_user: row.edited_by_user,
    updated_at: row.updated_at.toISOString(),
  };
}

/** The runner's workouts of active plans between two dates, inclusive. */
export async function listWorkouts(db: Executor, userId: string, from: string, to: string): Promise<WorkoutRow[]> {
  const rows = await db
    .select({ workout: workouts })
    .from(workouts)
    .leftJoin(trainingPlans, eq(trainingPlans.id, workouts.training_plan_id))
    .where(
      and(
        eq(workouts.user_id, userId),
        eq(workouts.deleted, false),
        gte(workouts.scheduled_date, from),
        lte(workouts.scheduled_date, to),
        or(isNull(workouts.training_plan_id), eq(trainingPlans.status, 'active')),
      ),
    )
    .orderBy(asc(workouts.scheduled_date));
  return rows.map((r) => r.workout);
}

/**
 * One of the runner's workouts; 404 for anyone else's. A deleted one is a 404 too, except for
 * sync, where an offline edit of a workout deleted elsewhere still lands in its history (docs/SYNC.md §T9).
 */
export async function getWorkout(db: Executor, userId: string, id: string, options: { includeDeleted?: boolean } = {}): Promise<WorkoutRow> {
  const [row] = await db
    .select()
    .from(workouts)
    .where(and(eq(workouts.id, id), eq(workouts.user_id, userId)));
  if (!row || (row.deleted && !options.includeDeleted)) throw AppError.notFound('The workout');
  return row;
}

const TRACKED = ['structure', 'scheduled_date', 'title', 'workout_type', 'description', 'notes', 'deleted'] as const;

/**
 * Changes a workout field by field (last writer wins). Every change, and every value that
 * lost to a newer one, is written to the edit history. A change that breaks a guardrail of
 * the plan (hard) is refused with the reasons; soft ones come back as warnings.
 */
export async function updateWorkout(
  db: Executor,
  userId: string,
  id: string,
  update: WorkoutUpdate & { deleted?: boolean },
  stamp: WriteStamp,
  editedBy: EditedBy,
  options: { includeDeleted?: boolean } = {},
) {
  const row = await getWorkout(db, userId, id, options);
  const { edit_reason: editReason, ...fields } = update;
  const { set, fieldHlc, lost } = applyFields(row.field_hlc, fields, stamp);
  // A `system` edit applies a plan already checked as a whole (adaptation); re-checking each
  // step would judge half-applied states.
  const warnings =
    editedBy !== 'system' && !row.deleted && !set.deleted && Object.keys(set).some((key) => key === 'structure' || key === 'scheduled_date')
      ? await guardrailsAfter(db, userId, row, set, stamp.today)
      : [];
  // A workout turned into rest (a poor morning's swap) plans no distance or time, whatever its old steps said.
  const planned =
    set.workout_type === 'rest'
      ? { estimated_distance_meters: null, estimated_duration_minutes: null }
      : set.structure
        ? await estimateFor(db, userId, row.training_plan_id, set.structure, stamp.today)
        : null;
  const updated = Object.keys(set).length
    ? (
        await db
          .update(workouts)
          .set({
            ...set,
            ...(planned ?? {}),
            field_hlc: fieldHlc,
            updated_at: stamp.now,
            ...(editedBy === 'user' ? { edited_by_user: true } : {}),
          })
          .where(and(eq(workouts.id, id), eq(workouts.user_id, userId)))
          .returning()
      )[0]!
    : row;
  const edits = [
    ...TRACKED.filter((key) => key in set).map((key) => ({ field: key, previous: row[key], next: set[key], won: true })),
    ...TRACKED.filter((key) => lost.includes(key)).map((key) => ({ field: key, previous: row[key], next: fields[key], won: false })),
  ];
  if (edits.length) {
    await db.insert(workoutEdits).values(
      edits.map((edit) => ({
        user_id: userId,
        workout_id: id,
        edited_by: editedBy,
        // The seed's record: the whole structure either side of this edit, the same on every row it wrote.
        previous_structure: row.structure,
        new_structure: updated.structure,
        field: edit.field,
        previous_value: edit.previous ?? null,
        new_value: edit.next ?? null,
        // A losing value keeps the runner's own words; `won: false` already says it lost.
        edit_reason: editReason ?? null,
        won: edit.won,
        created_at: stamp.now,
      })),
    );
  }
  return { workout: updated, warnings };
}

/** The estimate of a new structure with the runner's paces, as the row's planned figures. */
async function estimateFor(db: Executor, userId: string, planId: string | null, structure: WorkoutStructure, today: string) {
  const profile = await getProfile(db, userId);
  if (profile.easy_pace_per_mile_seconds === null) return null;
  // Race-pace steps are sized at the plan's goal pace, as the runner's targets show them.
  const { paces } = runnerPaces(engineProfile(profile, await fitnessRuns(db, userId, today)), goalFor(await planGoals(db, userId), planId), today);
  const estimate = estimateWorkout(structure, paces);
  return { estimated_distance_meters: estimate.distance_meters, estimated_duration_minutes: Math.round(estimate.duration_seconds / 60) };
}

/** Checks the plan as it would be after the change; refuses new hard violations. */
async function guardrailsAfter(db: Executor, userId: string, row: WorkoutRow, set: Partial<WorkoutRow>, today: string): Promise<Violation[]> {
  if (!row.training_plan_id) return [];
  const [plan] = await db
    .select()
    .from(trainingPlans)
    .where(and(eq(trainingPlans.id, row.training_plan_id), eq(trainingPlans.user_id, userId)));
  if (!plan || plan.status !== 'active') return [];
  const [goal] = plan.goal_id ? await db.select().from(goals).where(eq(goals.id, plan.goal_id)) : [];
  const profileRow = await getProfile(db, userId);
  if (profileRow.easy_pace_per_mile_seconds === null) return [];
  const siblings = await db
    .select()
    .from(workouts)
    .where(and(eq(workouts.training_plan_id, plan.id), eq(workouts.deleted, false)));
  // The plan's methodology sets its long-run caps (docs/TRAINING.md): without it an edit to a
  // Pfitzinger or 80/20 plan would be judged by Daniels' 30%/150-min cap.
  const asPlan = (list: WorkoutRow[]) => ({
    start_date: plan.start_date,
    methodology: plan.methodology,
    weeks: plan.weeks as never,
    workouts: list.map((w) => ({ id: w.id, scheduled_date: w.scheduled_date, workout_type: w.workout_type, structure: w.structure })),
  });
  const ctx = {
    profile: engineProfile(profileRow, await fitnessRuns(db, userId, today)),
    goal: goal ? engineGoal(goal) : null,
    today,
    history: await runHistory(db, userId, today),
    units: profileRow.units,
  };
  const after = checkPlan(asPlan(siblings.map((w) => (w.id === row.id ? ({ ...w, ...set } as WorkoutRow) : w))), ctx);
  const fresh = newFindings(checkPlan(asPlan(siblings), ctx), after);
  const hard = fresh.filter((v) => v.severity === 'hard');
  if (hard.length) {
    throw new AppError('guardrail_violation', {
      message: `This change would break your plan's safety rules: ${hard[0]!.reason}`,
      issues: hard.map((v) => ({ path: v.rule, message: v.reason })),
    });
  }
  return fresh;
}

/** The workout's edit history, oldest first. */
export async function listEdits(db: Executor, userId: string, workoutId: string) {
  await getWorkout(db, userId, workoutId);
  const rows = await db
    .select()
    .from(workoutEdits)
    .where(and(eq(workoutEdits.workout_id, workoutId), eq(workoutEdits.user_id, userId)))
    .orderBy(asc(workoutEdits.created_at));
  return rows.map((row) => ({
    id: row.id,
    edited_by: row.edited_by,
    previous_structure: row.previous_structure,
    new_structure: row.new_structure,
    field: row.field,
    previous_value: row.previous_value,
    new_value: row.new_value,
    edit_reason: row.edit_reason,
    won: row.won,
    created_at: row.created_at.toISOString(),
  }));
}
