import type Anthropic from '@anthropic-ai/sdk';
import { and, asc, desc, eq, gte, lte } from 'drizzle-orm';
import { z } from 'zod';
import { WorkoutChangeSchema, type Proposal } from '#shared/schema/coach.ts';
import { IsoDateSchema } from '#shared/schema/goal.ts';
import type { PlanWeek } from '#shared/schema/plan.ts';
import { addDays, daysBetween } from '#shared/training/dates.ts';
import { toIssues } from '#shared/schema/issues.ts';
import type { Executor } from '../db/database.ts';
import { trainingPlans, workouts } from '../db/schema.ts';
import type { WorkoutRow } from '../workouts/workouts.ts';
import { inputSchema } from './claude/client.ts';
import type { Fmt } from './context-blocks.ts';
import { aiWorkoutStatus, allowedActivities, allowedCompletions, withheldWorkoutIds } from './policy.ts';
import { proposeChange } from './proposals.ts';

// The coach's tools. Every one reads or proposes for the signed-in runner only: the user id is
// fixed when the toolbox is made, and no tool input names a user (the schemas are strict, so
// an input carrying `user_id` is refused). An id of anyone else's workout is simply not found.

/** The signed-in runner a toolbox works for (fixed when it is made). */
export interface ToolEnv {
  db: Executor;
  userId: string;
  now: Date;
  today: string;
  dataInAi: boolean;
  fmt: Fmt;
}

/** A tool's answer for the model, and the proposal it made, if any. */
export interface ToolOutcome {
  content: string;
  isError?: boolean;
  proposal?: Proposal;
}

const GetWorkouts = z.object({ from: IsoDateSchema, to: IsoDateSchema }).strict();
const GetWorkout = z.object({ workout_id: z.string().min(1).max(100) }).strict();
const GetHistory = z.object({ days: z.number().int().min(1).max(365).optional() }).strict();
const Empty = z.object({}).strict();

const SPECS = {
  get_plan: { schema: Empty, description: "The runner's active training plan: dates, methodology, and each week's phase and volume." },
  get_workouts: {
    schema: GetWorkouts,
    description: "The runner's planned workouts between two dates (YYYY-MM-DD, at most 62 days apart), with ids, steps and status.",
  },
  get_workout: { schema: GetWorkout, description: "One of the runner's workouts by id, with its steps, status and notes." },
  get_history: {
    schema: GetHistory,
    description: 'What the runner did in the last `days` days (default 28): completed workouts with their RPE and notes, and logged runs.',
  },
  propose_change: {
    schema: WorkoutChangeSchema,
    description:
      'Proposes a change to one coming workout for the runner to accept or reject: move (new_date), shorten (fraction of it to keep, 0.3–0.95), swap (its day with other_workout_id), rest (make the day a rest day), easy (turn it into an easy run). The change is checked against the guardrails first; nothing changes until the runner accepts.',
  },
} as const;

type ToolName = keyof typeof SPECS;

/** The tool definitions sent to Claude. */
export function coachTools(): Anthropic.Tool[] {
  return (Object.keys(SPECS) as ToolName[]).map((name) => ({ name, description: SPECS[name].description, input_schema: inputSchema(SPECS[name].schema) }));
}

const MAX_RESULT_CHARS = 12_000;

function result(value: unknown): ToolOutcome {
  const json = JSON.stringify(value);
  return { content: json.length > MAX_RESULT_CHARS ? `${json.slice(0, MAX_RESULT_CHARS)}… (cut: ask for a shorter range)` : json };
}

function failure(code: string, message: string, extra: Record<string, unknown> = {}): ToolOutcome {
  return { content: JSON.stringify({ error: code, message, ...extra }), isError: true };
}

/** Runs one tool call for the runner of `env`; bad input and unknown ids come back as tool errors. */
export async function runTool(env: ToolEnv, name: string, input: unknown): Promise<ToolOutcome> {
  if (!(name in SPECS)) return failure('unknown_tool', `There is no tool called ${name}.`);
  const parsed = SPECS[name as ToolName].schema.safeParse(input);
  if (!parsed.success) return failure('invalid_input', 'The tool input is not valid.', { issues: toIssues(parsed.error) });
  const args = parsed.data as Record<string, unknown>;
  switch (name as ToolName) {
    case 'get_plan':
      return getPlan(env);
    case 'get_workouts': {
      const { from, to } = args as z.infer<typeof GetWorkouts>;
      if (to < from || daysBetween(from, to) > 62) return failure('invalid_input', '`to` must be on or after `from`, at most 62 days later.');
      return listWorkouts(env, from, to);
    }
    case 'get_workout':
      return getWorkout(env, (args as z.infer<typeof GetWorkout>).workout_id);
    case 'get_history':
      return getHistory(env, (args as z.infer<typeof GetHistory>).days ?? 28);
    case 'propose_change': {
      const outcome = await proposeChange(env, WorkoutChangeSchema.parse(args));
      if (!outcome.ok) return failure(outcome.code, outcome.message, outcome.violations ? { violations: outcome.violations } : {});
      const p = outcome.proposal;
      // workout_updated_at stays out: a matcher's write (maybe from Strava) sets it.
      const changes = p.diff.map((d) => ({ workout_id: d.workout_id, title: d.title, scheduled_date: d.scheduled_date, fields: d.fields }));
      return {
        ...result({ proposal_id: p.id, status: 'waiting for the runner to accept or reject', changes, warnings: p.warnings.map((w) => w.reason) }),
        proposal: p,
      };
    }
  }
}

