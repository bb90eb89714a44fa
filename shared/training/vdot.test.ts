import { describe, expect, it } from 'vitest';
import { predictRace, raceTimeForVdot, riegelTime, speedForVo2, vdotFromEasyPace, vdotFromRace, vo2AtSpeed } from './vdot.ts';

describe('VDOT (Daniels–Gilbert)', () => {
  it('5 km in 24:34 is VDOT ≈ 39.1', () => {
    expect(vdotFromRace(5000, 24 * 60 + 34)).toBeCloseTo(39.1, 1);
  });

  it.each([
    [5000, 19 * 60 + 56],
    [10_000, 41 * 60 + 20],
    [21_097.5, 3600 + 31 * 60 + 31],
    [42_195, 3 * 3600 + 10 * 60 + 40],
  ])('VDOT 50 runs %d m in about %d s (within 10 s)', (meters, seconds) => {
    expect(Math.abs(raceTimeForVdot(50, meters) - seconds)).toBeLessThanOrEqual(10);
  });

  it('race time and VDOT are inverse', () => {
    for (const v of [30, 42.5, 61]) expect(vdotFromRace(10_000, raceTimeForVdot(v, 10_000))).toBeCloseTo(v, 3);
  });

  it('speed for a VO2 inverts the oxygen cost', () => {
    expect(vo2AtSpeed(speedForVo2(40))).toBeCloseTo(40, 6);
  });

  it('Riegel: doubling the distance costs 2^1.06', () => {
    expect(riegelTime(10_000, 2400, 20_000)).toBeCloseTo(2400 * Math.pow(2, 1.06), 6);
  });

  it("estimates VDOT from an easy pace at 66%, the slow half of Daniels' E range", () => {
    // 10:00/mi easy is a ~42 VDOT runner; a slower easy pace is a lower VDOT.
    expect(vdotFromEasyPace(600 / 1.609344)).toBeCloseTo(41.55, 1);
    expect(vdotFromEasyPace(660 / 1.609344)).toBeLessThan(vdotFromEasyPace(600 / 1.609344));
  });

  it('predicts a range across models that contains both', () => {
    const p = predictRace(vdotFromRace(10_000, 2700), 42_195, { distance_meters: 10_000, time_seconds: 2700 });
    expect(p.riegel_seconds).toBeDefined();
    expect(p.low_seconds).toBeLessThanOrEqual(Math.min(p.vdot_seconds, p.riegel_seconds!));
    expect(p.high_seconds).toBeGreaterThan(Math.max(p.vdot_seconds, p.riegel_seconds!));
    const noRace = predictRace(45, 5000);
    expect(noRace.high_seconds - noRace.low_seconds).toBeCloseTo(noRace.vdot_seconds * 0.1, 6);
  });
});
