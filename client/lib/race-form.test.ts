import { describe, expect, it } from 'vitest';
import { easyPaceFromRace, parsePace, parseTime, readDecimal } from './race-form.ts';

describe('race form helpers', () => {
  it('reads times and paces as the runner types them', () => {
    expect(parseTime('25:30', 5000)).toEqual({ ok: true, seconds: 1530 });
    expect(parseTime('1:52:00', 21_097.5)).toEqual({ ok: true, seconds: 6720 });
    expect(parseTime('1:75:00', 21_097.5).ok).toBe(false);
    expect(parseTime('fast', 5000).ok).toBe(false);
    expect(parsePace('9:30')).toBe(570);
    expect(parsePace('9:75')).toBeNull();
  });

  it('reads "1:45" for a half marathon as 1 h 45 min, and questions a time faster than the world record (issue 18 §4)', () => {
    expect(parseTime('1:45', 21_097.5)).toEqual({ ok: true, seconds: 6300 });
    expect(parseTime('3:45', 42_195)).toEqual({ ok: true, seconds: 13_500 });
    expect(parseTime('1:45', 42_195)).toMatchObject({ ok: false, message: expect.stringContaining('faster than the world record for the marathon (2:00:35)') });
    expect(parseTime('1:45', 10_000)).toEqual({ ok: false, message: '1:45 is faster than the world record for the 10K (26:11). Did you mean 1:45:00?' });
    // Read as 1:45:00, a half marathon's easy pace is a real one, not the clamped 4:00/mi.
    expect(easyPaceFromRace(21_097.5, 6300)).toBeGreaterThan(540);
  });

  it('accepts "5,5" as 5.5 for a distance', () => {
    expect(readDecimal('5,5')).toBe(5.5);
    expect(readDecimal('5.5')).toBe(5.5);
    expect(readDecimal('5,5 km')).toBeNull();
  });

  it('turns a recent race into an easy pace in s/mile', () => {
    // A 25:00 5K is VDOT ~38: easy running around 10:30–11:00/mi.
    const pace = easyPaceFromRace(5000, 1500);
    expect(pace).toBeGreaterThan(600);
    expect(pace).toBeLessThan(700);
  });
});
