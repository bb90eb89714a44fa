import { describe, expect, it } from 'vitest';
import { easyPaceFromRace, parsePace, parseTime } from './race-form.ts';

describe('race form helpers', () => {
  it('reads times and paces as the runner types them', () => {
    expect(parseTime('25:30')).toBe(1530);
    expect(parseTime('1:52:00')).toBe(6720);
    expect(parseTime('1:75:00')).toBeNull();
    expect(parseTime('fast')).toBeNull();
    expect(parsePace('9:30')).toBe(570);
    expect(parsePace('9:75')).toBeNull();
  });

  it('turns a recent race into an easy pace in s/mile', () => {
    // A 25:00 5K is VDOT ~38: easy running around 10:30–11:00/mi.
    const pace = easyPaceFromRace(5000, 1500);
    expect(pace).toBeGreaterThan(600);
    expect(pace).toBeLessThan(700);
  });
});
