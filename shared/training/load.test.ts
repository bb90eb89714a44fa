import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WorkoutStructureSchema } from '../schema/workout.ts';
import { propertyRuns } from '../testing/properties.ts';
import { inputArb } from './arbitraries.test-helpers.ts';
import { generatePlan } from './engine.ts';
import { estimateWorkout } from './estimate.ts';
import { heartRateZones, loadThresholds, plannedLaps, plannedLoad, runLoad, thresholdSpeed, type LoadRun } from './load.ts';
import { paceTable } from './paces.ts';
import { runnerPaces } from './timeline.ts';
import { raceTimeForVdot } from './vdot.ts';

const VDOT = 50;
const t = loadThresholds(VDOT);
const v = thresholdSpeed(VDOT);
const paces = paceTable(VDOT);
const run = (over: Partial<LoadRun>): LoadRun => ({ activity_type: 'Run', distance_meters: v * 3600, moving_time_seconds: 3600, laps: [], ...over });

describe('threshold speed', () => {
  it('is the speed a runner of the VDOT races for one hour (Daniels–Gilbert)', () => {
    expect(raceTimeForVdot(VDOT, v * 3600)).toBeCloseTo(3600, 0);
    // VDOT 50: about 4:13/km, at the fast end of Daniels' T pace (4:15/km in his table).
    expect(1000 / v).toBeGreaterThan(paces.threshold.fast_seconds_per_km - 5);
    expect(1000 / v).toBeLessThan(paces.threshold.slow_seconds_per_km);
  });
});

describe('runLoad', () => {
  it('scores a steady hour at threshold pace at 100 rTSS', () => {
    const scored = runLoad(run({}), t)!;
    expect(scored.method).toBe('rtss');
    expect(Math.abs(scored.load - 100)).toBeLessThanOrEqual(0.5);
    expect(scored.intensity).toBeCloseTo(1, 6);
  });

  it('scores hours × IF² × 100: 90 min at 80% of threshold speed is 96', () => {
    const scored = runLoad(run({ distance_meters: 0.8 * v * 5400, moving_time_seconds: 5400 }), t)!;
    expect(scored.load).toBeCloseTo(1.5 * 0.64 * 100, 6);
  });

  it('scores an hour at threshold heart rate at about 100 hrTSS', () => {
    const zones = heartRateZones({ max_heart_rate: 190, resting_heart_rate: 50, threshold_heart_rate: 172 })!;
    const withHr = loadThresholds(VDOT, zones);
    // A treadmill hour with no distance: heart rate is the only witness.
    const treadmill = runLoad(run({ distance_meters: 0, average_heartrate: 172 }), withHr)!;
    expect(treadmill.method).toBe('hrtss');
    expect(treadmill.load).toBeCloseTo(100, 6);
    // Preferring heart rate, the same on a measured run.
    expect(runLoad(run({ average_heartrate: 172 }), withHr, { prefer: 'heart_rate' })!.load).toBeCloseTo(100, 6);
    // Trails: heart rate wins over pace when both exist.
    expect(runLoad(run({ activity_type: 'TrailRun', average_heartrate: 172 }), withHr)!.method).toBe('hrtss');
    // An easy heart rate scores well under 100.
    const easy = runLoad(run({ distance_meters: 0, average_heartrate: 140 }), withHr)!;
    expect(easy.load).toBeGreaterThan(35);
    expect(easy.load).toBeLessThan(70);
  });

  it('prefers pace when both pace and heart rate are usable on a road run', () => {
    const withHr = loadThresholds(VDOT, heartRateZones({ max_heart_rate: 190, resting_heart_rate: 50 }));
    expect(runLoad(run({ average_heartrate: 150 }), withHr)!.method).toBe('rtss');
  });

  it('scores a run with neither pace nor heart rate from its duration (an easy hour ≈ 56)', () => {
    const scored = runLoad(run({ distance_meters: 0 }), t)!;
    expect(scored.method).toBe('duration_estimate');
    expect(scored.load).toBeCloseTo(56.25, 6);
    expect(runLoad(run({}), loadThresholds(null))!.method).toBe('duration_estimate');
  });

  it('does not count rides, walks and swims', () => {
    expect(runLoad(run({ activity_type: 'Ride' }), t)).toBeNull();
    expect(runLoad(run({ activity_type: 'Walk' }), t)).toBeNull();
  });

  it('scores intervals above their average pace (4th-power mean over laps, as NGP)', () => {
    // 6 × (5 min at 1.1 × threshold, 5 min at 0.6 ×): the average is 0.85 ×.
    const laps = Array.from({ length: 12 }, (_, i) => {
      const speed = (i % 2 === 0 ? 1.1 : 0.6) * v;
      return { index: i, distance_meters: speed * 300, elapsed_time_seconds: 300, moving_time_seconds: 300 };
    });
    const distance = laps.reduce((s, l) => s + l.distance_meters, 0);
    const withLaps = runLoad(run({ distance_meters: distance, laps }), t)!;
    const withoutLaps = runLoad(run({ distance_meters: distance }), t)!;
    expect(withoutLaps.load).toBeCloseTo(0.85 ** 2 * 100, 6);
    expect(withLaps.load).toBeGreaterThan(withoutLaps.load + 5);
    expect(withLaps.intensity).toBeCloseTo((0.5 * 1.1 ** 4 + 0.5 * 0.6 ** 4) ** 0.25, 6);
  });

  it('falls back to the average when the laps do not fit (a GPS glitch, laps missing time)', () => {
    const average = runLoad(run({}), t)!.load;
    const glitch = [
      { index: 0, distance_meters: 5000, elapsed_time_seconds: 60, moving_time_seconds: 60 },
      { index: 1, distance_meters: 7000, elapsed_time_seconds: 3540, moving_time_seconds: 3540 },
    ];
    expect(runLoad(run({ laps: glitch }), t)!.load).toBeCloseTo(average, 6);
    expect(
      runLoad(
        run({
          laps: [
            { index: 0, distance_meters: 1000, elapsed_time_seconds: 200, moving_time_seconds: 200 },
            { index: 1, distance_meters: 1000, elapsed_time_seconds: 200, moving_time_seconds: 200 },
          ],
        }),
        t,
      )!.load,
    ).toBeCloseTo(average, 6);
    expect(runLoad(run({ laps: 'not laps' }), t)!.load).toBeCloseTo(average, 6);
  });

  it('adjusts for climbing from the total ascent, and says so', () => {
    const flat = runLoad(run({}), t)!;
    const hilly = runLoad(run({ total_elevation_gain: 300 }), t)!;
    expect(flat.grade_adjusted).toBe(false);
    expect(hilly.grade_adjusted).toBe(true);
    const factor = (v * 3600 + 2 * 300) / (v * 3600);
    expect(hilly.load).toBeCloseTo(100 * factor ** 2, 6);
  });

  it('caps the intensity of impossible paces and ignores paces no one runs', () => {
    expect(runLoad(run({ distance_meters: 6.5 * 3600 }), t)!.intensity).toBe(1.3);
    expect(runLoad(run({ distance_meters: 100_000 }), t)!.method).toBe('duration_estimate');
  });
});

