import { MUTATION_ARGS } from '#shared/sync/mutation-args.ts';
import type { WorkoutStructure } from '#shared/schema/workout.ts';
import { estimateWorkout } from '#shared/training/estimate.ts';
import { pacesFor, todayIn } from '../workout-view.ts';
import type { ViewRow } from './db.ts';
import { defineMutation, setFields, type ApplyContext } from './define.ts';

// Workout mutations: the wire names and args of server/sync/mutations.ts, applied locally the
// way server/domain/workouts.ts (updateWorkout: per-field LWW, edited_by_user) and
// server/domain/completions.ts (one completion per workout) apply them. The edit-history rows
// are the server's to write: they arrive with the pull; the planned figures of a new structure
// are predicted here as the server computes them, and the server's replace them on the pull.

/** A workout row as devices hold it (the wire row of `workouts`). */
export interface WorkoutRow {
  id: string;
  user_id: string;
  training_plan_id: string | null;
  scheduled_date: string;
  week_index: number | null;
  workout_type: string;
  title: string;
  /** What the session is for, in the coach's or runner's words (the seed's `description`). */
  description: string | null;
  structure: WorkoutStructure;
  estimated_distance_meters: number | null;
  estimated_duration_minutes: number | null;
  reason: string | null;
  /** 'scheduled' until a verdict: 'completed', 'partial', 'missed' or 'skipped'. */
  status: string;
  rpe: number | null;
  notes: string | null;
  edited_by_user: boolean;
  deleted: boolean;
  created_at: string;
  updated_at: string;
}

/** A completion row (the runner's verdict, or the matcher's). */
export interface CompletionRow {
  id: string;
  user_id: string;
  workout_id: string;
  /** The `strava_activities` row it matched (whatever that run's source), or null. */
  strava_activity_id: string | null;
  completion_status: 'completed' | 'partial' | 'missed' | 'skipped';
  distance_meters: number | null;
  duration_seconds: number | null;
  rpe: number | null;
  notes: string | null;
  strava_activity_url: string | null;
  matched_at: string | null;
  created_at: string;
  updated_at: string;
}

/** One entry of a workout's edit history: the seed's whole-structure record, with the field it changed. */
export interface WorkoutEditRow {
  id: string;
  workout_id: string;
  edited_by: 'user' | 'coach' | 'system';
  /** The whole structure before and after, when the edit changed it (else null). */
  previous_structure: unknown;
  new_structure: unknown;
  edit_reason: string | null;
  field: string;
  previous_value: unknown;
  new_value: unknown;
  won: boolean;
  created_at: string;
}

/** A workout the server would let a runner's edit touch (sync edits reach deleted ones too). */
function existing(ctx: ApplyContext, id: string): ViewRow | undefined {
  return ctx.get('workouts', id);
}

function update(ctx: ApplyContext, id: string, set: Record<string, unknown>): void {
  const row = existing(ctx, id);
  if (!row) return; // not_found
  const next = setFields(row, set, ctx.hlc);
  if (!next) return;
  // As the server: a workout turned into rest plans nothing; a new structure is sized with the runner's paces.
  const planned =
    next._hlc.workout_type === ctx.hlc && next.workout_type === 'rest'
      ? { estimated_distance_meters: null, estimated_duration_minutes: null }
      : next._hlc.structure === ctx.hlc
        ? plannedFigures(ctx, next.structure as WorkoutStructure)
        : {};
  ctx.put('workouts', { ...next, ...planned, edited_by_user: true, updated_at: ctx.now });
}

/**
 * The planned distance and minutes of a new structure, as the server re-estimates them when a
 * structure edit wins (its estimateFor: the runner's paces, no goal): without them a swap made
 * offline (a tempo turned easy run on a poor morning) would show the tempo's distance until a pull.
 */
function plannedFigures(ctx: ApplyContext, structure: WorkoutStructure): Record<string, number> {
  const profile = ctx.get('user_profiles', ctx.userId);
  const zone = typeof profile?.time_zone === 'string' ? profile.time_zone : 'UTC';
  const paces = pacesFor(profile as Parameters<typeof pacesFor>[0], todayIn(zone, new Date(ctx.now)));
  if (!paces) return {};
  const estimate = estimateWorkout(structure, paces);
  return { estimated_distance_meters: estimate.distance_meters, estimated_duration_minutes: Math.round(estimate.duration_seconds / 60) };
}

export const workoutUpdate = defineMutation({
  name: 'workout.update',
  v: 2,
  args: MUTATION_ARGS['workout.update@2'],
  // The profile is read, never written: its paces size a new structure (plannedFigures).
  keys: (args, userId) => [{ entity: 'workouts', key: args.id }, { entity: 'user_profiles', key: userId }],
  apply: (ctx, { id, set }) => update(ctx, id, set),
});

export const workoutMove = defineMutation({
  name: 'workout.move',
  v: 1,
  args: MUTATION_ARGS['workout.move@1'],
  keys: (args) => [{ entity: 'workouts', key: args.id }],
  apply: (ctx, { id, scheduled_date }) => update(ctx, id, { scheduled_date }),
});

export const workoutDelete = defineMutation({
  name: 'workout.delete',
  v: 1,
  args: MUTATION_ARGS['workout.delete@1'],
  keys: (args) => [{ entity: 'workouts', key: args.id }],
  apply: (ctx, { id }) => update(ctx, id, { deleted: true }),
});

interface Verdict {
  id: string;
  completion_id: string;
  status: 'completed' | 'skipped';
  rpe?: number | undefined;
  notes?: string | undefined;
  distance_meters?: number | undefined;
  duration_seconds?: number | undefined;
}

// The server keeps one completion per workout (replacing an earlier verdict under its first
// id); screens pass the id of the existing completion, so the device row is the same one.
function record(ctx: ApplyContext, input: Verdict): void {
  const workout = ctx.get('workouts', input.id);
  if (!workout || workout.deleted === true) return; // not_found
  const previous = ctx.get('workout_completions', input.completion_id);
  const values = {
    completion_status: input.status,
    rpe: input.rpe ?? null,
    notes: input.notes ?? null,
    distance_meters: input.distance_meters ?? null,
    duration_seconds: input.duration_seconds ?? null,
    updated_at: ctx.now,
  };
  const base: CompletionRow = {
    id: input.completion_id,
    user_id: ctx.userId,
    workout_id: input.id,
    strava_activity_id: null,
    completion_status: input.status,
    distance_meters: null,
    duration_seconds: null,
    rpe: null,
    notes: null,
    strava_activity_url: null,
    matched_at: null,
    created_at: ctx.now,
    updated_at: ctx.now,
  };
  ctx.put('workout_completions', { ...base, ...(previous ?? {}), ...values, _hlc: previous?._hlc ?? {} });
  ctx.put('workouts', { ...workout, status: input.status, rpe: input.rpe ?? null, updated_at: ctx.now });
}

const completionKeys = (args: { id: string; completion_id: string }) => [
  { entity: 'workouts' as const, key: args.id },
  { entity: 'workout_completions' as const, key: args.completion_id },
];

export const workoutComplete = defineMutation({
  name: 'workout.complete',
  v: 1,
  args: MUTATION_ARGS['workout.complete@1'],
  keys: completionKeys,
  apply: (ctx, args) => record(ctx, { ...args, status: 'completed' }),
});

export const workoutSkip = defineMutation({
  name: 'workout.skip',
  v: 1,
  args: MUTATION_ARGS['workout.skip@1'],
  keys: completionKeys,
  apply: (ctx, args) => record(ctx, { ...args, status: 'skipped' }),
});
