import { describe, expect, it } from 'vitest';
import type { WorkoutStructure } from '#shared/schema/workout.ts';
import { fromForm, toForm } from './structure-form.ts';

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
});
