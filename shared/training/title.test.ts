import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitFilename } from '../fit/workout-file.ts';
import { propertyRuns, propertyTimeout } from '../testing/properties.ts';
import { inputArb } from './arbitraries.test-helpers.ts';
import { generatePlan } from './engine.ts';
import { workoutTitle } from './title.ts';

describe('workoutTitle (issue 18 §7)', () => {
  it(
    'words a km runner’s engine workout as the engine titled it: the derivation reads every session shape',
    () => {
      fc.assert(
        fc.property(inputArb(), (input) => {
          const r = generatePlan(input);
          if (!r.ok) return;
          for (const w of r.plan.workouts) expect(workoutTitle(w, 'km')).toBe(w.title);
        }),
        { ...propertyRuns(15) },
      );
    },
    propertyTimeout(120_000, 15),
  );

  it(
    'words a miles runner’s workouts in miles, never km',
    () => {
      fc.assert(
        fc.property(inputArb(), (input) => {
          const r = generatePlan(input);
          if (!r.ok) return;
          for (const w of r.plan.workouts) expect(workoutTitle(w, 'mi')).not.toMatch(/\bkm\b/);
        }),
        { ...propertyRuns(10) },
      );
    },
    propertyTimeout(120_000, 10),
  );

  it('follows an edit: the title is the steps’, not the stored one', () => {
    const stale = {
      workout_type: 'easy',
      title: 'Easy 8.8 km',
      structure: { segments: [{ type: 'steady' as const, distance_meters: 9656, pace_target: 'easy' as const }] },
    };
    expect(workoutTitle(stale, 'mi')).toBe('Easy 6.0 mi');
    expect(workoutTitle(stale, 'km')).toBe('Easy 9.7 km');
    const reps = {
      workout_type: 'intervals',
      structure: {
        segments: [
          { type: 'warmup' as const, distance_meters: 2000, pace_target: 'easy' as const },
          {
            type: 'interval' as const,
            repeats: 6,
            work: { distance_meters: 800, pace_target: 'interval' as const },
            recovery: { duration_seconds: 120, pace_target: 'jog' as const },
          },
          { type: 'cooldown' as const, distance_meters: 2000, pace_target: 'easy' as const },
        ],
      },
    };
    expect(workoutTitle(reps, 'mi')).toBe('Intervals: 6 × 800 m');
    const race = { workout_type: 'race', structure: { segments: [{ type: 'steady' as const, distance_meters: 42195, pace_target: 'race' as const }] } };
    expect(workoutTitle(race, 'mi')).toBe('Race: 26.2 mi');
    expect(workoutTitle({ workout_type: 'rest', title: 'Rest', structure: null }, 'mi')).toBe('Rest day');
    // The stored title lends only its name; every figure comes from the steps, in the runner's unit.
    const block = { segments: [{ type: 'steady' as const, distance_meters: 8047, pace_target: 'threshold' as const }] };
    expect(workoutTitle({ workout_type: 'threshold', title: 'Lactate-threshold run: 6.4 km', structure: block }, 'mi')).toBe('Lactate-threshold run: 5.0 mi');
    const hills = {
      segments: [
        {
          type: 'interval' as const,
          repeats: 8,
          work: { duration_seconds: 60, pace_target: 'repetition' as const },
          recovery: { duration_seconds: 90, pace_target: 'jog' as const },
        },
      ],
    };
    expect(workoutTitle({ workout_type: 'repetition', title: 'Hill repeats', structure: hills }, 'km')).toBe('Hill repeats: 8 × 1 min');
    expect(workoutTitle({ workout_type: 'cross_training', title: 'Swim', structure: null }, 'mi')).toBe('Swim');
  });
});

describe('fitFilename', () => {
  it('keeps a decimal point: 9.2 stays 9.2, not 92', () => {
    expect(fitFilename('2026-12-07', 'Easy 9.2 km')).toBe('2026-12-07-easy-9.2-km.fit');
    expect(fitFilename('2026-12-07', 'Intervals: 6 × 800 m')).toBe('2026-12-07-intervals-6-x-800-m.fit');
    expect(fitFilename('2026-12-07', 'Easy 5.7 mi + 6 strides')).toBe('2026-12-07-easy-5.7-mi-6-strides.fit');
  });
});
