import { z } from 'zod';
import { GoalCreateSchema, GoalUpdateSchema } from '#shared/schema/goal-request.ts';
import { ProfileFieldsSchema } from '#shared/schema/profile.ts';
import type { Transaction } from '../db/database.ts';
import { createGoal, deleteGoal, updateGoal } from '../domain/goals.ts';
import { updateProfileFields } from '../domain/profile.ts';
import type { WriteStamp } from '../domain/stamp.ts';

/** What a mutation handler gets: the transaction, the signed-in user and the write's stamp. */
export interface MutationContext {
  tx: Transaction;
  userId: string;
  stamp: WriteStamp;
}

interface MutationDef<S extends z.ZodType> {
  args: S;
  run(ctx: MutationContext, args: z.output<S>): Promise<void>;
}

function define<S extends z.ZodType>(args: S, run: (ctx: MutationContext, args: z.output<S>) => Promise<void>): MutationDef<S> {
  return { args, run };
}

const id = z.uuid();

/**
 * The named mutations devices may push, by `name@v`. A name never changes meaning: a new
 * behaviour is a new version. Each handler calls the same domain function as the REST route.
 */
export const MUTATIONS: Record<string, MutationDef<z.ZodType>> = {
  'profile.update@1': define(z.object({ set: ProfileFieldsSchema.partial().strict() }).strict(), ({ tx, userId, stamp }, args) =>
    updateProfileFields(tx, userId, args.set, stamp).then(() => {}),
  ),
  'goal.create@1': define(z.object({ id, goal: GoalCreateSchema }).strict(), ({ tx, userId, stamp }, args) =>
    createGoal(tx, userId, args.goal, stamp, args.id).then(() => {}),
  ),
  'goal.update@1': define(z.object({ id, set: GoalUpdateSchema }).strict(), ({ tx, userId, stamp }, args) =>
    updateGoal(tx, userId, args.id, args.set, stamp).then(() => {}),
  ),
  'goal.delete@1': define(z.object({ id }).strict(), ({ tx, userId, stamp }, args) => deleteGoal(tx, userId, args.id, stamp)),
};
