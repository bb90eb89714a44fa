import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { ProposalSchema, type Proposal, type WorkoutChange } from '#shared/schema/coach.ts';
import type { CompletedRun, Violation } from '#shared/schema/plan.ts';
import { checkPlan, newFindings } from '#shared/training/guardrails.ts';
import type { Database, Executor } from '../db/database.ts';
import { chatMessages, goals, trainingPlans, workouts } from '../db/schema.ts';
import type { ChatRow } from './chat-store.ts';
import { engineGoal } from '../goals/goals.ts';
import { getProfile } from '../profile/profile.ts';
import { serverStamp } from '../lib/write-stamp.ts';
import { engineProfile, fitnessRuns, runHistory } from '../profile/training-context.ts';
import { getWorkout, updateWorkout, type WorkoutRow } from '../workouts/workouts.ts';
import { AppError } from '../lib/errors.ts';
import { notifyProposalWaiting } from '../notifications/create.ts';
import { applyEdits, diffOf, planChange } from './changes.ts';
import { allowedHistory } from './policy.ts';

// A change the coach proposes is checked against the guardrails on the plan as it would be,
// then stored (with its chat message, which syncs to the phone) for the runner to accept or
// reject. Accepting applies it through updateWorkout(…, 'coach'), so the edit history says who.

/** Whose plan, when, and whether Strava data may be named to the model. */
export interface ProposalEnv {
  db: Executor;
  userId: string;
  now: Date;
  today: string;
  dataInAi: boolean;
}

/** A pending proposal, or the refusal the model is told about. */
export type ProposeResult = { ok: true; proposal: Proposal } | { ok: false; code: string; message: string; violations?: { rule: string; reason: string }[] };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks a change and returns it as a pending proposal; refused when it breaks a hard guardrail. */
export async function proposeChange(env: ProposalEnv, change: WorkoutChange): Promise<ProposeResult> {
  const { db, userId, today } = env;
  const notFound = (id: string): ProposeResult => ({ ok: false, code: 'not_found', message: `There is no workout with id ${id} in this runner's plan.` });
  if (!UUID.test(change.workout_id)) return notFound(change.workout_id);
  if (change.other_workout_id !== undefined && !UUID.test(change.other_workout_id)) return notFound(change.other_workout_id);
  let row: WorkoutRow;
  try {
    row = await getWorkout(db, userId, change.workout_id);
  } catch (error) {
    if (error instanceof AppError && error.status === 404) return notFound(change.workout_id);
    throw error;
  }
  const list = row.training_plan_id
    ? await db
        .select()
        .from(workouts)
        .where(and(eq(workouts.user_id, userId), eq(workouts.training_plan_id, row.training_plan_id), eq(workouts.deleted, false)))
    : [row];
  const outcome = planChange(change, list, today);
  if (!outcome.ok) return outcome;
  const check = await checkEdits(env, row.training_plan_id, list, applyEdits(list, outcome.edits));
  if (check.refused.length > 0) {
    return {
      ok: false,
      code: 'guardrail_violation',
      message: `This change would break the plan's safety rules: ${check.refused[0]!.reason}`,
      violations: check.refused,
    };
  }
  const proposal: Proposal = {
    id: randomUUID(),
    status: 'pending',
    change,
    diff: outcome.edits.map((edit) => ({
      workout_id: edit.workout.id,
      title: edit.workout.title,
      scheduled_date: edit.workout.scheduled_date,
      workout_updated_at: edit.workout.updated_at.toISOString(),
      fields: diffOf(edit),
    })),
    warnings: check.warnings,
    created_at: env.now.toISOString(),
    decided_at: null,
  };
  // Stored only with the coach's reply; the nudge checks at send time that it is still pending.
  await notifyProposalWaiting(db, userId, { id: proposal.id, kind: change.kind, title: row.title, date: row.scheduled_date, reason: change.reason }, env.now);
  return { ok: true, proposal };
}

/**
 * New violations the edited plan would have. The decision uses every run the runner did; the
 * words the model reads come from allowed sources only (docs/STRAVA.md §Policy), so a rule broken
 * only because of Strava runs is named without its numbers.
 */
