import { describe, expect, it } from 'vitest';
import type { ViewRow } from './db.ts';
import { RowOverlay } from './define.ts';
import { workoutComplete, workoutDelete, workoutMove, workoutSkip, workoutUpdate } from './workouts.ts';

const USER = '00000000-0000-4000-8000-000000000001';
const W = '00000000-0000-4000-8000-0000000000bb';
const C = '00000000-0000-4000-8000-0000000000cc';
const h = (ms: number) => `${new Date(Date.parse('2026-03-02T07:00:00Z') + ms).toISOString()}-0000-aaaaaaaaaaaaaaaa`;

function run<A>(def: { apply(ctx: ReturnType<RowOverlay['context']>, args: A): void }, rows: Map<string, ViewRow | undefined>, args: A, hlc: string) {
  const overlay = new RowOverlay(rows);
  def.apply(overlay.context(USER, hlc, '2026-03-02T07:00:00.000Z'), args);
  return new Map(overlay.entries());
}

const workout: ViewRow = {
  id: W,
  user_id: USER,
  scheduled_date: '2026-03-03',
  workout_type: 'easy',
  title: 'Easy run',
  description: null,
  structure: { segments: [{ type: 'steady', duration_seconds: 1800, pace_target: 'easy' }] },
  status: 'scheduled',
  rpe: null,
  edited_by_user: false,
  deleted: false,
  _hlc: { scheduled_date: h(10) },
};
const rows = () => new Map<string, ViewRow | undefined>([[`workouts:${W}`, workout], [`workout_completions:${C}`, undefined]]);

describe('workout mutations, applied locally as the server applies them', () => {
  it('edits field by field, marks the workout as the runner\'s, and loses to a newer clock', () => {
    const structure = { segments: [{ type: 'steady' as const, duration_seconds: 1200 }] };
    const edited = run(workoutUpdate, rows(), { id: W, set: { structure }, reason: 'short on time' }, h(20)).get(`workouts:${W}`)!;
    expect(edited).toMatchObject({ structure, edited_by_user: true, _pending: true });
    const retyped = run(workoutUpdate, rows(), { id: W, set: { workout_type: 'tempo', description: 'Hold it steady' } }, h(20)).get(`workouts:${W}`)!;
    expect(retyped).toMatchObject({ workout_type: 'tempo', description: 'Hold it steady', _hlc: { workout_type: h(20), description: h(20) } });
    expect(run(workoutMove, rows(), { id: W, scheduled_date: '2026-03-04' }, h(5)).get(`workouts:${W}`)).toEqual(workout);
    expect(run(workoutMove, rows(), { id: W, scheduled_date: '2026-03-04' }, h(20)).get(`workouts:${W}`)).toMatchObject({ scheduled_date: '2026-03-04' });
    expect(run(workoutDelete, rows(), { id: W }, h(20)).get(`workouts:${W}`)).toMatchObject({ deleted: true });
  });

  it('sizes a new structure as the server will (its planned distance and minutes), so a swap made offline shows the right distance', () => {
    const profile: ViewRow = { user_id: USER, easy_pace_per_mile_seconds: 540, current_weekly_mileage_miles: 30, days_available_per_week: 5, injury_notes: null, time_zone: 'UTC', _hlc: {} };
    const withProfile = () => new Map(rows()).set(`user_profiles:${USER}`, profile);
    const tempo = { ...workout, workout_type: 'tempo', estimated_distance_meters: 12_000, estimated_duration_minutes: 60 };
    const base = () => withProfile().set(`workouts:${W}`, tempo);
    const easy5k = { segments: [{ type: 'steady' as const, distance_meters: 5000, pace_target: 'easy' as const }] };
    const edited = run(workoutUpdate, base(), { id: W, set: { structure: easy5k, workout_type: 'easy' } }, h(20));
    expect(edited.get(`workouts:${W}`)).toMatchObject({ estimated_distance_meters: 5000, workout_type: 'easy' });
    // 5 km at the middle of the easy range: between 25 and 40 minutes for a 9:00/mi easy runner.
    const minutes = Number(edited.get(`workouts:${W}`)!.estimated_duration_minutes);
    expect(minutes).toBeGreaterThan(25);
    expect(minutes).toBeLessThan(40);
    // The profile is only read.
    expect(edited.get(`user_profiles:${USER}`)).toBe(profile);
    // A change that is not to the structure, a structure edit that loses, or no paces yet: the figures stay.
    expect(run(workoutUpdate, base(), { id: W, set: { title: 'Tempo!' } }, h(20)).get(`workouts:${W}`)).toMatchObject({ estimated_distance_meters: 12_000 });
    const newer = { ...tempo, _hlc: { structure: h(30) } };
    expect(run(workoutUpdate, withProfile().set(`workouts:${W}`, newer), { id: W, set: { structure: easy5k } }, h(20)).get(`workouts:${W}`)).toMatchObject({ estimated_distance_meters: 12_000 });
    // Swapped for rest (a poor morning): no planned distance or time, as the server stores it.
    expect(run(workoutUpdate, base(), { id: W, set: { workout_type: 'rest', title: 'Rest day' } }, h(20)).get(`workouts:${W}`)).toMatchObject({
      workout_type: 'rest',
      estimated_distance_meters: null,
      estimated_duration_minutes: null,
    });
    const noPace = new Map(base()).set(`user_profiles:${USER}`, { ...profile, easy_pace_per_mile_seconds: null });
    expect(run(workoutUpdate, noPace, { id: W, set: { structure: easy5k } }, h(20)).get(`workouts:${W}`)).toMatchObject({ estimated_distance_meters: 12_000 });
  });

  it('records one completion per workout and mirrors its verdict on the workout', () => {
    const done = run(workoutComplete, rows(), { id: W, completion_id: C, rpe: 6, notes: 'fine' }, h(20));
    expect(done.get(`workout_completions:${C}`)).toMatchObject({ id: C, workout_id: W, completion_status: 'completed', rpe: 6, notes: 'fine', strava_activity_id: null });
    expect(done.get(`workouts:${W}`)).toMatchObject({ status: 'completed', rpe: 6 });
    const skipped = run(workoutSkip, done, { id: W, completion_id: C }, h(30));
    expect(skipped.get(`workout_completions:${C}`)).toMatchObject({ completion_status: 'skipped', rpe: null, notes: null });
    const gone = new Map(rows()).set(`workouts:${W}`, { ...workout, deleted: true });
    expect(run(workoutComplete, gone, { id: W, completion_id: C }, h(20)).get(`workout_completions:${C}`)).toBeUndefined();
  });
});
