import { z } from 'zod';
import { Text } from './text.ts';
import { GoalSchema, IsoDateSchema } from './goal.ts';
import { StorableStructureSchema, WorkoutTypeSchema } from './workout.ts';

/** The runner's weekdays as the profile stores them (`available_days`, `long_run_day`). */
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export const WeekdaySchema = z.enum(WEEKDAYS);
export type Weekday = z.infer<typeof WeekdaySchema>;

/** A run the runner did (Strava, FIT upload or manual): history for spikes, ramps and adaptation. */
export const CompletedRunSchema = z.object({
  date: IsoDateSchema,
  distance_meters: z.number().min(0),
  duration_seconds: z.number().min(0).optional(),
  workout_id: z.string().optional(),
});
export type CompletedRun = z.infer<typeof CompletedRunSchema>;

/** What the engine needs to know about the runner (a subset of the profile row). */
export const TrainingProfileSchema = z.object({
  current_weekly_mileage_miles: z.number().min(0).max(200),
  days_available_per_week: z.number().int().min(1).max(7),
  /** 4:00/mi to 20:00/mi. */
  easy_pace_per_mile_seconds: z.number().min(240).max(1200),
  injury_notes: Text.max(2000).nullable().optional(),
  recent_race: z
    .object({
      distance_meters: z.number().min(800).max(100_000),
      time_seconds: z
        .number()
        .min(60)
        .max(24 * 3600),
      date: IsoDateSchema,
    })
    .nullable()
    .optional(),
  longest_recent_run_meters: z.number().min(0).max(100_000).nullable().optional(),
  /** The weekdays the runner can run (profile `available_days`); without them the engine picks `days_available_per_week` days itself. */
  available_days: z.array(WeekdaySchema).min(1).max(7).nullable().optional(),
  /** The weekday of the long run (profile `long_run_day`, default `sun`); one of `available_days`. */
  long_run_day: WeekdaySchema.nullable().optional(),
  /** The runner's fitness and fatigue time constants (profile ctl_days/atl_days), for the plan's load forecast; 42/7 without them. */
  load_constants: z.object({ ctl_days: z.number().min(21).max(60), atl_days: z.number().min(3).max(14) }).optional(),
  /**
   * The runs of the last 8 weeks fitness may be read from (zones.ts fitnessRunsOf: own road runs,
   * not Strava's). Part of the runner so every pace (Workout, Today, .FIT, calendar, plans)
   * follows their recent best effort, not only the profile's race or easy pace.
   */
  fitness_runs: z.array(CompletedRunSchema).max(1000).optional(),
});
export type TrainingProfile = z.infer<typeof TrainingProfileSchema>;

export const METHODOLOGIES = ['daniels', 'pfitzinger', '80/20'] as const;
export const MethodologySchema = z.enum(METHODOLOGIES);
export type Methodology = z.infer<typeof MethodologySchema>;

const METHODOLOGY_NAMES: Record<Methodology, string> = { daniels: 'Daniels', pfitzinger: 'Pfitzinger', '80/20': '80/20' };

/** The seed's `training_plans.title`: the goal's and the method's names, as a runner calls the plan (migration 0011 writes the same). */
export function planTitle(goalTitle: string | null | undefined, methodology: string): string {
  return `${goalTitle ?? 'Training'}: ${METHODOLOGY_NAMES[methodology as Methodology] ?? methodology} plan`;
}

export const PHASES = ['base', 'build', 'peak', 'taper', 'maintain'] as const;
export const PhaseSchema = z.enum(PHASES);
export type Phase = z.infer<typeof PhaseSchema>;

/** One 7-day block of a plan, counted from the plan's first day (plans made before issue 17 began on the race weekday). */
export const PlanWeekSchema = z.object({
  index: z.number().int().min(0),
  start_date: IsoDateSchema,
  phase: PhaseSchema,
  estimated_distance_meters: z.number().min(0),
  estimated_duration_minutes: z.number().min(0),
  is_recovery: z.boolean(),
  is_taper: z.boolean(),
  reason: Text,
});
export type PlanWeek = z.infer<typeof PlanWeekSchema>;

