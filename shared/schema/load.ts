/** Training load (fitness, fatigue, form) shapes: the query of GET /api/training-load and its answer. */
import { z } from 'zod';
import { daysBetween, isIsoDate } from '../training/dates.ts';

/** How a run's load was scored: pace (rTSS), heart rate (hrTSS) or its duration alone. */
export const LOAD_METHODS = ['rtss', 'hrtss', 'duration_estimate'] as const;
export const LoadMethodSchema = z.enum(LOAD_METHODS);
export type LoadMethod = z.infer<typeof LoadMethodSchema>;

/** Form (TSB) in runner words, freshest first; thresholds live in shared/training/load-series.ts. */
export const FORM_BANDS = ['detraining', 'fresh', 'neutral', 'productive', 'overreaching'] as const;
export const FormBandSchema = z.enum(FORM_BANDS);
export type FormBand = z.infer<typeof FormBandSchema>;

/** The longest range one request may ask for: three years (a leap day included). */
export const MAX_LOAD_RANGE_DAYS = 3 * 365 + 1;

const DateParam = (name: string) =>
  z
    .string({ error: `${name} is required: a date like 2026-03-01` })
    .refine(isIsoDate, { message: `${name} must be a real date written YYYY-MM-DD, like 2026-03-01` });

/** GET /api/training-load?from=YYYY-MM-DD&to=YYYY-MM-DD: both days included. */
export const TrainingLoadQuerySchema = z
  .object({ from: DateParam('from'), to: DateParam('to') })
  .strict()
  .superRefine((q, ctx) => {
    if (!isIsoDate(q.from) || !isIsoDate(q.to)) return;
    const span = daysBetween(q.from, q.to);
    if (span < 0) ctx.addIssue({ code: 'custom', path: ['from'], message: `from (${q.from}) is after to (${q.to}): swap them` });
    else if (span + 1 > MAX_LOAD_RANGE_DAYS) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `the range covers ${span + 1} days; ask for at most 3 years (${MAX_LOAD_RANGE_DAYS} days) at a time`,
      });
    }
  });
export type TrainingLoadQuery = z.infer<typeof TrainingLoadQuerySchema>;

/** One day of the chart. `tsb` is form at the start of the day (yesterday's CTL − ATL). */
export const LoadDaySchema = z.object({
  date: z.iso.date(),
  /** Load of the runs done that day. */
  load: z.number().min(0),
  /** Load of the plan's open workouts that day, counted in the forecast (0 before today). */
  planned: z.number().min(0),
  ctl: z.number(),
  atl: z.number(),
  tsb: z.number(),
  /** CTL change over the last 7 days (fitness points per week). */
  ramp: z.number(),
  band: FormBandSchema,
  /** From today on, the numbers assume the remaining plan is run as written. */
  forecast: z.boolean(),
});
export type LoadDay = z.infer<typeof LoadDaySchema>;

/** One done run's load and how it was scored. */
export const RunLoadSchema = z.object({
  activity_id: z.string(),
  date: z.iso.date(),
  load: z.number().min(0),
  method: LoadMethodSchema,
  grade_adjusted: z.boolean(),
});

/** Something the forecast says about the plan, in a runner's words (never blocks saving). */
export const LoadFindingSchema = z.object({
  rule: z.enum(['fitness_ramp', 'race_day_form']),
  severity: z.literal('soft'),
  date: z.iso.date(),
  value: z.number(),
  reason: z.string(),
});
export type LoadFinding = z.infer<typeof LoadFindingSchema>;

/** The answer of GET /api/training-load. */
export const TrainingLoadResponseSchema = z.object({
  from: z.iso.date(),
  to: z.iso.date(),
  today: z.iso.date(),
  /** The runner's time constants (their profile's, else 42 and 7). */
  constants: z.object({ ctl_days: z.number(), atl_days: z.number() }),
  /** What heart-rate scored runs (method `hrtss`) were measured against: null without the runner's max and resting heart rate. */
  heart_rate: z
    .object({ max_heart_rate: z.number(), resting_heart_rate: z.number(), threshold_heart_rate: z.number(), source: z.enum(['lthr', 'karvonen', 'age']) })
    .nullable(),
  /** The pace a load of 100 per hour stands for, or null when the profile has no pace to go on. */
  threshold: z.object({ pace_seconds_per_km: z.number(), source: z.enum(['race', 'runs', 'easy_pace']) }).nullable(),
  race: z.object({ date: z.iso.date(), tsb: z.number().nullable(), band: FormBandSchema.nullable() }).nullable(),
  findings: z.array(LoadFindingSchema),
  notes: z.array(z.string()),
  runs: z.array(RunLoadSchema),
  days: z.array(LoadDaySchema),
});
export type TrainingLoadResponse = z.infer<typeof TrainingLoadResponseSchema>;
