import { z } from 'zod';
import { Text } from './text.ts';
import { IsoDateSchema } from './goal.ts';

// The REST and sync shapes of a goal: the seed's column names, snake_case.

const title = Text.trim().min(1, 'is required').max(120, 'must be at most 120 characters');
/** The runner's own words on the goal (the seed's `goals.description`). */
const description = Text.trim().max(2000, 'must be at most 2000 characters').nullable();
const raceFields = {
  target_race_distance_meters: z.number().min(800, 'must be at least 800 m').max(60_000, 'must be at most 60 km'),
  target_race_date: IsoDateSchema,
  target_time_seconds: z
    .number()
    .int()
    .min(120)
    .max(24 * 3600, 'must be under 24 h')
    .nullable(),
};
const mileageFields = {
  target_weekly_mileage_miles: z.number().min(1).max(150, 'must be at most 150 miles a week'),
  end_date: IsoDateSchema.nullable(),
};

export const GoalCreateSchema = z.discriminatedUnion('goal_type', [
  z
    .object({
      goal_type: z.literal('race'),
      title: title.optional(),
      description: description.optional(),
      ...raceFields,
      target_time_seconds: raceFields.target_time_seconds.optional(),
    })
    .strict(),
  z
    .object({
      goal_type: z.literal('mileage'),
      title: title.optional(),
      description: description.optional(),
      ...mileageFields,
      end_date: mileageFields.end_date.optional(),
    })
    .strict(),
]);
export type GoalCreate = z.infer<typeof GoalCreateSchema>;

export const GOAL_STATUSES = ['active', 'completed', 'abandoned', 'flagged_unrealistic'] as const;

/** PATCH: any subset; the goal's type cannot change (make a new goal instead). */
export const GoalUpdateSchema = z
  .object({
    title,
    description,
    ...raceFields,
    ...mileageFields,
    // flagged_unrealistic is set by evaluation, not by hand.
    status: z.enum(['active', 'completed', 'abandoned']),
  })
  .partial()
  .strict()
  .refine((update) => Object.keys(update).length > 0, { message: 'send at least one field' });
export type GoalUpdate = z.infer<typeof GoalUpdateSchema>;

const RACE_NAMES: Record<number, string> = { 5000: '5K', 10000: '10K', 21097.5: 'Half marathon', 42195: 'Marathon' };

/** The title of a goal the runner did not name: "Marathon on 2026-06-28", "30 miles a week". */
export function defaultGoalTitle(input: GoalCreate): string {
  if (input.goal_type === 'mileage') return `${input.target_weekly_mileage_miles} miles a week`;
  const name = RACE_NAMES[input.target_race_distance_meters] ?? `${(input.target_race_distance_meters / 1000).toFixed(1)} km race`;
  return `${name} on ${input.target_race_date}`;
}