/** A dated session of a plan. `edited_by_user` workouts are kept as they are when re-planning. */
export const PlannedWorkoutSchema = z.object({
  id: Text.min(1),
  scheduled_date: IsoDateSchema,
  week_index: z.number().int().min(0),
  workout_type: WorkoutTypeSchema,
  title: Text.min(1).max(200),
  structure: StorableStructureSchema,
  estimated_distance_meters: z.number().min(0),
  estimated_duration_minutes: z.number().min(0),
  reason: Text,
  edited_by_user: z.boolean().optional(),
});
export type PlannedWorkout = z.infer<typeof PlannedWorkoutSchema>;

export const PlanPhaseSchema = z.object({
  phase: PhaseSchema,
  start_week: z.number().int().min(0),
  end_week: z.number().int().min(0),
  reason: Text,
});
export type PlanPhase = z.infer<typeof PlanPhaseSchema>;

/** A whole plan as the engine (or an adaptation) makes it. */
export const PlanSchema = z.object({
  methodology: MethodologySchema,
  goal: GoalSchema,
  start_date: IsoDateSchema,
  end_date: IsoDateSchema,
  /** The VDOT the paces were set from, and where it came from. */
  vdot: z.number(),
  vdot_source: z.enum(['race', 'runs', 'easy_pace']),
  phases: z.array(PlanPhaseSchema),
  weeks: z.array(PlanWeekSchema),
  workouts: z.array(PlannedWorkoutSchema),
  reason: Text,
});
export type Plan = z.infer<typeof PlanSchema>;

/**
 * A plan from any source (engine, LLM, user edit) as the guardrail check reads it: only dates,
 * kinds and structures are needed. `structure` is left unknown so a broken one is reported, not thrown.
 */
export const PlanLikeSchema = z.object({
  start_date: IsoDateSchema,
  weeks: z.array(z.object({ index: z.number().int(), start_date: IsoDateSchema, is_recovery: z.boolean().optional() }).loose()).optional(),
  workouts: z.array(
    z
      .object({
        id: z.string().optional(),
        scheduled_date: IsoDateSchema,
        workout_type: WorkoutTypeSchema,
        structure: z.unknown().optional(),
        estimated_distance_meters: z.number().min(0).optional(),
        estimated_duration_minutes: z.number().min(0).optional(),
        edited_by_user: z.boolean().optional(),
      })
      .loose(),
  ),
});
export type PlanLike = z.infer<typeof PlanLikeSchema>;

export const GUARDRAIL_RULES = [
  'structure_invalid',
  'weekly_ramp',
  'two_week_ramp',
  'single_run_spike',
  'long_run_cap',
  'easy_share',
  'session_limit',
  'bout_length',
  'recovery_week',
  'taper',
  'race_day',
  'days_available',
  'hard_days_in_row',
  'injury',
  // Issue 17 §4: the runner's week and the race the plan is for.
  'first_week',
  'available_days',
  'long_run_day',
  'race_readiness',
  'race_time_short',
  // The load forecast's findings (issue 23 §6): soft only, they explain and never block.
  'fitness_ramp',
  'race_day_form',
] as const;
export const GuardrailRuleSchema = z.enum(GUARDRAIL_RULES);
export type GuardrailRule = z.infer<typeof GuardrailRuleSchema>;

/** One broken guardrail: `hard` blocks saving the plan, `soft` is a warning with a reason. */
export const ViolationSchema = z.object({
  rule: GuardrailRuleSchema,
  week: z.number().int().optional(),
  date: IsoDateSchema.optional(),
  workout_id: z.string().optional(),
  severity: z.enum(['hard', 'soft']),
  reason: Text,
});
export type Violation = z.infer<typeof ViolationSchema>;

/** "Not feeling 100%": the runner is ill or hurt for some days from `date`. */
export const HealthReportSchema = z.object({
  kind: z.enum(['illness', 'injury']),
  date: IsoDateSchema,
  days: z.number().int().min(1).max(60),
  notes: Text.max(2000).optional(),
});
export type HealthReport = z.infer<typeof HealthReportSchema>;