describe('heartRateZones', () => {
  it('takes a measured LTHR, else 87% of heart-rate reserve, else none', () => {
    expect(heartRateZones({ max_heart_rate: 190, resting_heart_rate: 50, threshold_heart_rate: 170 })).toMatchObject({
      threshold_heart_rate: 170,
      source: 'lthr',
    });
    expect(heartRateZones({ max_heart_rate: 190, resting_heart_rate: 50 })).toMatchObject({ threshold_heart_rate: 50 + 0.87 * 140, source: 'karvonen' });
    expect(heartRateZones({ age: 40, resting_heart_rate: 50 })).toMatchObject({ max_heart_rate: 180, source: 'age' });
    expect(heartRateZones({ max_heart_rate: 190 })).toBeNull();
    expect(heartRateZones({})).toBeNull();
  });
});

describe('plannedLoad', () => {
  it('scores a tempo by its steps at the runner’s paces, rest and cross-training as nothing', () => {
    const structure = {
      segments: [
        { type: 'warmup', duration_seconds: 900 },
        { type: 'steady', duration_seconds: 1200, pace_target: 'threshold' },
        { type: 'cooldown', duration_seconds: 600 },
      ],
    };
    const tempo = plannedLoad({ workout_type: 'tempo', structure }, paces, t)!;
    expect(tempo.method).toBe('rtss');
    expect(tempo.load).toBeGreaterThan(45);
    expect(tempo.load).toBeLessThan(70);
    expect(plannedLoad({ workout_type: 'rest' }, paces, t)).toBeNull();
    expect(plannedLoad({ workout_type: 'cross_training', estimated_duration_minutes: 45 }, paces, t)).toBeNull();
  });

  it('falls back to the row’s distance and minutes when there is no usable structure', () => {
    const easy = plannedLoad(
      { workout_type: 'easy', structure: { nonsense: true }, estimated_distance_meters: 10_000, estimated_duration_minutes: 60 },
      paces,
      t,
    )!;
    expect(easy.load).toBeCloseTo((10_000 / 3600 / v) ** 2 * 100, 6);
    expect(plannedLoad({ workout_type: 'easy', estimated_duration_minutes: 60 }, paces, t)!.method).toBe('duration_estimate');
    expect(plannedLoad({ workout_type: 'easy' }, paces, t)).toBeNull();
  });

  it('plans laps that add up to what estimateWorkout estimates, for every engine plan', () => {
    fc.assert(
      fc.property(inputArb('race'), (input) => {
        const result = generatePlan(input);
        if (!result.ok) return;
        const { paces: p } = runnerPaces(input.profile, input.goal, input.today);
        for (const w of result.plan.workouts) {
          const structure = WorkoutStructureSchema.parse(w.structure);
          const laps = plannedLaps(structure, p);
          const estimate = estimateWorkout(structure, p);
          expect(laps.reduce((s, l) => s + l.moving_time_seconds, 0)).toBeCloseTo(estimate.duration_seconds, 6);
          expect(laps.reduce((s, l) => s + l.distance_meters, 0)).toBeCloseTo(estimate.distance_meters, 6);
        }
      }),
      propertyRuns(40),
    );
  });
});
