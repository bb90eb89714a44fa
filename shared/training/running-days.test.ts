import { describe, expect, it } from 'vitest';
import { minRunningDays, tooFewDays } from './running-days.ts';

describe('the fewest running days a goal needs', () => {
  it('asks 3 days for a half marathon and a marathon, and says why', () => {
    expect(minRunningDays({ kind: 'race', target_race_distance_meters: 21_097.5 })).toBe(3);
    expect(minRunningDays({ kind: 'race', target_race_distance_meters: 42_195 })).toBe(3);
    expect(tooFewDays({ kind: 'race', target_race_distance_meters: 21_097.5 }, 1)).toMatch(
      /^A half marathon needs at least 3 running days a week.*you said 1\./,
    );
    expect(tooFewDays({ kind: 'race', target_race_distance_meters: 42_195 }, 2)).toMatch(/^A marathon needs at least 3/);
    expect(tooFewDays({ kind: 'race', target_race_distance_meters: 42_195 }, 3)).toBeNull();
  });

  it('leaves shorter races and mileage goals to the engine (1 day and up)', () => {
    expect(tooFewDays({ kind: 'race', target_race_distance_meters: 10_000 }, 1)).toBeNull();
    expect(tooFewDays({ kind: 'mileage' }, 1)).toBeNull();
  });
});
