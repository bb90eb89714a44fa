import { and, eq } from 'drizzle-orm';
import { goalFromRow, type Goal } from '#shared/schema/goal.ts';
import type { Executor } from '../db/database.ts';
import { goals, trainingPlans } from '../db/schema.ts';

// Which goal a workout trains for: what its `race` pace means (issue 18 §1, runnerPaces).

/** Each plan's goal (engine shape) by plan id, and the active plan's goal under `active`. */
export async function planGoals(db: Executor, userId: string): Promise<{ byPlan: Map<string, Goal>; active: Goal | null }> {
  const rows = await db
    .select({ plan: trainingPlans, goal: goals })
    .from(trainingPlans)
    .innerJoin(goals, eq(goals.id, trainingPlans.goal_id))
    .where(and(eq(trainingPlans.user_id, userId), eq(goals.deleted, false)));
  const byPlan = new Map(rows.map(({ plan, goal }) => [plan.id, goalFromRow(goal)]));
  const active = rows.filter(({ plan }) => plan.status === 'active').sort((a, b) => b.plan.created_at.getTime() - a.plan.created_at.getTime())[0];
  return { byPlan, active: active ? goalFromRow(active.goal) : null };
}

/** The goal a workout of plan `planId` trains for; a workout outside any plan takes the active plan's. */
export function goalFor(goalsOf: { byPlan: Map<string, Goal>; active: Goal | null }, planId: string | null): Goal | null {
  return (planId ? goalsOf.byPlan.get(planId) : undefined) ?? goalsOf.active;
}
