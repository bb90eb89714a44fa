import { z } from 'zod';
import { Text } from '../schema/text.ts';
import { ActivitySchema } from '../schema/activity.ts';
import { ChatSendArgsSchema, MemoryUpdateArgsSchema } from '../schema/coach.ts';
import { IsoDateSchema } from '../schema/goal.ts';
import { GoalCreateSchema, GoalUpdateSchema } from '../schema/goal-request.ts';
import { PlanSchema } from '../schema/plan.ts';
import { ProfileSetSchema } from '../schema/profile.ts';
import { ReadinessFieldsSchema } from '../schema/readiness.ts';
import { WorkoutFieldsSchema } from '../schema/workout-request.ts';

// The arguments of every named mutation, by `name@v`: the device validates with these before
// writing its outbox, the server before applying. A name never changes meaning: the seed's
// column names (issue 16, schema version 3) made workout.update, plan.generate and
// activity.upload @2; devices rewrite their pending @1 entries when they upgrade (client/lib/data/upgrade.ts).
// Adding an optional field is not a change of meaning: profile.update@1 took the runner's heart
// rate and load constants (issue 23) as new keys of `set`, and every @1 an older device sends
// still parses and does what it did. Issue 17 renamed the heart-rate fields (max_hr → max_heart_rate,
// …): ProfileSetSchema reads the old names as aliases, so changes queued before the upgrade still apply.

const id = z.uuid();
const rpe = z.number().int().min(1, 'RPE runs from 1 (very easy) to 10 (all out)').max(10, 'RPE runs from 1 (very easy) to 10 (all out)');
const notes = Text.max(2000);

export const MUTATION_ARGS = {
  'profile.update@1': z.object({ set: ProfileSetSchema }).strict(),
  'goal.create@1': z.object({ id, goal: GoalCreateSchema }).strict(),
  'goal.update@1': z.object({ id, set: GoalUpdateSchema }).strict(),
  'goal.delete@1': z.object({ id }).strict(),
  'workout.update@2': z.object({ id, set: WorkoutFieldsSchema.partial().strict(), reason: Text.max(500).optional() }).strict(),
  'workout.move@1': z.object({ id, scheduled_date: IsoDateSchema }).strict(),
  'workout.delete@1': z.object({ id }).strict(),
  'workout.complete@1': z
    .object({
      id,
      completion_id: id,
      rpe: rpe.optional(),
      notes: notes.optional(),
      distance_meters: z.number().min(0).max(300_000).optional(),
      duration_seconds: z.number().int().min(0).max(86_400).optional(),
    })
    .strict(),
  'workout.skip@1': z.object({ id, completion_id: id, notes: notes.optional() }).strict(),
  'memory.update@1': MemoryUpdateArgsSchema,
  'memory.delete@1': z.object({ id }).strict(),
  'chat.send@1': ChatSendArgsSchema,
  /** A plan the device made with the rule engine (offline too); the server re-checks it before saving. */
  'plan.generate@2': z
    .object({
      plan_id: id,
      goal_id: id,
      plan: PlanSchema.refine((plan) => plan.workouts.every((w) => z.uuid().safeParse(w.id).success), {
        message: 'workout ids must be UUIDs',
        path: ['workouts'],
      }),
    })
    .strict(),
  /** A run decoded from a .FIT file on the device. */
  'activity.upload@2': z.object({ id, activity: ActivitySchema }).strict(),
  /** The day's readiness check-in; a second one that day updates the first (its id is kept). */
  'readiness.checkin@1': z.object({ id, date: IsoDateSchema, set: ReadinessFieldsSchema }).strict(),
} as const;

export type MutationKey = keyof typeof MUTATION_ARGS;
export type MutationArgs<K extends MutationKey> = z.output<(typeof MUTATION_ARGS)[K]>;

/** The newest version of a mutation name (1 for a name the registry does not know, so tests can send one). */
export function currentVersion(name: string): number {
  const versions = Object.keys(MUTATION_ARGS)
    .filter((key) => key.startsWith(`${name}@`))
    .map((key) => Number(key.slice(name.length + 1)));
  return versions.length ? Math.max(...versions) : 1;
}
