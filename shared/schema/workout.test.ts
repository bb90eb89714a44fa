import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { propertyRuns } from '../testing/properties.ts';
import { otherSpelling, SEED_DOCUMENT_FROM_REPO, seedStructure, structureArb } from '../testing/structures.ts';
import { toIssues } from './issues.ts';
import { BAD_TEXT_MESSAGE } from './text.ts';
import { SIMPLE_SEGMENT_TYPES, StorableStructureSchema, validateStructure, WorkoutStructureSchema, type PaceTarget, type WorkoutStructure } from './workout.ts';

// The seed prints its structure with null for absent fields and "5K"; we store absent fields
// left out and lower-case targets. Both are read; one form comes out.

// In CI the repository is cloned beside `shared/`, so the seed lives at <repo>/../shared.
const repoRoot = new URL('../../', import.meta.url);
const seed = seedStructure(readFileSync(new URL(SEED_DOCUMENT_FROM_REPO, repoRoot), 'utf8'));

const canonicalSeed: WorkoutStructure = {
  segments: [
    { type: 'warmup', duration_seconds: 600, pace_target: 'easy', notes: 'Easy jog' },
    { type: 'interval', repeats: 6, work: { distance_meters: 800, pace_target: '5k' }, recovery: { distance_meters: 400, pace_target: 'jog' } },
    { type: 'cooldown', duration_seconds: 600, pace_target: 'easy' },
  ],
};

/** The parsed structure; fails the test with the issues if refused. */
function parsed(input: unknown): WorkoutStructure {
  const result = StorableStructureSchema.safeParse(input);
  if (!result.success) throw new Error(JSON.stringify(toIssues(result.error)));
  return result.data;
}

/** The issues of a refused structure; fails the test if it was accepted. */
function issuesOf(input: unknown) {
  const result = validateStructure(input);
  if (result.ok) throw new Error(`expected ${JSON.stringify(input)} to be refused`);
  return result.issues;
}

const steady = (fields: Record<string, unknown>) => ({ segments: [{ type: 'steady', duration_seconds: 1800, ...fields }] });

describe("the seed's structure (seed §Workout Structure JSONB Schema)", () => {
  it('is printed with nulls and "5K", as this test expects', () => {
    expect(JSON.stringify(seed)).toContain('"pace_target":"5K"');
    expect(JSON.stringify(seed)).toContain('"distance_meters":null');
  });

  it('parses as printed, to our canonical form: null fields left out, "5K" read as 5k', () => {
    expect(parsed(seed)).toStrictEqual(canonicalSeed);
    expect(WorkoutStructureSchema.parse(seed)).toStrictEqual(canonicalSeed);
    expect(validateStructure(seed)).toStrictEqual({ ok: true, structure: canonicalSeed });
  });

  it('leaves a structure already in canonical form (every stored one) as it is', () => {
    expect(parsed(canonicalSeed)).toStrictEqual(canonicalSeed);
    expect(JSON.stringify(parsed(seed))).toBe(JSON.stringify(canonicalSeed));
  });
});

describe('null is read as absent', () => {
  it.each([
    ['a simple segment', steady({ distance_meters: null, open: null, pace_target: null, notes: null }), steady({})],
    [
      'a work step',
      { segments: [{ type: 'interval', repeats: 3, work: { duration_seconds: 60, distance_meters: null, open: null, pace_target: null, notes: null } }] },
      { segments: [{ type: 'interval', repeats: 3, work: { duration_seconds: 60 } }] },
    ],
    [
      'an interval without recovery or notes',
      { segments: [{ type: 'interval', repeats: 3, work: { open: true }, recovery: null, notes: null }] },
      { segments: [{ type: 'interval', repeats: 3, work: { open: true } }] },
    ],
    [
      'a repeat block',
      { segments: [{ type: 'repeat', repeats: 2, steps: [{ duration_seconds: null, distance_meters: 400, pace_target: '5K', notes: null }], notes: null }] },
      { segments: [{ type: 'repeat', repeats: 2, steps: [{ distance_meters: 400, pace_target: '5k' }] }] },
    ],
  ])('in %s', (_label, input, expected) => {
    expect(parsed(input)).toStrictEqual(expected);
  });

  it('everywhere optional at once, with targets in any case', () => {
    const input = {
      segments: [
        { type: 'warmup', duration_seconds: null, distance_meters: 2000, open: null, pace_target: 'Easy', notes: null },
        {
          type: 'interval',
          repeats: 5,
          work: { duration_seconds: 180, distance_meters: null, open: null, pace_target: '10K', notes: 'Relaxed' },
          recovery: { duration_seconds: null, distance_meters: null, open: true, pace_target: null, notes: null },
          notes: null,
        },
        { type: 'repeat', repeats: 2, steps: [{ duration_seconds: null, distance_meters: 1000, open: null, pace_target: 'HALF', notes: null }], notes: null },
        { type: 'cooldown', duration_seconds: null, distance_meters: null, open: true, pace_target: null, notes: null },
      ],
    };
    expect(parsed(input)).toStrictEqual({
      segments: [
        { type: 'warmup', distance_meters: 2000, pace_target: 'easy' },
        { type: 'interval', repeats: 5, work: { duration_seconds: 180, pace_target: '10k', notes: 'Relaxed' }, recovery: { open: true } },
        { type: 'repeat', repeats: 2, steps: [{ distance_meters: 1000, pace_target: 'half' }] },
        { type: 'cooldown', open: true },
      ],
    });
  });
});

