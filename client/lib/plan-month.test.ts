import { describe, expect, it } from 'vitest';
import { monthTitle, planMonth, shiftMonth } from './plan-month.ts';

// A plan for a Sunday race made on a Monday: its weeks begin on Sunday (issue 18 §3), so a
// Monday-based lookup found none of them.
const week = (index: number, start: string, phase: 'base' | 'build' | 'taper', extra: Partial<{ is_recovery: boolean; is_taper: boolean }> = {}) => ({
  index,
  start_date: start,
  phase,
  is_recovery: false,
  is_taper: false,
  estimated_distance_meters: 30_000,
  ...extra,
});
const plan = {
  weeks: [
    week(0, '2026-11-29', 'base'),
    week(1, '2026-12-06', 'base'),
    week(2, '2026-12-13', 'build', { is_recovery: true }),
    week(3, '2026-12-20', 'build'),
    week(4, '2026-12-27', 'taper', { is_taper: true }),
    week(5, '2027-01-03', 'taper', { is_taper: true }),
  ],
};
const run = (id: string, date: string, meters: number, type = 'easy') => ({ id, scheduled_date: date, estimated_distance_meters: meters, workout_type: type });
const workouts = [
  run('a', '2026-12-06', 16_000, 'long'),
  run('b', '2026-12-08', 8_000),
  run('r', '2026-12-09', 8_000, 'rest'),
  run('c', '2026-12-10', 10_000, 'tempo'),
  run('race', '2027-01-03', 21_097.5, 'race'),
];
const done = new Map([
  ['a', { completion_status: 'completed', distance_meters: 16_400 }],
  ['b', { completion_status: 'skipped', distance_meters: null }],
]);

describe('the plan month view', () => {
  it('lists the plan weeks touching the month, beginning on the plan weekday, with totals and labels', () => {
    const rows = planMonth(plan, workouts, done, '2026-12', '2026-12-08', '2027-01-03');
    expect(rows.map((r) => r.start)).toEqual(['2026-11-29', '2026-12-06', '2026-12-13', '2026-12-20', '2026-12-27']);
    const current = rows[1]!;
    expect(current).toMatchObject({ dates: '6–12 Dec', isCurrent: true, plannedMeters: 34_000, doneMeters: 16_400, labels: ['Base'] });
    expect(current.days.map((d) => d.day)).toEqual([6, 7, 8, 9, 10, 11, 12]);
    expect(current.days[0]).toMatchObject({ meters: 16_000, done: true });
    // A rest row plans nothing, and a skipped run is not done.
    expect(current.days[3]!.meters).toBe(0);
    expect(current.days[2]).toMatchObject({ meters: 8_000, done: false, isToday: true });
    expect(rows[2]!.labels).toEqual(['Build', 'Recovery']);
    // No workouts on the device for a week: the plan's own estimate.
    expect(rows[3]!.plannedMeters).toBe(30_000);
    expect(rows[0]!.days[0]!.inMonth).toBe(false);
  });

  it('marks the race week as the race', () => {
    const rows = planMonth(plan, workouts, done, '2027-01', '2026-12-08', '2027-01-03');
    expect(rows.map((r) => r.start)).toEqual(['2026-12-27', '2027-01-03']);
    expect(rows[1]).toMatchObject({ isRace: true, labels: ['Taper', 'Race week'], isCurrent: false });
    expect(rows[1]!.days[0]).toMatchObject({ isRace: true, meters: 21_097.5 });
  });

  it('moves between months across a year', () => {
    expect(shiftMonth('2026-12', 1)).toBe('2027-01');
    expect(shiftMonth('2027-01', -1)).toBe('2026-12');
    expect(monthTitle('2027-01')).toBe('January 2027');
  });
});
