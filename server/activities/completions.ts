import { and, eq } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { workoutCompletions, workouts } from '../db/schema.ts';
import type { WriteStamp } from '../lib/write-stamp.ts';
import { getWorkout } from '../workouts/workouts.ts';
import { reevaluateActiveGoals } from '../goals/feasibility.ts';

export interface CompletionInput {
  completion_id: string;
  status: 'completed' | 'skipped';
  rpe?: number | null | undefined;
  notes?: string | null | undefined;
  distance_meters?: number | null | undefined;
  duration_seconds?: number | null | undefined;
}

/**
 * Marks a workout done or skipped by the runner, with how it felt (RPE 1–10) and notes. One
 * completion per workout: marking again replaces the earlier verdict (the runner changed their mind).
 */
export async function recordCompletion(db: Executor, userId: string, workoutId: string, input: CompletionInput, stamp: WriteStamp): Promise<void> {
  await getWorkout(db, userId, workoutId);
  const values = {
    completion_status: input.status,
    rpe: input.rpe ?? null,
    notes: input.notes ?? null,
    distance_meters: input.distance_meters ?? null,
    duration_seconds: input.duration_seconds ?? null,
    updated_at: stamp.now,
  };
  await db
    .insert(workoutCompletions)
    .values({ id: input.completion_id, user_id: userId, workout_id: workoutId, created_at: stamp.now, ...values })
    .onConflictDoUpdate({ target: workoutCompletions.workout_id, set: values });
  await db
    .update(workouts)
    .set({ status: input.status, rpe: input.rpe ?? null, updated_at: stamp.now })
    .where(and(eq(workouts.id, workoutId), eq(workouts.user_id, userId)));
  await reevaluateActiveGoals(db, userId, stamp.now);
}