async function checkEdits(env: ProposalEnv, planId: string | null, before: WorkoutRow[], after: WorkoutRow[]) {
  const none = { refused: [] as { rule: string; reason: string }[], warnings: [] as Violation[] };
  if (!planId) return none;
  const [plan] = await env.db
    .select()
    .from(trainingPlans)
    .where(and(eq(trainingPlans.id, planId), eq(trainingPlans.user_id, env.userId)));
  if (!plan || plan.status !== 'active') return none;
  const profileRow = await getProfile(env.db, env.userId);
  if (profileRow.easy_pace_per_mile_seconds === null || profileRow.current_weekly_mileage_miles === null || profileRow.days_available_per_week === null)
    return none;
  const [goal] = plan.goal_id
    ? await env.db
        .select()
        .from(goals)
        .where(and(eq(goals.id, plan.goal_id), eq(goals.user_id, env.userId)))
    : [];
  // The plan's methodology sets its long-run caps, as in server/workouts/workouts.ts.
  const asPlan = (list: WorkoutRow[]) => ({
    start_date: plan.start_date,
    methodology: plan.methodology,
    weeks: plan.weeks as never,
    workouts: list.map((w) => ({ id: w.id, scheduled_date: w.scheduled_date, workout_type: w.workout_type, structure: w.structure })),
  });
  const profile = engineProfile(profileRow, await fitnessRuns(env.db, env.userId, env.today));
  const fresh = (history: CompletedRun[]) => {
    const ctx = { profile, goal: goal ? engineGoal(goal) : null, today: env.today, history, units: profileRow.units };
    return newFindings(checkPlan(asPlan(before), ctx), checkPlan(asPlan(after), ctx));
  };
  const full = fresh(await runHistory(env.db, env.userId, env.today));
  const shown = env.dataInAi ? full : fresh(await allowedHistory(env.db, env.userId, env.today, false));
  const shownHard = shown.filter((v) => v.severity === 'hard');
  const hiddenHard = full.filter((v) => v.severity === 'hard' && !shownHard.some((s) => s.rule === v.rule));
  const refused = [
    ...shownHard.map((v) => ({ rule: v.rule, reason: v.reason })),
    ...hiddenHard.map((v) => ({ rule: v.rule, reason: `it breaks the ${v.rule.replaceAll('_', ' ')} rule given the runner's recent runs` })),
  ];
  return { refused, warnings: shown.filter((v) => v.severity === 'soft') };
}

/** The assistant message holding a proposal, locked for the decision. */
async function lockProposalMessage(tx: Executor, userId: string, proposalId: string): Promise<{ message: ChatRow; proposals: Proposal[]; index: number }> {
  const [message] = await tx
    .select()
    .from(chatMessages)
    .where(
      and(
        eq(chatMessages.user_id, userId),
        eq(chatMessages.role, 'assistant'),
        sql`${chatMessages.metadata} @> ${JSON.stringify({ proposals: [{ id: proposalId }] })}::jsonb`,
      ),
    )
    .for('update');
  const proposals = ((message?.metadata as { proposals?: unknown[] } | undefined)?.proposals ?? []).map((p) => ProposalSchema.parse(p));
  const index = proposals.findIndex((p) => p.id === proposalId);
  if (!message || index < 0) throw AppError.notFound('The proposal');
  return { message, proposals, index };
}

/** The runner's answer to a proposal. */
export type Decision = 'accept' | 'reject';

/**
 * The runner's answer to a proposal. Accepting applies every edit with editedBy 'coach' in one
 * transaction (the guardrails are checked again by updateWorkout); a workout changed since the
 * proposal makes it stale (409). Answering the same way twice returns the same result.
 */
export async function decideProposal(
  db: Database,
  userId: string,
  proposalId: string,
  decision: Decision,
  now: Date,
): Promise<{ proposal: Proposal; workouts: WorkoutRow[] }> {
  // PGlite has one connection: read the profile before the transaction takes it.
  const stamp = serverStamp(now, (await getProfile(db, userId)).time_zone);
  const result = await db.transaction(async (tx) => {
    const { message, proposals, index } = await lockProposalMessage(tx, userId, proposalId);
    const proposal = proposals[index]!;
    const wanted = decision === 'accept' ? 'accepted' : 'rejected';
    if (proposal.status === wanted) return { proposal, workouts: [] as WorkoutRow[], stale: false };
    if (proposal.status !== 'pending') {
      throw new AppError('proposal_decided', {
        message: `This proposal was already ${proposal.status === 'stale' ? 'overtaken by a later change' : proposal.status}.`,
      });
    }
    const changed: WorkoutRow[] = [];
    let status = wanted as Proposal['status'];
    if (decision === 'accept') {
      for (const d of proposal.diff) {
        const current = await getWorkout(tx, userId, d.workout_id, { includeDeleted: true });
        if (current.deleted || current.updated_at.toISOString() !== d.workout_updated_at) status = 'stale';
      }
      if (status === 'accepted') {
        for (const d of proposal.diff) {
          const set = Object.fromEntries(d.fields.map((f) => [f.field, f.after]));
          const { workout } = await updateWorkout(tx, userId, d.workout_id, { ...set, edit_reason: `Coach: ${proposal.change.reason}` }, stamp, 'coach');
          changed.push(workout);
        }
      }
    }
    const decided: Proposal = { ...proposal, status, decided_at: now.toISOString() };
    const next = proposals.map((p, i) => (i === index ? decided : p));
    await tx
      .update(chatMessages)
      .set({ metadata: { ...(message.metadata as Record<string, unknown>), proposals: next } })
      .where(and(eq(chatMessages.id, message.id), eq(chatMessages.user_id, userId)));
    return { proposal: decided, workouts: changed, stale: status === 'stale' };
  });
  if (result.stale) {
    throw new AppError('proposal_stale', {
      message: 'The workout changed after the coach proposed this, so the proposal no longer applies. Ask the coach again.',
    });
  }
  return { proposal: result.proposal, workouts: result.workouts };
}
