import { describe, expect, it } from 'vitest';
import type { PaceTable, WorkoutStructure } from '../schema/workout.ts';
import { decodeWorkout, describeStep } from './decode.ts';
import { encodeWorkout, type EncodeWorkoutInput } from './encode.ts';

const table = {
  easy: { slow_seconds_per_km: 370, fast_seconds_per_km: 335 },
  jog: { slow_seconds_per_km: 450, fast_seconds_per_km: 390 },
  interval: { slow_seconds_per_km: 245, fast_seconds_per_km: 238 },
} as Partial<PaceTable>;

const structure: WorkoutStructure = {
  segments: [
    { type: 'warmup', duration_seconds: 900, pace_target: 'easy' },
    {
      type: 'interval',
      repeats: 6,
      work: { distance_meters: 800, pace_target: 'interval' },
      recovery: { duration_seconds: 120, pace_target: 'jog' },
      notes: 'Even splits',
    },
    { type: 'cooldown', duration_seconds: 600, pace_target: 'easy' },
  ],
};

const input = (patch: Partial<EncodeWorkoutInput> = {}): EncodeWorkoutInput => ({
  name: 'Intervals 6×800 m',
  structure,
  targets: { kind: 'pace', table },
  serialNumber: 0x1234abcd,
  timeCreated: new Date('2026-04-12T07:30:00Z'),
  ...patch,
});

/** The issues of a refused input; fails the test if bytes were produced. */
function refused(value: EncodeWorkoutInput): Array<{ path: string; message: string }> {
  const result = encodeWorkout(value);
  expect(result.ok).toBe(false);
  expect('bytes' in result).toBe(false);
  return result.ok ? [] : result.issues;
}

describe('encodeWorkout', () => {
  it('writes the messages docs/FIT.md §"Messages of a workout file" asks for', () => {
    const result = encodeWorkout(input());
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const decoded = decodeWorkout(result.bytes);
    if (!decoded.ok) throw new Error(JSON.stringify(decoded.issues));
    expect(decoded.workout).toMatchObject({
      name: 'Intervals 6×800 m',
      sport: 'running',
      sub_sport: 'generic',
      num_valid_steps: 5,
      manufacturer: 'development',
      product: 0,
      serial_number: 0x1234abcd,
      time_created: '2026-04-12T07:30:00.000Z',
    });
    expect(decoded.workout.steps.map(describeStep)).toEqual([
      '0 Warm up: 900 s, 5:35–6:10 /km (2.703–2.985 m/s), warmup — Easy 5:35–6:10 /km',
      '1 800 m I: 800 m, 3:58–4:05 /km (4.082–4.202 m/s), active — Even splits · Interval 3:58–4:05 /km',
      '2 Jog: 120 s, 6:30–7:30 /km (2.222–2.564 m/s), recovery — Jog 6:30–7:30 /km',
      '3 Repeat: repeat from step 1, 6 times in all',
      '4 Cool down: 600 s, 5:35–6:10 /km (2.703–2.985 m/s), cooldown — Easy 5:35–6:10 /km',
    ]);
  });

  it('is deterministic: same input, same bytes, whatever the key order of the input', () => {
    const a = encodeWorkout(input());
    const reordered = JSON.parse(JSON.stringify(structure), (_key, value: unknown) =>
      value && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).reverse()) : value,
    ) as WorkoutStructure;
    const b = encodeWorkout(input({ structure: reordered, timeCreated: new Date('2026-04-12T07:30:00.999Z') }));
    if (!a.ok || !b.ok) throw new Error('encode failed');
    expect(Buffer.from(b.bytes).equals(Buffer.from(a.bytes))).toBe(true);
    expect(a.bytes.length).toBeLessThan(600);
  });

  it('keeps step names short and cuts long notes on a character boundary', () => {
    const long = 'é'.repeat(400);
    const result = encodeWorkout(
      input({ structure: { segments: [{ type: 'steady', distance_meters: 21_097.5, pace_target: 'easy', notes: `line one\nline two\u0000 ${long}` }] } }),
    );
    if (!result.ok) throw new Error('encode failed');
    const step = result.steps[0]!;
    expect(step.wktStepName).toBe('Easy');
    expect(step.notes!.startsWith('line one line two é')).toBe(true);
    expect(step.notes!.endsWith('…')).toBe(true);
    expect(new TextEncoder().encode(step.notes).length).toBeLessThanOrEqual(254);
    const decoded = decodeWorkout(result.bytes);
    expect(decoded.ok && decoded.workout.steps[0]!.notes).toBe(step.notes);
  });

  it('names block steps like a coach writes them', () => {
    const result = encodeWorkout(
      input({
        structure: {
          segments: [
            {
              type: 'repeat',
              repeats: 3,
              steps: [
                { duration_seconds: 90, pace_target: 'interval' },
                { duration_seconds: 60, pace_target: 'jog' },
                { distance_meters: 1609.344 },
                { open: true, pace_target: 'interval' },
              ],
            },
            { type: 'strides', duration_seconds: 20 },
          ],
        },
      }),
    );
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.steps.map((s) => s.wktStepName)).toEqual(['1:30 I', 'Jog', '1 mi', 'Interval', undefined, 'Strides']);
  });
});

