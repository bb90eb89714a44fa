import { z } from 'zod';
import { isIsoDate } from '../training/dates.ts';

/** An ISO calendar date, `YYYY-MM-DD`. */
export const IsoDateSchema = z.string().refine(isIsoDate, { message: 'expected a date as YYYY-MM-DD' });

/** A race goal: a distance on a date, with an optional target time (none = "finish it"). */
export const RaceGoalSchema = z
  .object({
    kind: z.literal('race'),
    target_race_distance_meters: z.number().min(800).max(60_000),
    target_race_date: IsoDateSchema,
    target_time_seconds: z
      .number()
      .int()
      .min(120)
      .max(24 * 3600)
      .nullable()
      .optional(),
  })
  .strict();
export type RaceGoal = z.infer<typeof RaceGoalSchema>;

/** A non-race goal: reach and hold a weekly mileage, optionally by a date. */
export const MileageGoalSchema = z
  .object({
    kind: z.literal('mileage'),
    target_weekly_mileage_miles: z.number().min(1).max(150),
    end_date: IsoDateSchema.nullable().optional(),
  })
  .strict();
export type MileageGoal = z.infer<typeof MileageGoalSchema>;

export const GoalSchema = z.discriminatedUnion('kind', [RaceGoalSchema, MileageGoalSchema]);
export type Goal = z.infer<typeof GoalSchema>;

export const VERDICTS = ['on_track', 'stretch', 'unrealistic'] as const;
export const VerdictSchema = z.enum(VERDICTS);
export type Verdict = z.infer<typeof VerdictSchema>;

/** The answer to "can I do this?": a verdict, the numbers behind it and one plain sentence. */
export const FeasibilitySchema = z.object({
  verdict: VerdictSchema,
  /** Null for mileage goals, where fitness is not the question. */
  current_vdot: z.number().nullable(),
  required_vdot: z.number().nullable(),
  weeks_left: z.number(),
  /** VDOT points (race goals) or weekly miles (mileage goals) the time left can add. */
  expected_gain: z.number(),
  /** Completed ÷ planned distance over the last 3 weeks, when there was a plan. */
  completion_rate: z.number().optional(),
  missed_quality: z.number().int().optional(),
  predicted_range: z.object({ distance_meters: z.number(), low_seconds: z.number(), high_seconds: z.number() }).nullable(),
  sentence: z.string(),
  /** Where the current fitness came from: a race, recent runs, or the easy pace (a guess). */
  vdot_source: z.enum(['race', 'runs', 'easy_pace']).optional(),
  /** Volume, the gate of its own (docs/TRAINING.md §Feasibility): now, reachable by race day, and needed at peak. */
  current_weekly_miles: z.number().optional(),
  reachable_weekly_miles: z.number().optional(),
  needed_weekly_miles: z.number().optional(),
  needed_long_run_miles: z.number().optional(),
});
export type Feasibility = z.infer<typeof FeasibilitySchema>;

/** A goal row as stored (server or device), the fields the engine reads. */
export interface GoalRowFields {
  goal_type: string;
  target_race_distance_meters: number | null;
  target_race_date: string | null;
  target_time_seconds: number | null;
  target_weekly_mileage_miles: number | null;
  end_date: string | null;
}

/** The engine's view of a goal row (server/goals/goals.ts engineGoal calls this too). */
export function goalFromRow(row: GoalRowFields): Goal {
  if (row.goal_type === 'race') {
    return {
      kind: 'race',
      target_race_distance_meters: row.target_race_distance_meters!,
      target_race_date: row.target_race_date!,
      target_time_seconds: row.target_time_seconds,
    };
  }
  return { kind: 'mileage', target_weekly_mileage_miles: row.target_weekly_mileage_miles!, end_date: row.end_date };
}
