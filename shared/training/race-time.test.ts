import { describe, expect, it } from 'vitest';
import { readDecimal, readRaceTime, worldRecord } from './race-time.ts';

// Issue 18 §4: "1:45" for a half marathon was read as 1 min 45 s (an easy pace clamped to 4:00/mi).

const HALF = 21_097.5;
const MARATHON = 42_195;

describe('race times as runners type them', () => {
  it('reads "1:45" for a half marathon or longer as 1 h 45 min', () => {
    expect(readRaceTime('1:45', HALF)).toEqual({ ok: true, seconds: 6300 });
    expect(readRaceTime('3:30', MARATHON)).toEqual({ ok: true, seconds: 12_600 });
    expect(readRaceTime('1:45:00', HALF)).toEqual({ ok: true, seconds: 6300 });
    // Minutes past an hour cannot be hours: "95:00" is 1:35:00.
    expect(readRaceTime('95:00', HALF)).toEqual({ ok: true, seconds: 5700 });
  });

  it('keeps mm:ss below the half marathon', () => {
    expect(readRaceTime('25:30', 5000)).toEqual({ ok: true, seconds: 1530 });
    expect(readRaceTime('48:10', 10_000)).toEqual({ ok: true, seconds: 2890 });
  });

  it('questions a time faster than the world record, in words', () => {
    expect(readRaceTime('1:45', 10_000)).toEqual({ ok: false, message: '1:45 is faster than the world record for the 10K (26:11). Did you mean 1:45:00?' });
    expect(readRaceTime('0:01:45', HALF)).toEqual({
      ok: false,
      message: '1:45 is faster than the world record for the half marathon (56:42). Enter the time as h:mm:ss or mm:ss, e.g. 1:55:00.',
    });
    expect(readRaceTime('45:00', HALF)).toMatchObject({ ok: false, message: expect.stringContaining('faster than the world record for the half marathon') });
    expect(readRaceTime('1:59:00', MARATHON)).toMatchObject({ ok: false, message: expect.stringContaining('(2:00:35)') });
    expect(readRaceTime('12:40', 5000)).toEqual({ ok: true, seconds: 760 });
  });

  it('refuses what is not a time', () => {
    for (const text of ['fast', '1:75:00', '1:5', '', '25']) expect(readRaceTime(text, 5000).ok).toBe(false);
    expect(readRaceTime('30:00', MARATHON + 1).ok).toBe(false);
  });

  it('has a record for other distances by Riegel from the nearest', () => {
    expect(worldRecord(15_000).seconds).toBeGreaterThan(worldRecord(10_000).seconds);
    expect(worldRecord(15_000).seconds).toBeLessThan(worldRecord(HALF).seconds);
  });
});

describe('distances as runners type them', () => {
  it('accepts "5,5" as 5.5', () => {
    expect(readDecimal('5,5')).toBe(5.5);
    expect(readDecimal(' 5.5 ')).toBe(5.5);
    expect(readDecimal('12')).toBe(12);
    expect(readDecimal(',5')).toBe(0.5);
    for (const text of ['', 'five', '5,5,5', '1e3', '-2']) expect(readDecimal(text)).toBeNull();
  });
});