describe('pace targets are read in any case and in the names runners use', () => {
  it.each<[string, PaceTarget]>([
    ['5K', '5k'],
    ['10K', '10k'],
    ['Easy', 'easy'],
    ['HALF', 'half'],
    ['Threshold', 'threshold'],
    [' tempo ', 'tempo'],
    ['10K pace', '10k'],
    ['race_pace', 'race'],
    ['Half Marathon', 'half'],
    ['half_marathon', 'half'],
    ['half-marathon', 'half'],
    ['HMP', 'half'],
    ['MP', 'marathon'],
    ['Marathon pace', 'marathon'],
    ['5km', '5k'],
    ['10 KM', '10k'],
  ])('%j is %s', (spelling, target) => {
    expect(parsed(steady({ pace_target: spelling })).segments[0]).toStrictEqual({ type: 'steady', duration_seconds: 1800, pace_target: target });
  });
});

describe('a structure that is truly wrong is still refused, in words a runner reads', () => {
  const NOT_A_TARGET = 'is not a pace target: use one of easy, recovery, jog, long, marathon, threshold, tempo, interval, repetition, 5k, 10k, half or race';

  it.each([['warp'], ['R'], ['pace'], [''], ['null'], [5], [true]])('a pace target of %j', (target) => {
    expect(issuesOf(steady({ pace_target: target }))).toEqual([{ path: 'segments[0].pace_target', message: NOT_A_TARGET }]);
  });

  it('a step whose every end is null has no end', () => {
    expect(issuesOf({ segments: [{ type: 'steady', duration_seconds: null, distance_meters: null, open: null, pace_target: '5K' }] })).toEqual([
      { path: 'segments[0].duration_seconds', message: 'a step needs duration_seconds, distance_meters or open: true' },
    ]);
  });

  it('a step with two ends still has one too many, whatever the nulls beside them', () => {
    expect(issuesOf({ segments: [{ type: 'interval', repeats: 4, work: { duration_seconds: 60, distance_meters: 400, open: null } }] })).toEqual([
      { path: 'segments[0].work.distance_meters', message: 'give only one of duration_seconds, distance_meters or open' },
    ]);
  });

  it('null where a value is required', () => {
    expect(issuesOf({ segments: [{ type: 'interval', repeats: null, work: { duration_seconds: 60 } }] })).toEqual([
      { path: 'segments[0].repeats', message: 'Invalid input: expected number, received null' },
    ]);
    expect(issuesOf({ segments: [{ type: 'interval', repeats: 3, work: null }] })).toEqual([
      { path: 'segments[0].work', message: 'Invalid input: expected object, received null' },
    ]);
    expect(issuesOf({ segments: [{ type: 'repeat', repeats: 3, steps: null }] })[0]!.path).toBe('segments[0].steps');
    expect(issuesOf({ segments: null })[0]!.path).toBe('segments');
    expect(issuesOf(null)[0]!.path).toBe('');
  });

  it('open: false, a bad number or an unknown field, null or not', () => {
    expect(issuesOf(steady({ duration_seconds: undefined, open: false }))[0]!.path).toBe('segments[0].open');
    expect(issuesOf(steady({ duration_seconds: -600 }))[0]!.path).toBe('segments[0].duration_seconds');
    expect(issuesOf(steady({ speed: null }))).toEqual([{ path: 'segments[0]', message: 'Unrecognized key: "speed"' }]);
  });

  it('a note that cannot be stored, beside nulls', () => {
    const result = StorableStructureSchema.safeParse({
      segments: [{ type: 'interval', repeats: 2, work: { distance_meters: 400, notes: 'a\u0000b', pace_target: null }, recovery: null }],
    });
    expect(result.success ? [] : toIssues(result.error)).toEqual([{ path: 'segments[0].work.notes', message: BAD_TEXT_MESSAGE }]);
  });
});

describe('types and JSON Schema', () => {
  it('the parsed type has no null; the input type takes null and any spelling', () => {
    // Simple segments share one object type whose `type` is the union of their names.
    type Simple = { type: (typeof SIMPLE_SEGMENT_TYPES)[number] };
    type Parsed = WorkoutStructure['segments'][number];
    expectTypeOf<Extract<Parsed, Simple>['pace_target']>().toEqualTypeOf<PaceTarget | undefined>();
    expectTypeOf<Extract<Parsed, Simple>['duration_seconds']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<Extract<Parsed, { type: 'interval' }>['recovery']>().toEqualTypeOf<
      { duration_seconds?: number; distance_meters?: number; open?: true; pace_target?: PaceTarget; notes?: string } | undefined
    >();
    type Input = z.input<typeof StorableStructureSchema>['segments'][number];
    expectTypeOf<Extract<Input, Simple>['pace_target']>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<Extract<Input, { type: 'interval' }>['notes']>().toEqualTypeOf<string | null | undefined>();
  });

  it("the input side still converts to JSON Schema (a coach tool's input_schema), asking for canonical targets", () => {
    const json = JSON.stringify(z.toJSONSchema(StorableStructureSchema, { io: 'input' }));
    expect(json).toContain('"enum":["easy","recovery","jog","long","marathon","threshold","tempo","interval","repetition","5k","10k","half","race"]');
    expect(json).not.toContain('"5K"');
  });
});

describe('any valid structure', () => {
  it('parses to itself, and spelled as another writer would (nulls, other cases and names) parses to it too', () => {
    fc.assert(
      fc.property(
        structureArb.chain((structure) => fc.tuple(fc.constant(structure), otherSpelling(structure))),
        ([structure, spelled]) => {
          expect(WorkoutStructureSchema.parse(structure)).toStrictEqual(structure);
          expect(WorkoutStructureSchema.parse(spelled)).toStrictEqual(structure);
        },
      ),
      propertyRuns(200),
    );
  });
});
