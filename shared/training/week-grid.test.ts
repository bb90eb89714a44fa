import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyRuns } from '../testing/properties.ts';
import { addDays, daysBetween, weekday } from './dates.ts';
import { weekStartOf } from './week-grid.ts';

const day = fc.integer({ min: 0, max: 3000 }).map((n) => addDays('2024-01-01', n));

describe('one weekly grouping (issue 18)', () => {
  it('puts every day in exactly one 7-day week that begins on the plan’s weekday, or on Monday without a plan', () => {
    fc.assert(
      fc.property(day, day, (date, anchor) => {
        for (const grid of [anchor, null]) {
          const start = weekStartOf(date, grid);
          expect(weekday(start)).toBe(grid === null ? 1 : weekday(grid));
          expect(daysBetween(start, date)).toBeGreaterThanOrEqual(0);
          expect(daysBetween(start, date)).toBeLessThan(7);
          // Every day of that week answers the same week.
          expect(weekStartOf(addDays(start, 6), grid)).toBe(start);
          expect(weekStartOf(addDays(start, 7), grid)).toBe(addDays(start, 7));
        }
      }),
      propertyRuns(200),
    );
  });

  it('names the examples: a Sunday-race plan’s week, and Monday weeks', () => {
    expect(weekStartOf('2026-12-09', '2026-12-06')).toBe('2026-12-06');
    expect(weekStartOf('2026-12-05', '2026-12-06')).toBe('2026-11-29');
    expect(weekStartOf('2026-12-13', null)).toBe('2026-12-07');
  });
});
