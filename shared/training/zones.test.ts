import { describe, expect, it } from 'vitest';
import { midPace, paceZones } from './paces.ts';
import { runnerFitness } from './rules.ts';
import { perMileToPerKm } from './units.ts';
import { vdotFromRace } from './vdot.ts';
import { fitnessFromRuns, fitnessFromSources, heartRateZonesOf, runnerZones, vdotRangeFromEasyPace } from './zones.ts';

// docs/TRAINING.md §Fitness: the runner's VDOT from a recent race, else their best recent effort,
// else their easy pace (a range, with the words asking for a race); heart-rate zones from LTHR,
// else Karvonen, else an age-predicted max with a note.

const today = '2026-03-02';
const HALF = 21_097.5;
const profile = { current_weekly_mileage_miles: 25, days_available_per_week: 4, easy_pace_per_mile_seconds: 600 };
const run = (date: string, km: number, minutes: number) => ({ date, distance_meters: km * 1000, duration_seconds: minutes * 60 });
// A runner's usual easy runs at 10:00/mi (6:13/km), and one hard 10 km.
const easyRuns = [run('2026-02-20', 8, 50), run('2026-02-24', 6, 37.5), run('2026-02-27', 10, 62)];
const tempo = run('2026-02-25', 10, 47);

describe('where the VDOT comes from', () => {
  it('takes a race of the last 8 weeks first, over any run', () => {
    const race = { distance_meters: HALF, time_seconds: 6000, date: '2026-02-01' };
    const fitness = fitnessFromSources({ ...profile, recent_race: race }, today, [...easyRuns, run('2026-02-26', 10, 40)]);
    expect(fitness).toMatchObject({ source: 'race', range: null, note: 'From your 1:40:00 half marathon on 2026-02-01' });
    expect(fitness.vdot).toBeCloseTo(vdotFromRace(HALF, 6000), 6);
    expect(fitness.vdot).toBeGreaterThan(44.5);
    expect(fitness.vdot).toBeLessThan(45.5);
  });

  it('takes the best hard run of the last 8 weeks next, discounted 3% as a training effort', () => {
    const fitness = fitnessFromSources(profile, today, [...easyRuns, tempo]);
    expect(fitness.source).toBe('runs');
    expect(fitness.vdot).toBeCloseTo(vdotFromRace(10_000, 47 * 60) * 0.97, 6);
    expect(fitness.note).toBe('From your best run of the last 8 weeks: 10.0 km in 47:00 on 2026-02-25');
  });

  it('does not read fitness from easy runs, short bursts, runs older than 8 weeks or GPS slips', () => {
    expect(fitnessFromRuns(easyRuns, today, vdotRangeFromEasyPace(perMileToPerKm(600)).vdot)).toBeNull();
    expect(fitnessFromRuns([run('2026-02-25', 2, 7)], today, 40)).toBeNull();
    expect(fitnessFromRuns([run('2025-12-20', 10, 40)], today, 40)).toBeNull();
    expect(fitnessFromRuns([run('2026-02-25', 10, 20)], today, 40)).toBeNull();
    // Without an easy pace, a run well above the runner's median run is the hard one.
    expect(fitnessFromRuns([...easyRuns, tempo], today)?.run).toEqual(tempo);
    expect(fitnessFromRuns(easyRuns, today)).toBeNull();
  });

  it('falls back to an older race, then to the easy pace as a range with the words asking for a race', () => {
    const old = { distance_meters: 10_000, time_seconds: 2700, date: '2025-11-20' };
    expect(fitnessFromSources({ ...profile, recent_race: old }, today, easyRuns)).toMatchObject({ source: 'race' });
    expect(fitnessFromSources({ ...profile, recent_race: old }, today, easyRuns).note).toMatch(/more than 8 weeks ago/);
    const easy = fitnessFromSources(profile, today, easyRuns);
    expect(easy.source).toBe('easy_pace');
    expect(easy.note).toBe('Estimated from your easy pace — enter a recent race to sharpen it');
    expect(easy.range!.low).toBe(easy.vdot);
    expect(easy.range!.high).toBeGreaterThan(easy.vdot + 2);
    // The slow half of Daniels' E range: the typed pace sits between E's middle and its slow end.
    const zones = paceZones(easy.vdot);
    expect(perMileToPerKm(600)).toBeGreaterThan(zones.E.fast_seconds_per_km);
    expect(perMileToPerKm(600)).toBeLessThanOrEqual(zones.E.slow_seconds_per_km);
    // (66% of VDOT: the middle of the range by effort, within a second of its middle by pace.)
    expect(perMileToPerKm(600)).toBeGreaterThanOrEqual(midPace(zones.E) - 1);
  });

  it('is what the engine reads: runnerFitness with the runs, and the profile alone without them', () => {
    expect(runnerFitness(profile, today, [...easyRuns, tempo]).source).toBe('runs');
    expect(runnerFitness(profile, today)).toEqual({ vdot: fitnessFromSources(profile, today).vdot, source: 'easy_pace' });
  });
});

describe('the runner zones', () => {
  it('gives a 1:40 half runner VDOT ≈ 45 paces in their unit and Karvonen bpm from 178/52', () => {
    const zones = runnerZones(
      { ...profile, recent_race: { distance_meters: HALF, time_seconds: 6000, date: '2026-02-15' }, max_heart_rate: 178, resting_heart_rate: 52, units: 'km' },
      today,
    );
    expect(zones.vdot).toBeCloseTo(45, 0);
    expect(zones.vdot_source).toBe('race');
    // Daniels' VDOT 45: T ≈ 4:38/km (278 s), M ≈ 4:57/km (297 s).
    expect(Math.abs(midPace(zones.pace.T) - 278)).toBeLessThanOrEqual(3);
    expect(Math.abs(midPace(zones.pace.M) - 297)).toBeLessThanOrEqual(3);
    expect(zones.pace.T.slow_seconds_per_unit).toBe(zones.pace.T.slow_seconds_per_km);
    expect(zones.heart_rate).toMatchObject({ source: 'karvonen', max_heart_rate: 178, resting_heart_rate: 52, note: null });
    // Karvonen: threshold at 84–90% of the reserve (126 beats) above 52.
    expect(zones.heart_rate!.zones.T).toEqual({ low_bpm: Math.round(52 + 0.84 * 126), high_bpm: Math.round(52 + 0.9 * 126) });
    const miles = runnerZones({ ...profile, units: 'mi' }, today);
    expect(miles.pace.E.slow_seconds_per_unit).toBeCloseTo(miles.pace.E.slow_seconds_per_km * 1.609344, 6);
  });

  it('says where heart-rate zones come from: LTHR, Karvonen, or Tanaka for the age with a note; none with nothing known', () => {
    expect(heartRateZonesOf({ max_heart_rate: 180, resting_heart_rate: 50, threshold_heart_rate: 165 })).toMatchObject({ source: 'lthr', note: null });
    const aged = heartRateZonesOf({ age: 55, resting_heart_rate: 55 })!;
    expect(aged.source).toBe('age');
    expect(aged.max_heart_rate).toBe(170); // 208 − 0.7 × 55 = 169.5
    expect(aged.note).toMatch(/predicted from your age \(Tanaka: 208 − 0.7 × age\)/);
    // A 55-year-old's threshold sits well under the 165–173 a 185/60 default gave.
    expect(aged.zones.T.high_bpm).toBeLessThan(165);
    expect(heartRateZonesOf({ max_heart_rate: 180 })!.note).toMatch(/add your resting heart rate/);
    expect(heartRateZonesOf({})).toBeNull();
  });
});
