import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { HealthReport, Plan } from '#shared/schema/plan.ts';
import type { WorkoutStructure, WorkoutType } from '#shared/schema/workout.ts';
import { adaptPlan } from '#shared/training/adapt.ts';
import type { Executor } from '../db/database.ts';
import { goals, trainingPlans, userProfiles, workoutCompletions, workouts } from '../db/schema.ts';
import { AppError } from '../lib/errors.ts';
import { engineGoal } from '../goals/goals.ts';
import { getProfile } from '../profile/profile.ts';
import { applyFields, type WriteStamp } from '../lib/write-stamp.ts';
import { engineProfile, fitnessRuns, runHistory } from '../profile/training-context.ts';
import { updateWorkout } from '../workouts/workouts.ts';
import { reevaluateActiveGoals } from '../goals/feasibility.ts';

/**
 * Re-plans the coming weeks of an active plan after missed workouts, a "not feeling 100%"
 * report or runs well off plan. The past is never touched, workouts the runner edited are
 * kept, and every change lands in the workouts' history as a `system` edit with its reason.
 */
export async function adaptActivePlan(
  db: Executor,
  userId: string,
  planId: string,
  report: HealthReport | undefined,
  stamp: WriteStamp,
  options: { preview?: boolean; requestId?: string } = {},
) {
  // Locked for the transaction: two sends of one acceptance (a retry after a lost answer) queue
  // here, and the second finds the first's request id below.
  const [planRow] = await db
    .select()
    .from(trainingPlans)
    .where(and(eq(trainingPlans.id, planId), eq(trainingPlans.user_id, userId)))
    .for('update');
  if (!planRow) throw AppError.notFound('The plan');
  const made = (planRow.generation_context as { adaptations?: { request_id?: string }[] }).adaptations ?? [];
  // An acceptance already made is answered as made, never re-planned a second time.
  if (options.requestId && made.some((a) => a.request_id === options.requestId)) return { changed: false, reasons: [], violations: [], replayed: true };
  if (planRow.status !== 'active') throw new AppError('plan_archived', { message: 'Only your active plan can be adapted.' });
  const [goal] = planRow.goal_id ? await db.select().from(goals).where(eq(goals.id, planRow.goal_id)) : [];
  if (!goal) throw new AppError('plan_without_goal', { message: 'This plan has no goal any more; make a new plan instead.' });
  const profileRow = await getProfile(db, userId);
  const rows = await db
    .select()
    .from(workouts)
    .where(and(eq(workouts.training_plan_id, planId), eq(workouts.user_id, userId), eq(workouts.deleted, false)));
  const done = await db.select().from(workoutCompletions).where(eq(workoutCompletions.user_id, userId));
  const history = [
    ...(await runHistory(db, userId, stamp.today, 60)),
    // Completions the runner logged by hand count as runs of the planned size.
    ...done
      .filter((c) => c.completion_status === 'completed' && c.strava_activity_id === null)
      .flatMap((c) => {
        const w = rows.find((x) => x.id === c.workout_id);
        return w ? [{ date: w.scheduled_date, distance_meters: c.distance_meters ?? w.estimated_distance_meters ?? 0, workout_id: w.id }] : [];
      }),
  ];
  const plan: Plan = {
    methodology: planRow.methodology as Plan['methodology'],
    goal: engineGoal(goal),
    start_date: planRow.start_date,
    end_date: planRow.end_date,
    vdot: planRow.vdot ?? 0,
    vdot_source: (planRow.generation_context as { vdot_source?: Plan['vdot_source'] }).vdot_source ?? 'easy_pace',
    phases: planRow.phases as Plan['phases'],
    weeks: planRow.weeks as Plan['weeks'],
    reason: planRow.reason ?? '',
    workouts: rows.map((w) => ({
      id: w.id,
      scheduled_date: w.scheduled_date,
      week_index: w.week_index ?? 0,
      workout_type: w.workout_type as WorkoutType,
      title: w.title,
      structure: w.structure as WorkoutStructure,
      estimated_distance_meters: w.estimated_distance_meters ?? 0,
      estimated_duration_minutes: w.estimated_duration_minutes ?? 0,
      reason: w.reason ?? '',
      edited_by_user: w.edited_by_user,
    })),
  };
  const result = adaptPlan({
    plan,
    profile: engineProfile(profileRow, await fitnessRuns(db, userId, stamp.today)),
    today: stamp.today,
    history,
    ...(report ? { report } : {}),
    newId: randomUUID,
  });
  if (!result.changed) return { changed: false, reasons: [], violations: result.violations };
  // A preview writes nothing: the device shows what the re-plan does (its what-if) before the runner accepts.
  if (options.preview) {
    const fields = ['scheduled_date', 'workout_type', 'title', 'structure', 'estimated_distance_meters', 'estimated_duration_minutes'] as const;
    return {
      changed: true,
      reasons: result.reasons,
      violations: result.violations,
      preview: {
        workouts: result.plan.workouts.map((w) => ({ id: w.id, ...Object.fromEntries(fields.map((f) => [f, w[f]])) })),
        removed_workout_ids: result.removed_workout_ids,
      },
    };
  }

  const reason = result.reasons.join(' ');
  for (const id of result.removed_workout_ids) {
    await updateWorkout(db, userId, id, { deleted: true, edit_reason: reason }, stamp, 'system');
  }
  const existing = new Map(rows.map((w) => [w.id, w]));
  for (const w of result.plan.workouts) {
    const before = existing.get(w.id);
    if (!before) {
      await db.insert(workouts).values({
        id: w.id,
        user_id: userId,
        training_plan_id: planId,
        scheduled_date: w.scheduled_date,
        week_index: w.week_index,
        workout_type: w.workout_type,
        title: w.title,
        structure: w.structure,
        estimated_distance_meters: w.estimated_distance_meters,
        estimated_duration_minutes: Math.round(w.estimated_duration_minutes),
        reason: w.reason,
        created_at: stamp.now,
        updated_at: stamp.now,
      });
    } else if (
      JSON.stringify([before.structure, before.scheduled_date, before.workout_type, before.title]) !==
      JSON.stringify([w.structure, w.scheduled_date, w.workout_type, w.title])
    ) {
      await updateWorkout(
        db,
        userId,
        w.id,
        { structure: w.structure, scheduled_date: w.scheduled_date, workout_type: w.workout_type, title: w.title, edit_reason: reason },
        stamp,
        'system',
      );
    }
  }
  const adaptations = [
    ...((planRow.generation_context as { adaptations?: unknown[] }).adaptations ?? []),
    { at: stamp.now.toISOString(), reasons: result.reasons, report: report ?? null, ...(options.requestId ? { request_id: options.requestId } : {}) },
  ];
  await db
    .update(trainingPlans)
    .set({
      weeks: result.plan.weeks,
      phases: result.plan.phases,
      generation_context: { ...(planRow.generation_context as object), adaptations },
      updated_at: stamp.now,
    })
    .where(eq(trainingPlans.id, planId));
  if (result.profile.injury_notes !== profileRow.injury_notes) {
    const { set, fieldHlc } = applyFields(profileRow.field_hlc, { injury_notes: result.profile.injury_notes ?? null }, stamp);
    await db
      .update(userProfiles)
      .set({ ...set, field_hlc: fieldHlc, updated_at: stamp.now })
      .where(eq(userProfiles.user_id, userId));
  }
  // After any comeback the goal is judged again (docs/TRAINING.md §Adapting); race-pace targets follow
  // from that judgement wherever they are shown (raceDayPace).
  await reevaluateActiveGoals(db, userId, stamp.now);
  return { changed: true, reasons: result.reasons, violations: result.violations };
}
