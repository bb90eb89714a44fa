import { describe, expect, it } from 'vitest';
import { applyEdits, easyStructure, planChange, scaleStructure } from './changes.ts';

// The change vocabulary on plain workouts: what each kind does and what it refuses.

const w = (id: string, date: string, type = 'easy', structure: unknown = { segments: [{ type: 'steady', distance_meters: 8000, pace_target: 'easy' }] }) => ({
  id,
  scheduled_date: date,
  workout_type: type,
  title: id,
  structure,
  estimated_duration_minutes: 45,
});
const list = [
  w('a', '2026-03-01'),
  w('b', '2026-03-03'),
  w('c', '2026-03-05', 'intervals', {
    segments: [
      { type: 'warmup', duration_seconds: 600, pace_target: 'easy' },
      { type: 'interval', repeats: 6, work: { duration_seconds: 180, pace_target: 'interval' }, recovery: { duration_seconds: 120, pace_target: 'jog' } },
    ],
  }),
  w('r', '2026-03-08', 'race'),
];
const today = '2026-03-02';
const change = (c: Record<string, unknown>) => planChange({ reason: 'why', workout_id: 'b', ...c } as never, list, today);

describe('planChange', () => {
  it('moves, swaps, rests and eases coming workouts', () => {
    expect(change({ kind: 'move', new_date: '2026-03-04' })).toMatchObject({
      ok: true,
      edits: [{ workout: { id: 'b' }, set: { scheduled_date: '2026-03-04' } }],
    });
    expect(change({ kind: 'swap', other_workout_id: 'c' })).toMatchObject({
      ok: true,
      edits: [{ set: { scheduled_date: '2026-03-05' } }, { workout: { id: 'c' }, set: { scheduled_date: '2026-03-03' } }],
    });
    const rest = change({ kind: 'rest' });
    expect(rest.ok && applyEdits(list, rest.edits).map((x) => x.id)).toEqual(['a', 'c', 'r']);
    expect(change({ kind: 'easy', workout_id: 'c' })).toMatchObject({ ok: true, edits: [{ set: { workout_type: 'easy', structure: easyStructure(2700) } }] });
  });

  it('refuses the past, the race, unknown ids and no-ops', () => {
    expect(change({ kind: 'rest', workout_id: 'a' })).toMatchObject({ ok: false, code: 'in_the_past' });
    expect(change({ kind: 'move', new_date: '2026-03-01' })).toMatchObject({ ok: false, code: 'in_the_past' });
    expect(change({ kind: 'move', workout_id: 'r', new_date: '2026-03-09' })).toMatchObject({ ok: false, code: 'race_day_fixed' });
    expect(change({ kind: 'swap', other_workout_id: 'zzz' })).toMatchObject({ ok: false, code: 'not_found' });
    expect(change({ kind: 'rest', workout_id: 'someone-elses' })).toMatchObject({ ok: false, code: 'not_found' });
    expect(change({ kind: 'easy' })).toMatchObject({ ok: false, code: 'not_applicable' });
  });
});

describe('scaleStructure', () => {
  it('shortens steady parts and drops interval repeats, keeping bouts their length', () => {
    const scaled = scaleStructure(list[2]!.structure as never, 0.5);
    expect(scaled.segments).toEqual([
      { type: 'warmup', duration_seconds: 300, pace_target: 'easy' },
      { type: 'interval', repeats: 3, work: { duration_seconds: 180, pace_target: 'interval' }, recovery: { duration_seconds: 120, pace_target: 'jog' } },
    ]);
    expect(scaleStructure(list[1]!.structure as never, 0.7).segments[0]).toMatchObject({ distance_meters: 5600 });
  });
});