describe('encodeWorkout refuses bad input with readable issues and no bytes', () => {
  it('an invalid structure', () => {
    const bad = { segments: [{ type: 'interval', repeats: 0, work: { distance_meters: 800, duration_seconds: 60 } }] } as unknown as WorkoutStructure;
    const issues = refused(input({ structure: bad }));
    expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining(['structure.segments[0].repeats', 'structure.segments[0].work.distance_meters']));
  });

  it.each([
    ['no segments', { segments: [] }],
    ['a step without an end', { segments: [{ type: 'steady', pace_target: 'easy' }] }],
    ['NaN seconds', { segments: [{ type: 'steady', duration_seconds: Number.NaN }] }],
    ['a negative distance', { segments: [{ type: 'steady', distance_meters: -5 }] }],
    ['an unknown segment type', { segments: [{ type: 'sprint', duration_seconds: 30 }] }],
    ['an unknown pace target', { segments: [{ type: 'steady', duration_seconds: 30, pace_target: 'warp' }] }],
    ['too much work in total', { segments: [{ type: 'interval', repeats: 50, work: { distance_meters: 10_000 } }] }],
    ['not an object at all', 'six by eight hundred'],
  ])('%s', (_label, bad) => {
    const issues = refused(input({ structure: bad as unknown as WorkoutStructure }));
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.every((i) => i.path.startsWith('structure') && i.message.length > 0)).toBe(true);
  });

  it('a target missing from the table, or a reversed range', () => {
    expect(refused(input({ targets: { kind: 'pace', table: { easy: table.easy!, jog: table.jog! } } }))).toEqual([
      { path: 'targets.table.interval', message: 'the pace table has no range for "interval"' },
    ]);
    const reversed = { ...table, jog: { slow_seconds_per_km: 390, fast_seconds_per_km: 450 } };
    expect(refused(input({ targets: { kind: 'pace', table: reversed } }))[0]!.path).toBe('targets.table.jog');
    const hr = { easy: { low_bpm: 140, high_bpm: 150 }, jog: { low_bpm: 120, high_bpm: 130 }, interval: { low_bpm: 180, high_bpm: 170 } };
    expect(refused(input({ targets: { kind: 'heart_rate', table: hr } }))[0]!.path).toBe('targets.table.interval');
  });

  it.each([
    ['serialNumber', { serialNumber: 0 }],
    ['serialNumber', { serialNumber: 1.5 }],
    ['serialNumber', { serialNumber: 2 ** 32 }],
    ['timeCreated', { timeCreated: new Date('not a date') }],
    ['timeCreated', { timeCreated: '2026-04-12T07:30:00Z' as unknown as Date }],
    ['timeCreated', { timeCreated: new Date('1995-01-01T00:00:00Z') }],
    ['name', { name: '   ' }],
    ['name', { name: 'a'.repeat(255) }],
    ['name', { name: 'two\nlines' }],
  ])('a bad %s', (path, patch) => {
    expect(refused(input(patch as Partial<EncodeWorkoutInput>)).map((i) => i.path)).toEqual([path]);
  });
});
