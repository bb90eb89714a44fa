import { describe, expect, it } from 'vitest';
import { PACE_TARGETS } from '../schema/workout.ts';
import { estimateWorkout } from './estimate.ts';
import { heartRateTable, midPace, paceTable, paceZones, racePace } from './paces.ts';
import { formatDistance, formatDuration, formatPace, kmToMiles, milesToKm, perKmToPerMile, perMileToPerKm } from './units.ts';
import { raceTimeForVdot } from './vdot.ts';

describe('pace zones and the pace table', () => {
  const table = paceTable(50, { goal_pace_seconds_per_km: 270 });

  it('has a range for every pace target, slow end ≥ fast end', () => {
    for (const t of PACE_TARGETS) {
      expect(table[t].slow_seconds_per_km).toBeGreaterThanOrEqual(table[t].fast_seconds_per_km);
      expect(table[t].fast_seconds_per_km).toBeGreaterThan(100);
    }
  });

  it('orders the zones: jog and recovery slower than easy, easy slower than M, T, I, R', () => {
    expect(midPace(table.jog)).toBeGreaterThan(midPace(table.easy));
    expect(midPace(table.recovery)).toBeGreaterThan(midPace(table.easy));
    expect(table.recovery.slow_seconds_per_km).toBeGreaterThan(table.easy.slow_seconds_per_km);
    const order = [table.easy, table.marathon, table.threshold, table.interval, table.repetition].map(midPace);
    for (let i = 1; i < order.length; i++) expect(order[i]!).toBeLessThan(order[i - 1]!);
  });

  it('matches Daniels for VDOT 50: T ≈ 4:15/km, I ≈ 3:55/km, M from the marathon prediction', () => {
    const z = paceZones(50);
    expect(z.T.fast_seconds_per_km).toBeGreaterThan(245);
    expect(z.T.fast_seconds_per_km).toBeLessThan(262);
    expect(z.I.fast_seconds_per_km).toBeGreaterThan(228);
    expect(z.I.fast_seconds_per_km).toBeLessThan(242);
    expect(midPace(z.M)).toBeCloseTo(raceTimeForVdot(50, 42_195) / 42.195, 6);
  });

  it('race-pace targets come from predicted race times; race is the goal pace', () => {
    expect(midPace(table['5k'])).toBeCloseTo(racePace(50, 5000), 6);
    expect(midPace(table.half)).toBeCloseTo(racePace(50, 21_097.5), 6);
    expect(midPace(table.race)).toBe(270);
    expect(midPace(paceTable(50, { race_distance_meters: 10_000 }).race)).toBeCloseTo(racePace(50, 10_000), 6);
  });
});

describe('heart-rate table', () => {
  it('uses Karvonen with the given max and resting HR', () => {
    const hr = heartRateTable({ max_hr: 190, resting_hr: 50 });
    expect(hr.easy).toEqual({ low_bpm: Math.round(50 + 0.6 * 140), high_bpm: Math.round(50 + 0.75 * 140) });
    for (const t of PACE_TARGETS) expect(hr[t].high_bpm).toBeLessThanOrEqual(190);
  });

  it('falls back to age, then defaults', () => {
    expect(heartRateTable({ age: 40 }).repetition.high_bpm).toBe(180);
    expect(heartRateTable().repetition.high_bpm).toBe(185);
    expect(heartRateTable({}, 42_195).race).toEqual(heartRateTable().marathon);
  });
});

describe('units', () => {
  it('converts and formats', () => {
    expect(milesToKm(26.2188)).toBeCloseTo(42.195, 3);
    expect(kmToMiles(10)).toBeCloseTo(6.2137, 4);
    expect(perKmToPerMile(perMileToPerKm(443))).toBeCloseTo(443, 9);
    expect(formatPace(275)).toBe('4:35/km');
    expect(formatPace(275, 'mi')).toBe('7:23/mi');
    expect(formatDuration(3 * 3600 + 10 * 60 + 40)).toBe('3:10:40');
    expect(formatDuration(1196)).toBe('19:56');
    expect(formatDistance(42_195, 'mi')).toBe('26.2 mi');
  });
});

describe('estimateWorkout', () => {
  const paces = paceTable(50);
  it('adds time and distance across steps and repeats, by zone', () => {
    const e = estimateWorkout(
      {
        segments: [
          { type: 'warmup', distance_meters: 2000 },
          { type: 'interval', repeats: 4, work: { duration_seconds: 180, pace_target: 'interval' }, recovery: { duration_seconds: 120, pace_target: 'jog' } },
        ],
      },
      paces,
    );
    expect(e.zones.I.seconds).toBe(720);
    expect(e.zones.E.meters).toBeCloseTo(2000 + (480 / midPace(paces.jog)) * 1000, 6);
    expect(e.duration_seconds).toBeCloseTo(2 * midPace(paces.easy) + 1200, 6);
    expect(e.bouts).toHaveLength(4);
    expect(e.open_steps).toBe(0);
  });

  it('assumes a default for open steps and flags them', () => {
    const e = estimateWorkout(
      {
        segments: [
          { type: 'warmup', open: true },
          { type: 'steady', duration_seconds: 600 },
        ],
      },
      paces,
    );
    expect(e.open_steps).toBe(1);
    expect(e.assumptions[0]).toContain('warmup');
    expect(e.duration_seconds).toBe(1200);
  });
});