function workoutJson(env: ToolEnv, w: WorkoutRow, withheld: Set<string>) {
  return {
    id: w.id,
    date: env.fmt.day(w.scheduled_date),
    workout_type: w.workout_type,
    title: w.title,
    planned: [
      w.estimated_distance_meters ? env.fmt.dist(w.estimated_distance_meters) : null,
      w.estimated_duration_minutes ? env.fmt.dur(w.estimated_duration_minutes * 60) : null,
    ]
      .filter(Boolean)
      .join(', '),
    steps: env.fmt.structure(w.structure),
    status: aiWorkoutStatus(w, withheld),
    ...(w.rpe ? { rpe: w.rpe } : {}),
    ...(w.notes ? { notes: w.notes } : {}),
    ...(w.edited_by_user ? { edited_by_runner: true } : {}),
  };
}

async function activePlan(env: ToolEnv) {
  const [plan] = await env.db
    .select()
    .from(trainingPlans)
    .where(and(eq(trainingPlans.user_id, env.userId), eq(trainingPlans.status, 'active')))
    .orderBy(desc(trainingPlans.created_at))
    .limit(1);
  return plan ?? null;
}

async function getPlan(env: ToolEnv): Promise<ToolOutcome> {
  const plan = await activePlan(env);
  if (!plan) return result({ plan: null, message: 'The runner has no active plan.' });
  const weeks = (plan.weeks as PlanWeek[]).map((w) => ({
    week: w.index + 1,
    from: w.start_date,
    phase: w.phase,
    volume: `${env.fmt.dist(w.estimated_distance_meters)}, ${env.fmt.dur(w.estimated_duration_minutes * 60)}`,
    ...(w.is_recovery ? { recovery: true } : {}),
    ...(w.is_taper ? { taper: true } : {}),
  }));
  return result({ methodology: plan.methodology, start_date: plan.start_date, end_date: plan.end_date, vdot: plan.vdot, reason: plan.reason, weeks });
}

async function listWorkouts(env: ToolEnv, from: string, to: string): Promise<ToolOutcome> {
  const plan = await activePlan(env);
  if (!plan) return result({ workouts: [] });
  const rows = await env.db
    .select()
    .from(workouts)
    .where(
      and(
        eq(workouts.user_id, env.userId),
        eq(workouts.training_plan_id, plan.id),
        eq(workouts.deleted, false),
        gte(workouts.scheduled_date, from),
        lte(workouts.scheduled_date, to),
      ),
    )
    .orderBy(asc(workouts.scheduled_date));
  const withheld = await withheldWorkoutIds(
    env.db,
    env.userId,
    env.dataInAi,
    rows.map((w) => w.id),
  );
  return result({ workouts: rows.map((w) => workoutJson(env, w, withheld)) });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function getWorkout(env: ToolEnv, id: string): Promise<ToolOutcome> {
  const notFound = failure('not_found', `There is no workout with id ${id} in this runner's plan.`);
  if (!UUID.test(id)) return notFound;
  const [row] = await env.db
    .select()
    .from(workouts)
    .where(and(eq(workouts.id, id), eq(workouts.user_id, env.userId), eq(workouts.deleted, false)));
  if (!row) return notFound;
  return result({ workout: workoutJson(env, row, await withheldWorkoutIds(env.db, env.userId, env.dataInAi, [row.id])) });
}

async function getHistory(env: ToolEnv, days: number): Promise<ToolOutcome> {
  const from = addDays(env.today, -days);
  const completions = await allowedCompletions(env.db, env.userId, from, env.today, env.dataInAi);
  const runs = await allowedActivities(env.db, env.userId, from, env.today, env.dataInAi);
  return result({
    completed_workouts: completions.map((c) => ({
      date: c.date,
      title: c.title,
      planned: env.fmt.dist(c.estimated_distance_meters),
      ...(c.withheld
        ? { outcome: 'not shared with the coach' }
        : {
            status: c.status,
            done: c.distance_meters ? env.fmt.dist(c.distance_meters) : undefined,
            time: c.duration_seconds ? env.fmt.dur(c.duration_seconds) : undefined,
          }),
      ...(c.rpe ? { rpe: c.rpe } : {}),
      ...(c.notes ? { notes: c.notes } : {}),
    })),
    runs: runs.reverse().map((r) => ({
      date: r.local_date,
      name: r.name,
      source: r.source,
      distance: env.fmt.dist(r.distance_meters),
      time: env.fmt.dur(r.moving_time_seconds),
      ...(r.average_heartrate ? { avg_hr: Math.round(r.average_heartrate) } : {}),
      ...(r.total_elevation_gain ? { climb_m: Math.round(r.total_elevation_gain) } : {}),
    })),
  });
}
