import { defaultGoalTitle } from '#shared/schema/goal-request.ts';
import { goalFromRow, type Feasibility } from '#shared/schema/goal.ts';
import type { TrainingProfile } from '#shared/schema/plan.ts';
import { assessGoal } from '#shared/training/feasibility.ts';
import { MUTATION_ARGS } from '#shared/sync/mutation-args.ts';
import type { ViewRow } from './db.ts';
import { defineMutation, setFields, type ApplyContext } from './define.ts';

// Goal mutations: the wire names and args of server/sync/mutations.ts, applied locally the
// way server/goals/goals.ts applies them, so the optimistic row is what the server will send.

/** A goal row as devices hold it (the wire row of `goals`). */
export interface GoalRow {
  id: string;
  user_id: string;
  goal_type: 'race' | 'mileage';
  title: string;
  description: string | null;
  target_race_distance_meters: number | null;
  target_race_date: string | null;
  target_time_seconds: number | null;
  target_weekly_mileage_miles: number | null;
  end_date: string | null;
  status: 'active' | 'completed' | 'abandoned' | 'flagged_unrealistic';
  flagged_reason: string | null;
  deleted: boolean;
  created_at: string;
  updated_at: string;
}

const RACE_ONLY = ['target_race_distance_meters', 'target_race_date', 'target_time_seconds'];
const MILEAGE_ONLY = ['target_weekly_mileage_miles', 'end_date'];
/** A goal the server would let this mutation touch: it exists and is not deleted. */
function liveGoal(ctx: ApplyContext, goalId: string): ViewRow | undefined {
  const row = ctx.get('goals', goalId);
  return row && row.deleted !== true ? row : undefined;
}

export const goalCreate = defineMutation({
  name: 'goal.create',
  v: 1,
  args: MUTATION_ARGS['goal.create@1'],
  keys: (args) => [{ entity: 'goals', key: args.id }],
  apply(ctx, { id: goalId, goal }) {
    if (ctx.get('goals', goalId)) return; // the server answers goal_exists
    const values: Record<string, unknown> = {
      goal_type: goal.goal_type,
      title: goal.title ?? defaultGoalTitle(goal),
      ...(goal.goal_type === 'race'
        ? { target_race_distance_meters: goal.target_race_distance_meters, target_race_date: goal.target_race_date, target_time_seconds: goal.target_time_seconds ?? null }
        : { target_weekly_mileage_miles: goal.target_weekly_mileage_miles, end_date: goal.end_date ?? null }),
    };
    const row: GoalRow = {
      id: goalId,
      user_id: ctx.userId,
      goal_type: goal.goal_type,
      title: '',
      description: null,
      target_race_distance_meters: null,
      target_race_date: null,
      target_time_seconds: null,
      target_weekly_mileage_miles: null,
      end_date: null,
      status: 'active',
      flagged_reason: null,
      deleted: false,
      created_at: ctx.now,
      updated_at: ctx.now,
    };
    ctx.put('goals', { ...row, ...values, _hlc: Object.fromEntries(Object.keys(values).map((key) => [key, ctx.hlc])) });
  },
});

export const goalUpdate = defineMutation({
  name: 'goal.update',
  v: 1,
  args: MUTATION_ARGS['goal.update@1'],
  keys: (args) => [{ entity: 'goals', key: args.id }],
  apply(ctx, { id: goalId, set }) {
    const row = liveGoal(ctx, goalId);
    if (!row) return; // not_found
    const wrongType = row.goal_type === 'race' ? MILEAGE_ONLY : RACE_ONLY;
    if (Object.keys(set).some((key) => wrongType.includes(key))) return; // field_not_for_goal_type
    const next = setFields(row, set, ctx.hlc);
    if (next) ctx.put('goals', { ...next, updated_at: ctx.now });
  },
});

export const goalDelete = defineMutation({
  name: 'goal.delete',
  v: 1,
  args: MUTATION_ARGS['goal.delete@1'],
  keys: (args) => [{ entity: 'goals', key: args.id }],
  apply(ctx, { id: goalId }) {
    const row = liveGoal(ctx, goalId);
    const next = row && setFields(row, { deleted: true }, ctx.hlc);
    if (next) ctx.put('goals', { ...next, updated_at: ctx.now });
  },
});

/**
 * The goal judged on this phone, offline too (issue 18 §14: feasibility runs when a goal is saved,
 * on the server and the phone alike), from the profile on the phone; null while the profile lacks
 * what the judgement needs. The server's judgement (with the runner's logged runs) follows by sync.
 */
export function judgeGoalOnDevice(goal: GoalRow, row: object | undefined | null, today: string): Feasibility | null {
  const profile = row as ViewRow | undefined | null;
  if (!profile || profile.current_weekly_mileage_miles == null || profile.days_available_per_week == null || profile.easy_pace_per_mile_seconds == null) return null;
  if (goal.goal_type === 'race' && !goal.target_race_date) return null;
  const training: TrainingProfile = {
    current_weekly_mileage_miles: Number(profile.current_weekly_mileage_miles),
    days_available_per_week: Number(profile.days_available_per_week),
    easy_pace_per_mile_seconds: Number(profile.easy_pace_per_mile_seconds),
    injury_notes: typeof profile.injury_notes === 'string' ? profile.injury_notes : null,
    ...(profile.recent_race_distance_meters && profile.recent_race_time_seconds && typeof profile.recent_race_date === 'string'
      ? { recent_race: { distance_meters: Number(profile.recent_race_distance_meters), time_seconds: Number(profile.recent_race_time_seconds), date: profile.recent_race_date } }
      : {}),
  };
  return assessGoal({ profile: training, goal: goalFromRow(goal), today, unit: profile.units === 'km' ? 'km' : 'mi' });
}
