import fc from 'fast-check';
import { PACE_TARGETS, SIMPLE_SEGMENT_TYPES, WorkoutStructureSchema, type PaceTarget, type Step, type WorkoutStructure } from '../schema/workout.ts';

// Arbitrary workout structures for property tests: valid ones in our stored (canonical) form,
// and any of them spelled the way other writers send it (the seed's printed structure, an LLM,
// another tool): null for absent fields, pace targets in other cases and names.

/** Where the user's seed document sits, from the repository's root (a copy in docs/seeds, so a fresh clone needs nothing beside it). */
export const SEED_DOCUMENT_FROM_REPO = 'docs/seeds/000_97f6b78e24367d09.txt';

/** The JSON the seed prints under "## Workout Structure JSONB Schema", parsed as it stands. */
export function seedStructure(document: string): unknown {
  const heading = document.indexOf('## Workout Structure JSONB Schema');
  const block = heading < 0 ? null : /```json\n([\s\S]*?)```/.exec(document.slice(heading));
  if (!block) throw new Error('the seed has no ```json block under "## Workout Structure JSONB Schema"');
  return JSON.parse(block[1]!) as unknown;
}

// Stored structures come from JSON: plain objects, never fast-check's null-prototype records.
const plain = { noNullPrototype: true } as const;
const targetArb = fc.option(fc.constantFrom(...PACE_TARGETS), { nil: undefined });
const endArb = (maxSeconds: number, maxMeters: number) =>
  fc.oneof(
    fc.record({ duration_seconds: fc.integer({ min: 1, max: maxSeconds }) }, plain),
    fc.record({ distance_meters: fc.double({ min: 1, max: maxMeters, noNaN: true }) }, plain),
    fc.constant({ open: true as const }),
  );
const stepArb = (maxSeconds: number, maxMeters: number): fc.Arbitrary<Step> =>
  fc
    .tuple(endArb(maxSeconds, maxMeters), targetArb, fc.option(fc.string({ unit: 'binary', maxLength: 500 }), { nil: undefined }))
    .map(([end, pace_target, notes]) => ({
      ...end,
      ...(pace_target ? { pace_target } : {}),
      ...(notes !== undefined ? { notes } : {}),
    }));
// Simple steps range up to the per-step limits; repeated ones stay small so totals fit.
const blockStep = stepArb(600, 2000);
const segmentArb = fc.oneof(
  fc.tuple(fc.constantFrom(...SIMPLE_SEGMENT_TYPES), stepArb(18_000, 60_000)).map(([type, s]) => ({ type, ...s })),
  fc
    .record(
      { type: fc.constant('interval' as const), repeats: fc.integer({ min: 1, max: 50 }), work: blockStep, recovery: fc.option(blockStep, { nil: undefined }) },
      plain,
    )
    .map(({ recovery, ...rest }) => (recovery ? { ...rest, recovery } : rest)),
  fc.record(
    { type: fc.constant('repeat' as const), repeats: fc.integer({ min: 1, max: 12 }), steps: fc.array(blockStep, { minLength: 1, maxLength: 10 }) },
    plain,
  ),
);

/** Any valid structure, in the canonical form we store: absent fields left out, lower-case targets. */
export const structureArb: fc.Arbitrary<WorkoutStructure> = fc
  .array(segmentArb, { minLength: 1, maxLength: 10 })
  .map((segments) => ({ segments }) as WorkoutStructure)
  .filter((structure) => WorkoutStructureSchema.safeParse(structure).success);

// Names for a target that mean it to any runner (the schema's aliases, written as people do).
const OTHER_NAMES: Partial<Record<PaceTarget, string[]>> = {
  half: ['Half Marathon', 'half_marathon', 'HMP'],
  marathon: ['MP', 'Marathon pace'],
  '5k': ['5km'],
  '10k': ['10 KM'],
};

/** `target` as another writer may spell it: upper case, capitalised, "… pace", another name. */
function paceSpelling(target: PaceTarget): fc.Arbitrary<string> {
  const capitalised = target[0]!.toUpperCase() + target.slice(1);
  return fc.constantFrom(target, target.toUpperCase(), capitalised, `${capitalised} pace`, ...(OTHER_NAMES[target] ?? []));
}

const OPTIONAL_STEP_KEYS = ['duration_seconds', 'distance_meters', 'open', 'pace_target', 'notes'] as const;

/** `step` with some of its absent optional fields given as null and its target respelled. */
function spellStep<S extends Step>(step: S): fc.Arbitrary<Record<string, unknown>> {
  const nulls = fc.subarray(OPTIONAL_STEP_KEYS.filter((key) => step[key] === undefined));
  const target = step.pace_target === undefined ? fc.constant({}) : paceSpelling(step.pace_target).map((pace_target) => ({ pace_target }));
  return fc.tuple(nulls, target).map(([absent, respelled]) => ({ ...step, ...Object.fromEntries(absent.map((key) => [key, null])), ...respelled }));
}

/** `value`, or null for it when it is absent. */
const orNull = (value: unknown): fc.Arbitrary<unknown> => (value === undefined ? fc.constantFrom(undefined, null) : fc.constant(value));

/** Drops the keys whose value is undefined, as JSON would. */
const defined = (object: Record<string, unknown>) => Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined));

/**
 * `structure` as another writer may send it: nulls for some absent optional fields (steps,
 * interval recoveries, block notes) and pace targets in other spellings. It parses to `structure`.
 */
export function otherSpelling(structure: WorkoutStructure): fc.Arbitrary<unknown> {
  const segments = structure.segments.map((segment): fc.Arbitrary<unknown> => {
    if (segment.type === 'interval') {
      const recovery = segment.recovery ? spellStep(segment.recovery) : orNull(undefined);
      return fc
        .tuple(spellStep(segment.work), recovery, orNull(segment.notes))
        .map(([work, rest, notes]) => defined({ ...segment, work, recovery: rest, notes }));
    }
    if (segment.type === 'repeat') {
      return fc.tuple(fc.tuple(...segment.steps.map(spellStep)), orNull(segment.notes)).map(([steps, notes]) => defined({ ...segment, steps, notes }));
    }
    return spellStep(segment);
  });
  return fc.tuple(...segments).map((list) => ({ segments: list }));
}
