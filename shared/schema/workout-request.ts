import { z } from 'zod';
import { Text } from './text.ts';
import { IsoDateSchema } from './goal.ts';
import { StorableStructureSchema, WorkoutTypeSchema } from './workout.ts';

/** The fields a runner (or the coach) may change on a workout, seed column names. */
export const WorkoutFieldsSchema = z.object({
  title: Text.trim().min(1, 'is required').max(200, 'must be at most 200 characters'),
  workout_type: WorkoutTypeSchema,
  description: Text.max(2000, 'must be at most 2000 characters').nullable(),
  scheduled_date: IsoDateSchema,
  structure: StorableStructureSchema,
  notes: Text.max(2000, 'must be at most 2000 characters').nullable(),
});

/** PATCH /api/workouts/:id: any subset, plus an optional word on why (kept in the edit history). */
export const WorkoutUpdateSchema = WorkoutFieldsSchema.partial()
  .extend({ edit_reason: Text.trim().max(500).optional() })
  .strict()
  .refine((update) => Object.keys(update).some((key) => key !== 'edit_reason'), { message: 'send at least one field to change' });
export type WorkoutUpdate = z.infer<typeof WorkoutUpdateSchema>;

export const WorkoutRangeQuerySchema = z
  .object({ from: IsoDateSchema, to: IsoDateSchema })
  .strict()
  .refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['to'] });
