import type { WorkoutChange } from '#shared/schema/coach.ts';
import { WorkoutStructureSchema, type Segment, type Step, type WorkoutStructure, type WorkoutType } from '#shared/schema/workout.ts';

// What a coach change (move, shorten, swap, rest, easy) does to concrete workouts: pure, so
// chat proposals and plan personalisation share it, and the guardrail check can run on the
// plan "as it would be" before anything is written.

/** The fields of a workout a change reads (a DB row and an engine plan workout both have them). */
export interface ChangeTarget {
  id: string;
  scheduled_date: string;
  workout_type: string;
  title: string;
  structure: unknown;
  estimated_duration_minutes: number | null;
}

/** What a change sets on one workout. `deleted` makes the day a rest day. */
export interface WorkoutSet {
  scheduled_date?: string;
  structure?: WorkoutStructure;
  workout_type?: WorkoutType;
  title?: string;
  deleted?: boolean;
}

/** One workout and what a change sets on it. */
export interface Edit<T extends ChangeTarget = ChangeTarget> {
  workout: T;
  set: WorkoutSet;
}

/** The edits a change makes, or why it cannot be made. */
export type ChangeOutcome<T extends ChangeTarget> =
  | { ok: true; edits: Edit<T>[] }
  | { ok: false; code: 'not_found' | 'in_the_past' | 'race_day_fixed' | 'not_applicable'; message: string };

const refuse = <T extends ChangeTarget>(code: Exclude<ChangeOutcome<T>, { ok: true }>['code'], message: string): ChangeOutcome<T> => ({
  ok: false,
  code,
  message,
});

/**
 * The edits a change makes to `list` (the workouts of one plan). Workouts are found only in
 * `list`, so an id from anywhere else is "not found"; nothing before `today` may change.
 */
export function planChange<T extends ChangeTarget>(change: WorkoutChange, list: readonly T[], today: string): ChangeOutcome<T> {
  const find = (id: string) => list.find((w) => w.id === id);
  const target = find(change.workout_id);
  if (!target) return refuse('not_found', `There is no workout with id ${change.workout_id} in this runner's plan.`);
  if (target.scheduled_date < today) return refuse('in_the_past', 'That workout is in the past; only coming workouts can change.');
  if (target.workout_type === 'race') return refuse('race_day_fixed', 'The race itself stays on race day.');
  switch (change.kind) {
    case 'move': {
      const date = change.new_date!;
      if (date < today) return refuse('in_the_past', `${date} is in the past; a workout can only move to today or later.`);
      if (date === target.scheduled_date) return refuse('not_applicable', 'The workout is already on that day.');
      return { ok: true, edits: [{ workout: target, set: { scheduled_date: date } }] };
    }
    case 'swap': {
      const other = find(change.other_workout_id!);
      if (!other) return refuse('not_found', `There is no workout with id ${change.other_workout_id} in this runner's plan.`);
      if (other.scheduled_date < today) return refuse('in_the_past', 'The other workout is in the past; only coming workouts can change.');
      if (other.workout_type === 'race') return refuse('race_day_fixed', 'The race itself stays on race day.');
      if (other.id === target.id || other.scheduled_date === target.scheduled_date)
        return refuse('not_applicable', 'Both workouts are on the same day already.');
      return {
        ok: true,
        edits: [
          { workout: target, set: { scheduled_date: other.scheduled_date } },
          { workout: other, set: { scheduled_date: target.scheduled_date } },
        ],
      };
    }
    case 'shorten': {
      const parsed = WorkoutStructureSchema.safeParse(target.structure);
      if (!parsed.success) return refuse('not_applicable', 'That workout has no steps that can be shortened.');
      const structure = scaleStructure(parsed.data, change.fraction!);
      return { ok: true, edits: [{ workout: target, set: { structure } }] };
    }
    case 'rest':
      return { ok: true, edits: [{ workout: target, set: { deleted: true } }] };
    case 'easy': {
      if (target.workout_type === 'easy' || target.workout_type === 'recovery') return refuse('not_applicable', 'That workout is already an easy run.');
      return {
        ok: true,
        edits: [
          {
            workout: target,
            set: {
              workout_type: 'easy',
              title: 'Easy run',
              structure: easyStructure(target.estimated_duration_minutes === null ? null : target.estimated_duration_minutes * 60),
            },
          },
        ],
      };
    }
  }
}

/** The list as it would be after the edits (a rest day removes the workout). */
export function applyEdits<T extends ChangeTarget>(list: readonly T[], edits: readonly Edit<T>[]): T[] {
  const sets = new Map(edits.map((e) => [e.workout.id, e.set]));
  return list.flatMap((w) => {
    const set = sets.get(w.id);
    if (!set) return [w];
    if (set.deleted) return [];
    const { deleted: _deleted, ...fields } = set;
    return [{ ...w, ...fields }];
  });
}

/** Each edit as before/after pairs, for the runner to read. */
export function diffOf(edit: Edit): { field: string; before: unknown; after: unknown }[] {
  return Object.entries(edit.set).map(([field, after]) => ({
    field,
    before: field === 'deleted' ? false : (edit.workout as unknown as Record<string, unknown>)[field],
    after,
  }));
}

/** Keeps `fraction` of a session: steady parts get shorter, interval blocks lose repeats (bouts stay the right length). */
export function scaleStructure(structure: WorkoutStructure, fraction: number): WorkoutStructure {
  const step = <S extends Step>(s: S): S => {
    if (s.duration_seconds !== undefined) return { ...s, duration_seconds: Math.max(60, Math.round((s.duration_seconds * fraction) / 15) * 15) };
    if (s.distance_meters !== undefined) return { ...s, distance_meters: Math.max(200, Math.round((s.distance_meters * fraction) / 50) * 50) };
    return s;
  };
  const segments = structure.segments.map((seg): Segment => {
    if (seg.type === 'interval' || seg.type === 'repeat') return { ...seg, repeats: Math.max(1, Math.round(seg.repeats * fraction)) };
    return step(seg);
  });
  return { segments };
}

/** An easy run of about the same time as the session it replaces (20–90 min). */
export function easyStructure(plannedSeconds: number | null): WorkoutStructure {
  const minutes = Math.min(90, Math.max(20, Math.round((plannedSeconds ?? 2400) / 60)));
  return { segments: [{ type: 'steady', duration_seconds: minutes * 60, pace_target: 'easy' }] };
}
