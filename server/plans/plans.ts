import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq } from 'drizzle-orm';
import { planTitle, type CompletedRun, type Methodology, type Plan, type TrainingProfile } from '#shared/schema/plan.ts';
import { tooFewDays } from '#shared/training/running-days.ts';
import { generatePlan } from '#shared/training/engine.ts';
import { checkPlan, isSavable } from '#shared/training/guardrails.ts';
import type { Database, Executor } from '../db/database.ts';
import { goals, trainingPlans, workouts } from '../db/schema.ts';
import { AppError } from '../lib/errors.ts';
import { engineGoal, getGoal, type GoalRow } from '../goals/goals.ts';
import { getProfile } from '../profile/profile.ts';
import { localDate } from '../lib/write-stamp.ts';
import { engineProfile, fitnessRuns, runHistory } from '../profile/training-context.ts';
import { publicWorkout } from '../workouts/workouts.ts';

export type PlanRow = typeof trainingPlans.$inferSelect;

/** The plan as the API shows it. */
export function publicPlan(row: PlanRow) {
  return {
    id: row.id,
    goal_id: row.goal_id,
    title: row.title,
    methodology: row.methodology,
    status: row.status,
    start_date: row.start_date,
    end_date: row.end_date,
    vdot: row.vdot,
    phases: row.phases,
    weeks: row.weeks,
    reason: row.reason,
    generation_context: row.generation_context,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

export interface GenerateRequest {
  goal_id: string;
  start_date?: string | undefined;
  methodology?: Methodology | undefined;
  /** Ask the coach (Claude) to adapt the engine's plan to the runner. */
  personalize?: boolean | undefined;
}

/** What a personaliser gets: the engine's checked plan and everything it was made from. */
export interface PersonalizeInput {
  userId: string;
  goal: GoalRow;
  profile: TrainingProfile;
  timeZone: string;
  enginePlan: Plan;
  methodology: Methodology;
  startDate: string;
  today: string;
  history: CompletedRun[];
}

/** Adapts an engine plan (the coach); returns the plan to save and what to add to generation_context. */
export type PlanPersonalizer = (input: PersonalizeInput) => Promise<{ plan: Plan; context: Record<string, unknown> }>;

/**
 * Builds a plan for one of the runner's goals with the rule engine, checks it against the
 * guardrails and saves it with its workouts in one transaction; the goal's earlier active
 * plan is archived, never rewritten (a device may be editing it offline).
 */
export async function generatePlanForGoal(db: Database, userId: string, request: GenerateRequest, now: Date, personalize?: PlanPersonalizer) {
  const goal = await getGoal(db, userId, request.goal_id);
  const profileRow = await getProfile(db, userId);
  const today = localDate(now, profileRow.time_zone);
  const profile = engineProfile(profileRow, await fitnessRuns(db, userId, today));
  const history = await runHistory(db, userId, today);
  const methodology = request.methodology ?? 'daniels';
  const startDate = request.start_date ?? today;
  // The engine would build a half marathon on 1 day a week (one long run, every week): refused first, with the rule.
  const fewDays = tooFewDays(engineGoal(goal), profile.days_available_per_week);
  if (fewDays) throw new AppError('plan_input_invalid', { message: fewDays, issues: [{ path: 'profile.days_available_per_week', message: fewDays }] });
  const result = generatePlan({ profile, goal: engineGoal(goal), start_date: startDate, today, methodology, newId: randomUUID, history });
  if (!result.ok) throw new AppError('plan_input_invalid', { message: 'A plan cannot be made from this goal and start date.', issues: result.issues });
  const violations = checkPlan(result.plan, { profile, goal: engineGoal(goal), today, history, units: profileRow.units });
  // The engine's own plans pass by construction (property-tested); a hard violation here is a bug.
  if (!isSavable(violations)) throw new Error(`engine plan failed its guardrails: ${JSON.stringify(violations)}`);
  let plan = result.plan;
  let extra: Record<string, unknown> = {};
  // Outside the transaction: the coach may take seconds, and PGlite has one connection.
  if (request.personalize && personalize) {
    ({ plan, context: extra } = await personalize({
      userId,
      goal,
      profile,
      timeZone: profileRow.time_zone,
      enginePlan: result.plan,
      methodology,
      startDate,
      today,
      history,
    }));
  }
  const context = {
    source: 'engine',
    methodology,
    inputs: { profile, goal: engineGoal(goal), start_date: startDate, today, runs_in_history: history.length },
    vdot: result.plan.vdot,
    vdot_source: result.plan.vdot_source,
    warnings: violations,
    generated_at: now.toISOString(),
    ...extra,
  };
  return db.transaction((tx) => savePlan(tx, userId, goal.id, plan, context, now));
}

/**
 * Saves a checked plan and its workouts; archives every earlier active plan of the runner, the
 * goal's and any other goal's: a runner follows one plan (issue 18 §5 found two active plans
 * after "Build a plan for it" on a second goal, when only the same goal's plan was archived).
 */
export async function savePlan(
  tx: Executor,
  userId: string,
  goalId: string,
  plan: Plan,
  context: Record<string, unknown>,
  now: Date,
  planId: string = randomUUID(),
) {
  await tx
    .update(trainingPlans)
    .set({ status: 'archived', updated_at: now })
    .where(and(eq(trainingPlans.user_id, userId), eq(trainingPlans.status, 'active')));
  const [goal] = await tx
    .select({ title: goals.title })
    .from(goals)
    .where(and(eq(goals.id, goalId), eq(goals.user_id, userId)));
  const [row] = await tx
    .insert(trainingPlans)
    .values({
      id: planId,
      user_id: userId,
      goal_id: goalId,
      title: planTitle(goal?.title ?? null, plan.methodology),
      methodology: plan.methodology,
      status: 'active',
      start_date: plan.start_date,
      end_date: plan.end_date,
      vdot: plan.vdot,
      phases: plan.phases,
      weeks: plan.weeks,
      reason: plan.reason,
      generation_context: context,
      created_at: now,
      updated_at: now,
    })
    .returning();
  const workoutRows = plan.workouts.length
    ? await tx
        .insert(workouts)
        .values(
          plan.workouts.map((w) => ({
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
            created_at: now,
            updated_at: now,
          })),
        )
        .returning()
    : [];
  return { plan: publicPlan(row!), workouts: workoutRows.sort((a, b) => a.scheduled_date.localeCompare(b.scheduled_date)).map(publicWorkout) };
}

/** The runner's plans, newest first. */
export async function listPlans(db: Executor, userId: string): Promise<PlanRow[]> {
  // Active first on a tie: a regeneration archives and creates within the same instant.
  return db.select().from(trainingPlans).where(eq(trainingPlans.user_id, userId)).orderBy(desc(trainingPlans.created_at), asc(trainingPlans.status));
}

/** One of the runner's plans with its workouts; 404 for anyone else's. */
export async function getPlanWithWorkouts(db: Executor, userId: string, id: string) {
  const [row] = await db
    .select()
    .from(trainingPlans)
    .where(and(eq(trainingPlans.id, id), eq(trainingPlans.user_id, userId)));
  if (!row) throw AppError.notFound('The plan');
  const rows = await db
    .select()
    .from(workouts)
    .where(and(eq(workouts.training_plan_id, id), eq(workouts.user_id, userId), eq(workouts.deleted, false)))
    .orderBy(asc(workouts.scheduled_date));
  return { plan: publicPlan(row), workouts: rows.map(publicWorkout) };
}

/**
 * Saves a plan the device generated (offline too) after checking it here like any other plan:
 * its goal must be the runner's and match, and it must pass the guardrails with what the
 * server knows (profile, runs). The earlier plan of the goal is archived.
 */
export async function saveDevicePlan(
  tx: Executor,
  userId: string,
  args: { plan_id: string; goal_id: string; plan: Plan },
  stamp: { now: Date; today: string },
) {
  const goal = await getGoal(tx, userId, args.goal_id);
  if (JSON.stringify(engineGoal(goal)) !== JSON.stringify(args.plan.goal)) {
    throw new AppError('plan_goal_changed', { message: 'The goal changed since this plan was made; make the plan again.' });
  }
  const profileRow = await getProfile(tx, userId);
  const profile = engineProfile(profileRow, await fitnessRuns(tx, userId, stamp.today));
  const history = await runHistory(tx, userId, stamp.today);
  const violations = checkPlan(args.plan, { profile, goal: args.plan.goal, today: stamp.today, history, units: profileRow.units });
  if (!isSavable(violations)) {
    const hard = violations.filter((v) => v.severity === 'hard');
    throw new AppError('guardrail_violation', {
      message: `This plan breaks a safety rule: ${hard[0]!.reason}`,
      issues: hard.map((v) => ({ path: v.rule, message: v.reason })),
    });
  }
  const context = {
    source: 'device',
    methodology: args.plan.methodology,
    inputs: { profile, goal: args.plan.goal, start_date: args.plan.start_date, today: stamp.today },
    vdot: args.plan.vdot,
    vdot_source: args.plan.vdot_source,
    warnings: violations,
    generated_at: stamp.now.toISOString(),
  };
  await savePlan(tx, userId, goal.id, args.plan, context, stamp.now, args.plan_id);
}
