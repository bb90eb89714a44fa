import { describe, expect, it } from 'vitest';
import type { WorkoutStructure } from '#shared/schema/workout.ts';
import { fromForm, newLadder, toForm, type SegmentForm } from './structure-form.ts';

const structure: WorkoutStructure = {
  segments: [
    { type: 'warmup', duration_seconds: 600, pace_target: 'easy' },
    { type: 'interval', repeats: 5, work: { distance_meters: 1000, pace_target: 'interval' }, recovery: { duration_seconds: 120, pace_target: 'jog' } },
    { type: 'repeat', repeats: 2, steps: [{ duration_seconds: 60 }, { duration_seconds: 30 }] },
    { type: 'cooldown', open: true },
  ],
};

describe('workout editor form', () => {
  it('round-trips a structure through the form in km', () => {
    const forms = toForm(structure, 'km');
    expect(forms[1]).toMatchObject({ kind: 'interval', repeats: '5', work: { end: 'distance', amount: '1' } });
    expect(fromForm(forms, 'km')).toEqual({ ok: true, structure });
  });

  it('converts distances typed in miles', () => {
    const forms = toForm({ segments: [{ type: 'steady', distance_meters: 1609.3, pace_target: 'tempo' }] }, 'mi');
    expect(forms[0]).toMatchObject({ step: { amount: '1' } });
    const result = fromForm(forms, 'mi');
    expect(result.ok && result.structure.segments[0]).toMatchObject({ distance_meters: 1609.3 });
  });

  it('reads a distance typed with a decimal comma, "5,5", as 5.5 (issue 18 §4)', () => {
    const result = fromForm([{ kind: 'simple', type: 'steady', step: { end: 'distance', amount: '5,5', target: 'easy' } }], 'km');
    expect(result.ok && result.structure.segments[0]).toMatchObject({ distance_meters: 5500 });
  });

  it('reports unreadable entries and schema limits with their place', () => {
    const forms = toForm(structure, 'km');
    if (forms[1]!.kind === 'interval') forms[1]!.repeats = '0';
    if (forms[0]!.kind === 'simple') forms[0]!.step.amount = 'ten';
    const result = fromForm(forms, 'km');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues.map((i) => i.path)).toEqual(['segments.0', 'segments.1.repeats']);
    const long = fromForm([{ kind: 'simple', type: 'steady', step: { end: 'distance', amount: '70', target: '' } }], 'km');
    expect(long.ok).toBe(false);
  });

  it('edits a ladder: its count, its inner steps, adding and removing steps', () => {
    const forms = toForm(structure, 'km');
    const ladder = forms[2]!;
    expect(ladder).toEqual({
      kind: 'repeat',
      repeats: '2',
      steps: [
        { end: 'time', amount: '1:00', target: '' },
        { end: 'time', amount: '0:30', target: '' },
      ],
      notes: undefined,
    });
    if (ladder.kind !== 'repeat') throw new Error('not a repeat block');
    ladder.repeats = '3';
    ladder.steps[0] = { end: 'distance', amount: '0.4', target: 'repetition' };
    ladder.steps.push({ end: 'distance', amount: '0.8', target: 'interval' });
    ladder.steps.splice(1, 1);
    const result = fromForm(forms, 'km');
    expect(result.ok && result.structure.segments[2]).toEqual({
      type: 'repeat',
      repeats: 3,
      steps: [
        { distance_meters: 400, pace_target: 'repetition' },
        { distance_meters: 800, pace_target: 'interval' },
      ],
    });
  });

  it('adds a new ladder of steps that vary, which saves as a repeat block', () => {
    const result = fromForm([...toForm(structure, 'mi'), newLadder()], 'mi');
    expect(result.ok && result.structure.segments.at(-1)).toMatchObject({
      type: 'repeat',
      repeats: 1,
      steps: [{ duration_seconds: 60 }, { duration_seconds: 60 }, { duration_seconds: 120 }, { duration_seconds: 60 }, { duration_seconds: 180 }],
    });
  });

  it('names the segment and step of each problem', () => {
    const forms: SegmentForm[] = [
      {
        kind: 'repeat',
        repeats: '2.5',
        steps: [
          { end: 'time', amount: '1:00', target: 'interval' },
          { end: 'time', amount: '1:75', target: 'jog' },
        ],
      },
      { kind: 'interval', repeats: '4', work: { end: 'distance', amount: '-1', target: 'interval' }, recovery: null },
      { kind: 'repeat', repeats: '1', steps: [] },
      { kind: 'simple', type: 'steady', step: { end: 'distance', amount: '70', target: '' } },
    ];
    const result = fromForm(forms, 'km');
    expect(!result.ok && result.issues).toEqual([
      { path: 'segments.0.repeats', message: 'Segment 1: repeats must be a whole number from 1 to 50.' },
      { path: 'segments.0.steps.1', message: 'Segment 1, step 2: enter the time as minutes:seconds, e.g. 10:00.' },
      { path: 'segments.1.work', message: 'Segment 2, work: enter a distance in km, e.g. 0.5.' },
      { path: 'segments.2.steps', message: 'Segment 3: a repeat block holds 1 to 10 steps.' },
      { path: 'segments.3', message: 'Segment 4: a step covers at most 60 km.' },
    ]);
    expect(fromForm([], 'km')).toEqual({ ok: false, issues: [{ path: 'segments', message: 'A workout needs at least one segment.' }] });
  });

  it('says when the whole workout is too long, though each step is fine', () => {
    const result = fromForm(
      [
        {
          kind: 'repeat',
          repeats: '20',
          steps: [
            { end: 'distance', amount: '2', target: 'easy' },
            { end: 'distance', amount: '2', target: 'jog' },
          ],
        },
      ],
      'km',
    );
    expect(!result.ok && result.issues).toEqual([
      { path: 'segments', message: 'The whole workout is too long: the measured steps add up to more than 60 km.' },
    ]);
  });
});
