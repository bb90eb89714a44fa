import { and, eq } from 'drizzle-orm';
import { goalFromRow, type Goal } from '#shared/schema/goal.ts';
import { defaultGoalTitle, type GoalCreate, type GoalUpdate } from '#shared/schema/goal-request.ts';
import type { Executor } from '../db/database.ts';
import { goals, trainingPlans } from '../db/schema.ts';
import { AppError, idTaken } from '../lib/errors.ts';
import { applyFields, serverWriteHlc, type WriteStamp } from '../lib/write-stamp.ts';
import { judgeSavedGoals } from './feasibility.ts';

export type GoalRow = typeof goals.$inferSelect;

/** The goal as the API shows it. */
export function publicGoal(row: GoalRow) {
  return {
    id: row.id,
    goal_type: row.goal_type,
    title: row.title,
    description: row.description,
    target_race_distance_meters: row.target_race_distance_meters,
    target_race_date: row.target_race_date,
    target_time_seconds: row.target_time_seconds,
    target_weekly_mileage_miles: row.target_weekly_mileage_miles,
    end_date: row.end_date,
    status: row.status,
    flagged_reason: row.flagged_reason,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/** The engine's view of a goal row. */
export function engineGoal(row: GoalRow): Goal {
  return goalFromRow(row);
}

/** The user's goals (not deleted), newest first. */
export async function listGoals(db: Executor, userId: string): Promise<GoalRow[]> {
  const rows = await db
    .select()
    .from(goals)
    .where(and(eq(goals.user_id, userId), eq(goals.deleted, false)));
  return rows.sort((a, b) => b.created_at.getTime() - a.created_at.getTime());
}

/** One of the user's goals; 404 for anyone else's, or a deleted one. */
export async function getGoal(db: Executor, userId: string, id: string): Promise<GoalRow> {
  const [row] = await db
    .select()
    .from(goals)
    .where(and(eq(goals.id, id), eq(goals.user_id, userId), eq(goals.deleted, false)));
  if (!row) throw AppError.notFound('The goal');
  return row;
}

/** Creates a goal; a race must be in the future. `id` lets a device choose it (sync). */
export async function createGoal(db: Executor, userId: string, input: GoalCreate, stamp: WriteStamp, id?: string): Promise<GoalRow> {
  const [row] = await createGoals(db, userId, [{ input, stamp, id }]);
  return row!;
}

/**
 * Creates several goals in one statement (a device's batch of goal.create mutations). All or
 * nothing: one refused goal refuses the call, and the caller finds which by creating them one
 * at a time.
 */
export async function createGoals(db: Executor, userId: string, items: { input: GoalCreate; stamp: WriteStamp; id?: string }[]): Promise<GoalRow[]> {
  const values = items.map(({ input, stamp, id }) => {
    if (input.goal_type === 'race' && input.target_race_date <= stamp.today) {
      throw new AppError('race_date_in_past', {
        message: 'The race date must be after today.',
        issues: [{ path: 'target_race_date', message: 'must be after today' }],
      });
    }
    const fields = {
      goal_type: input.goal_type,
      title: input.title ?? defaultGoalTitle(input),
      ...(input.goal_type === 'race'
        ? {
            target_race_distance_meters: input.target_race_distance_meters,
            target_race_date: input.target_race_date,
            target_time_seconds: input.target_time_seconds ?? null,
          }
        : { target_weekly_mileage_miles: input.target_weekly_mileage_miles, end_date: input.end_date ?? null }),
    };
    const hlc = stamp.hlc ?? serverWriteHlc({}, stamp.now.getTime());
    const fieldHlc = Object.fromEntries(Object.keys(fields).map((key) => [key, hlc]));
    return { ...(id ? { id } : {}), user_id: userId, ...fields, field_hlc: fieldHlc, created_at: stamp.now, updated_at: stamp.now };
  });
  const rows = await db.insert(goals).values(values).onConflictDoNothing({ target: goals.id }).returning();
  // Yours or another runner's: the same answer (issue 15, I3).
  if (rows.length < values.length) throw idTaken();
  // Judged the moment it is saved (issue 18 §14): a sub-2:00 marathon in 4 weeks is flagged at once.
  return judgeSavedGoals(db, userId, rows, items[0]!.stamp.now);
}

/** Applies a partial update, field by field, last writer wins (docs/SYNC.md §Conflicts). */
export async function updateGoal(db: Executor, userId: string, id: string, update: GoalUpdate, stamp: WriteStamp): Promise<GoalRow> {
  const row = await getGoal(db, userId, id);
  const raceOnly = ['target_race_distance_meters', 'target_race_date', 'target_time_seconds'];
  const mileageOnly = ['target_weekly_mileage_miles', 'end_date'];
  const wrong = Object.keys(update).filter((key) => (row.goal_type === 'race' ? mileageOnly : raceOnly).includes(key));
  if (wrong.length > 0) {
    throw new AppError('field_not_for_goal_type', {
      message: `A ${row.goal_type} goal has no ${wrong.join(', ')}.`,
      issues: wrong.map((path) => ({ path, message: `not a field of a ${row.goal_type} goal` })),
    });
  }
  const { set, fieldHlc } = applyFields(row.field_hlc, update, stamp);
  if (Object.keys(set).length === 0) return row;
  const [updated] = await db
    .update(goals)
    .set({ ...set, field_hlc: fieldHlc, updated_at: stamp.now })
    .where(and(eq(goals.id, id), eq(goals.user_id, userId)))
    .returning();
  // An archived (abandoned) or completed goal takes its plan with it: no plan trains for a goal
  // the runner left. A change to what the goal asks is judged again at once.
  if (set.status === 'abandoned' || set.status === 'completed') await archivePlansOf(db, userId, id, stamp.now);
  const asks = ['target_race_distance_meters', 'target_race_date', 'target_time_seconds', 'target_weekly_mileage_miles', 'end_date', 'status'];
  if (Object.keys(set).some((key) => asks.includes(key))) return (await judgeSavedGoals(db, userId, [updated!], stamp.now))[0]!;
  return updated!;
}

/** Archives the goal's active plans (with its deletion or archiving). */
async function archivePlansOf(db: Executor, userId: string, goalId: string, now: Date): Promise<void> {
  await db
    .update(trainingPlans)
    .set({ status: 'archived', updated_at: now })
    .where(and(eq(trainingPlans.goal_id, goalId), eq(trainingPlans.user_id, userId), eq(trainingPlans.status, 'active')));
}

/** Deletes a goal (a tombstone, so offline devices learn of it) and archives its plans. */
export async function deleteGoal(db: Executor, userId: string, id: string, stamp: WriteStamp): Promise<void> {
  const row = await getGoal(db, userId, id);
  const { set, fieldHlc } = applyFields(row.field_hlc, { deleted: true }, stamp);
  if (Object.keys(set).length === 0) return;
  await db
    .update(goals)
    .set({ deleted: true, field_hlc: fieldHlc, updated_at: stamp.now })
    .where(and(eq(goals.id, id), eq(goals.user_id, userId)));
  await archivePlansOf(db, userId, id, stamp.now);
}
