import { z } from 'zod';
import { BAD_TEXT_MESSAGE, isStorableText } from './text.ts';
import { toIssues, type Issue } from './issues.ts';

/**
 * The pace-target vocabulary of a workout step (docs/TRAINING.md §Paces). Each maps onto a
 * Daniels zone; `jog` and `recovery` are the slow ranges used between hard bouts.
 */
export const PACE_TARGETS = [
  'easy',
  'recovery',
  'jog',
  'long',
  'marathon',
  'threshold',
  'tempo',
  'interval',
  'repetition',
  '5k',
  '10k',
  'half',
  'race',
] as const;
export const PaceTargetSchema = z.enum(PACE_TARGETS, {
  error: `is not a pace target: use one of ${PACE_TARGETS.slice(0, -1).join(', ')} or ${PACE_TARGETS.at(-1)}`,
});
export type PaceTarget = z.infer<typeof PaceTargetSchema>;

// Spellings of the vocabulary that runners, coaches and the seed's printed structure use
// ("5K", "Half Marathon", "MP"). Only names that mean one target to any runner; a letter
// alone (R: recovery or repetition?) stays refused.
const PACE_TARGET_ALIASES: Readonly<Record<string, PaceTarget>> = {
  halfmarathon: 'half',
  hmp: 'half',
  mp: 'marathon',
  '5km': '5k',
  '10km': '10k',
};

/**
 * The pace target a spelling names, read case-insensitively without spaces, hyphens and
 * underscores ("Half-Marathon", "10 km") and with a trailing "pace" dropped ("10K pace");
 * anything else is returned unchanged, for the enum to refuse in its own words.
 */
function canonicalPaceTarget(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const key = value
    .toLowerCase()
    .replace(/[\s_-]+/g, '')
    .replace(/pace$/, '');
  if ((PACE_TARGETS as readonly string[]).includes(key)) return key;
  return PACE_TARGET_ALIASES[key] ?? value;
}

// Normalised before the enum, so stored structures only ever hold the canonical words. The
// input side stays the enum (a JSON Schema for the coach asks for canonical words); its type
// is `string`, since any casing is welcome.
const PaceTargetInputSchema = z.preprocess<unknown, typeof PaceTargetSchema, string>(canonicalPaceTarget, PaceTargetSchema);

/** Limits that keep a structure within what a runner (and a watch) can do. */
export const STEP_LIMITS = {
  maxStepSeconds: 5 * 3600,
  maxStepMeters: 60_000,
  maxRepeats: 50,
  maxSegments: 40,
  maxNotesLength: 500,
  /** The whole workout: no planned session is longer than this. */
  maxTotalSeconds: 6 * 3600,
  maxTotalMeters: 60_000,
} as const;

// JSON says "absent" with null as often as by leaving the key out (the seed's printed structure
// does, and so do LLMs and other tools): every optional field takes null, and withoutNulls
// then drops the key, so the parsed (and stored) form is the one it always was.
const NotesSchema = z.string().max(STEP_LIMITS.maxNotesLength).nullish();

const stepFields = {
  duration_seconds: z.number().int().min(1).max(STEP_LIMITS.maxStepSeconds).nullish(),
  distance_meters: z.number().min(1).max(STEP_LIMITS.maxStepMeters).nullish(),
  open: z.literal(true).nullish(),
  pace_target: PaceTargetInputSchema.nullish(),
  notes: NotesSchema,
};

/** `T` with every null-valued key left out, its types without `null`. */
type WithoutNulls<T> = { [K in keyof T]: Exclude<T[K], null> };

/** The parsed object without its null fields: null stood for "absent". */
function withoutNulls<T extends object>(value: T): WithoutNulls<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null)) as WithoutNulls<T>;
}

type StepEnds = { duration_seconds?: number | null; distance_meters?: number | null; open?: true | null };

/** A step ends after a time, a distance, or at the lap button: exactly one of the three. */
function requireOneEnd(step: StepEnds, ctx: z.RefinementCtx): void {
  const ends = [step.duration_seconds, step.distance_meters, step.open].filter((v) => v !== undefined && v !== null);
  if (ends.length === 0) {
    ctx.addIssue({
      code: 'custom',
      message: 'a step needs duration_seconds, distance_meters or open: true',
      path: ['duration_seconds'],
    });
  } else if (ends.length > 1) {
    ctx.addIssue({
      code: 'custom',
      message: 'give only one of duration_seconds, distance_meters or open',
      path: [step.distance_meters !== undefined && step.distance_meters !== null ? 'distance_meters' : 'open'],
    });
  }
}

/** One step a runner does, inside an interval or repeat block. */
export const StepSchema = z.object(stepFields).strict().superRefine(requireOneEnd).transform(withoutNulls);
export type Step = z.infer<typeof StepSchema>;

export const SIMPLE_SEGMENT_TYPES = ['warmup', 'steady', 'cooldown', 'recovery', 'strides'] as const;
export type SimpleSegmentType = (typeof SIMPLE_SEGMENT_TYPES)[number];

/** A single step with a role: warm-up, steady running, cool-down, a recovery jog. */
export const SimpleSegmentSchema = z
  .object({ type: z.enum(SIMPLE_SEGMENT_TYPES), ...stepFields })
  .strict()
  .superRefine(requireOneEnd)
  .transform(withoutNulls);
export type SimpleSegment = z.infer<typeof SimpleSegmentSchema>;

