import { describe, expect, it } from 'vitest';
import { addDays, intensityOf, planWeekStart, structureBars, targetsOf, weekProgress } from './workout-view.ts';

describe('workout view helpers', () => {
  it('expands intervals into bars coloured by intensity', () => {
    const bars = structureBars(
      { segments: [{ type: 'warmup', duration_seconds: 600, pace_target: 'easy' }, { type: 'interval', repeats: 3, work: { distance_meters: 1000, pace_target: 'interval' }, recovery: { duration_seconds: 120 } }] },
      null,
    );
    expect(bars.map((b) => b.intensity)).toEqual(['easy', 'max', 'easy', 'max', 'easy', 'max', 'easy']);
    expect(bars[0]!.seconds).toBe(600);
    expect(bars[1]!.seconds).toBeGreaterThan(0);
  });

  it('names the targets once, in order', () => {
    expect(targetsOf({ segments: [{ type: 'steady', duration_seconds: 60, pace_target: 'tempo' }, { type: 'cooldown', duration_seconds: 60, pace_target: 'easy' }, { type: 'steady', duration_seconds: 60, pace_target: 'tempo' }] })).toEqual(['tempo', 'easy']);
    expect(intensityOf(undefined)).toBe('easy');
  });

  it('counts a week planned vs done', () => {
    const workouts = [
      { id: 'a', scheduled_date: '2025-03-03', planned_distance_meters: 8000, type: 'easy' },
      { id: 'b', scheduled_date: '2025-03-05', planned_distance_meters: 10000, type: 'tempo' },
      { id: 'c', scheduled_date: '2025-03-10', planned_distance_meters: 5000, type: 'easy' },
    ];
    const done = new Map([['a', { status: 'completed', distance_meters: 8200 }]]);
    expect(weekProgress(workouts, done, '2025-03-03')).toEqual({ plannedMeters: 18000, doneMeters: 8200, sessions: 2, sessionsDone: 1 });
  });

  it('finds the plan week of a date', () => {
    expect(planWeekStart('2025-03-01', '2025-03-09')).toBe('2025-03-08');
    expect(addDays('2025-02-28', 1)).toBe('2025-03-01');
  });
});
