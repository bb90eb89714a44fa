import { z } from 'zod';
import { MUTATION_ARGS } from '#shared/sync/mutation-args.ts';
import { uploadActivity } from '../activities/uploads.ts';
import { saveDevicePlan } from '../plans/plans.ts';
import type { Transaction } from '../db/database.ts';
import { createGoal, createGoals, deleteGoal, updateGoal } from '../goals/goals.ts';
import { updateProfileFields } from '../profile/profile.ts';
import type { WriteStamp } from '../lib/write-stamp.ts';
import { recordCompletion } from '../activities/completions.ts';
import { updateWorkout } from '../workouts/workouts.ts';
import { checkIn } from '../fitness/readiness.ts';
import { conversationFor, insertUserMessage } from '../coach/chat-store.ts';
import { deleteMemory, updateMemory } from '../coach/memory-store.ts';
import { PreferencesUpdateSchema } from '#shared/schema/notifications.ts';
import { updatePreferences } from '../notifications/preferences.ts';

/** What a mutation handler gets: the transaction, the signed-in user and the write's stamp. */
export interface MutationContext {
  tx: Transaction;
  userId: string;
  stamp: WriteStamp;
}

/** Several consecutive mutations of one kind, each with its own stamp. */
export type Batch<T> = { args: T; stamp: WriteStamp }[];

interface MutationDef<S extends z.ZodType> {
  args: S;
  run(ctx: MutationContext, args: z.output<S>): Promise<void>;
  /**
   * Applies consecutive mutations of this kind in one statement, all or nothing (push uses it
   * when it runs without savepoints). For plain creates, where a statement per mutation would
   * be most of the cost of a push.
   */
  runMany?(ctx: Omit<MutationContext, 'stamp'>, batch: Batch<z.output<S>>): Promise<void>;
}

function define<S extends z.ZodType>(
  args: S,
  run: (ctx: MutationContext, args: z.output<S>) => Promise<void>,
  runMany?: (ctx: Omit<MutationContext, 'stamp'>, batch: Batch<z.output<S>>) => Promise<void>,
): MutationDef<S> {
  return { args, run, ...(runMany ? { runMany } : {}) };
}

/**
 * The named mutations devices may push, by `name@v`. A name never changes meaning: a new
 * behaviour is a new version. Each handler calls the same domain function as the REST route.
 */
export const MUTATIONS: Record<string, MutationDef<z.ZodType>> = {
  'profile.update@1': define(MUTATION_ARGS['profile.update@1'], ({ tx, userId, stamp }, args) =>
    updateProfileFields(tx, userId, args.set, stamp).then(() => {}),
  ),
  'goal.create@1': define(
    MUTATION_ARGS['goal.create@1'],
    ({ tx, userId, stamp }, args) => createGoal(tx, userId, args.goal, stamp, args.id).then(() => {}),
    ({ tx, userId }, batch) =>
      createGoals(
        tx,
        userId,
        batch.map(({ args, stamp }) => ({ input: args.goal, stamp, id: args.id })),
      ).then(() => {}),
  ),
  'goal.update@1': define(MUTATION_ARGS['goal.update@1'], ({ tx, userId, stamp }, args) => updateGoal(tx, userId, args.id, args.set, stamp).then(() => {})),
  'goal.delete@1': define(MUTATION_ARGS['goal.delete@1'], ({ tx, userId, stamp }, args) => deleteGoal(tx, userId, args.id, stamp)),
  'workout.update@2': define(MUTATION_ARGS['workout.update@2'], ({ tx, userId, stamp }, args) =>
    updateWorkout(tx, userId, args.id, { ...args.set, edit_reason: args.reason }, stamp, 'user', { includeDeleted: true }).then(() => {}),
  ),
  'workout.move@1': define(MUTATION_ARGS['workout.move@1'], ({ tx, userId, stamp }, args) =>
    updateWorkout(tx, userId, args.id, { scheduled_date: args.scheduled_date }, stamp, 'user', { includeDeleted: true }).then(() => {}),
  ),
  'workout.delete@1': define(MUTATION_ARGS['workout.delete@1'], ({ tx, userId, stamp }, args) =>
    updateWorkout(tx, userId, args.id, { deleted: true }, stamp, 'user', { includeDeleted: true }).then(() => {}),
  ),
  'workout.complete@1': define(MUTATION_ARGS['workout.complete@1'], ({ tx, userId, stamp }, args) =>
    recordCompletion(tx, userId, args.id, { ...args, status: 'completed' }, stamp),
  ),
  'workout.skip@1': define(MUTATION_ARGS['workout.skip@1'], ({ tx, userId, stamp }, args) =>
    recordCompletion(tx, userId, args.id, { ...args, status: 'skipped' }, stamp),
  ),
  'memory.update@1': define(MUTATION_ARGS['memory.update@1'], ({ tx, userId, stamp }, args) =>
    updateMemory(tx, userId, args.id, args.set, stamp, { includeDeleted: true }).then(() => {}),
  ),
  'memory.delete@1': define(MUTATION_ARGS['memory.delete@1'], ({ tx, userId, stamp }, args) => deleteMemory(tx, userId, args.id, stamp)),
  // Stored once by its client-made id; the phone asks for the reply (POST /api/coach/chat with this id) when online.
  'chat.send@1': define(MUTATION_ARGS['chat.send@1'], ({ tx, userId, stamp }, args) =>
    conversationFor(tx, userId, args.conversation_id)
      .then((conversation) => insertUserMessage(tx, userId, args.id, args.content, stamp.now, conversation, { via: 'sync' }))
      .then(() => {}),
  ),
  'plan.generate@2': define(MUTATION_ARGS['plan.generate@2'], ({ tx, userId, stamp }, args) => saveDevicePlan(tx, userId, args, stamp)),
  'activity.upload@2': define(MUTATION_ARGS['activity.upload@2'], ({ tx, userId, stamp }, args) => uploadActivity(tx, userId, args.id, args.activity, stamp)),
  'readiness.checkin@1': define(MUTATION_ARGS['readiness.checkin@1'], ({ tx, userId, stamp }, args) =>
    checkIn(tx, userId, args.id, args.date, args.set, stamp),
  ),
  // Settings → e-mail notifications; merged field by field like the profile.
  'notifications.preferences.update@1': define(z.object({ set: PreferencesUpdateSchema }).strict(), ({ tx, userId, stamp }, args) =>
    updatePreferences(tx, userId, args.set, stamp).then(() => {}),
  ),
};