/** `repeats` × (work, then recovery if given): the classic interval block. */
export const IntervalSegmentSchema = z
  .object({
    type: z.literal('interval'),
    repeats: z.number().int().min(1).max(STEP_LIMITS.maxRepeats),
    work: StepSchema,
    recovery: StepSchema.nullish(),
    notes: NotesSchema,
  })
  .strict()
  .transform(withoutNulls);

/** `repeats` × a sequence of steps, for blocks with more than work + recovery (ladders, combos). */
export const RepeatSegmentSchema = z
  .object({
    type: z.literal('repeat'),
    repeats: z.number().int().min(1).max(STEP_LIMITS.maxRepeats),
    steps: z.array(StepSchema).min(1).max(10),
    notes: NotesSchema,
  })
  .strict()
  .transform(withoutNulls);

export const SegmentSchema = z.discriminatedUnion('type', [IntervalSegmentSchema, RepeatSegmentSchema, SimpleSegmentSchema]);
export type Segment = z.infer<typeof SegmentSchema>;
export type IntervalSegment = z.infer<typeof IntervalSegmentSchema>;
export type RepeatSegment = z.infer<typeof RepeatSegmentSchema>;

/** Sums the timed and the measured steps of a structure, repeats included (open steps count 0). */
export function structureTotals(structure: { segments: ReadonlyArray<Segment> }): { seconds: number; meters: number } {
  let seconds = 0;
  let meters = 0;
  const add = (step: StepEnds, times: number): void => {
    seconds += (step.duration_seconds ?? 0) * times;
    meters += (step.distance_meters ?? 0) * times;
  };
  for (const seg of structure.segments) {
    if (seg.type === 'interval') {
      add(seg.work, seg.repeats);
      if (seg.recovery) add(seg.recovery, seg.repeats);
    } else if (seg.type === 'repeat') {
      for (const step of seg.steps) add(step, seg.repeats);
    } else add(seg, 1);
  }
  return { seconds, meters };
}

/** The JSONB `workouts.structure`: an ordered list of segments. */
export const WorkoutStructureSchema = z
  .object({ segments: z.array(SegmentSchema).min(1).max(STEP_LIMITS.maxSegments) })
  .strict()
  // Each step is bounded, but 50 repeats of a 5 h step is not; bound the whole session too.
  .superRefine((structure, ctx) => {
    const totals = structureTotals(structure);
    if (totals.seconds > STEP_LIMITS.maxTotalSeconds) {
      ctx.addIssue({ code: 'custom', message: `the timed steps add up to more than ${STEP_LIMITS.maxTotalSeconds / 3600} h`, path: ['segments'] });
    }
    if (totals.meters > STEP_LIMITS.maxTotalMeters) {
      ctx.addIssue({ code: 'custom', message: `the measured steps add up to more than ${STEP_LIMITS.maxTotalMeters / 1000} km`, path: ['segments'] });
    }
  });
export type WorkoutStructure = z.infer<typeof WorkoutStructureSchema>;

/**
 * A structure as a runner, a device or the coach sends it for storing: every note also storable
 * text (no NUL, no unpaired surrogate; issue 15), each refusal naming the note's path. The FIT
 * encoder reads stored structures with WorkoutStructureSchema and copes with any string itself.
 */
export const StorableStructureSchema = WorkoutStructureSchema.superRefine((structure, ctx) => {
  const check = (notes: string | undefined, path: (string | number)[]) => {
    if (notes !== undefined && !isStorableText(notes)) ctx.addIssue({ code: 'custom', message: BAD_TEXT_MESSAGE, path: [...path, 'notes'] });
  };
  structure.segments.forEach((segment, i) => {
    check(segment.notes, ['segments', i]);
    if (segment.type === 'interval') {
      check(segment.work.notes, ['segments', i, 'work']);
      check(segment.recovery?.notes, ['segments', i, 'recovery']);
    } else if (segment.type === 'repeat') segment.steps.forEach((step, j) => check(step.notes, ['segments', i, 'steps', j]));
  });
});

/** Validates an unknown value as a workout structure; problems come back as readable issues. */
export function validateStructure(input: unknown): { ok: true; structure: WorkoutStructure } | { ok: false; issues: Issue[] } {
  const parsed = WorkoutStructureSchema.safeParse(input);
  return parsed.success ? { ok: true, structure: parsed.data } : { ok: false, issues: toIssues(parsed.error) };
}

/** The kind of session a workout row is (its headline, not its steps). */
export const WORKOUT_TYPES = [
  'easy',
  'long',
  'recovery',
  'tempo',
  'threshold',
  'intervals',
  'repetition',
  'marathon_pace',
  'progression',
  'fartlek',
  'race',
  'rest',
  'cross_training',
] as const;
export const WorkoutTypeSchema = z.enum(WORKOUT_TYPES);
export type WorkoutType = z.infer<typeof WorkoutTypeSchema>;

/** A pace range in seconds per km; `slow` is the larger number. */
export interface PaceRange {
  slow_seconds_per_km: number;
  fast_seconds_per_km: number;
}
/** A heart-rate range in beats per minute. */
export interface HeartRateRange {
  low_bpm: number;
  high_bpm: number;
}
/** The runner's targets for every pace target of the vocabulary. */
export type PaceTable = Record<PaceTarget, PaceRange>;
export type HeartRateTable = Record<PaceTarget, HeartRateRange>;
