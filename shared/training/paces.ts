/** Training paces and heart-rate targets from VDOT (docs/TRAINING.md §Paces). */
import type { HeartRateTable, PaceRange, PaceTable, PaceTarget } from '../schema/workout.ts';
import { raceTimeForVdot, speedForVo2 } from './vdot.ts';

/** Seconds per km at `fraction` of VDOT. */
export function paceAtFraction(vdot: number, fraction: number): number {
  return 60_000 / speedForVo2(vdot * fraction);
}

/** A range from two fractions of VDOT (the smaller fraction is the slow end). */
function rangeOf(vdot: number, slowFraction: number, fastFraction: number): PaceRange {
  return { slow_seconds_per_km: paceAtFraction(vdot, slowFraction), fast_seconds_per_km: paceAtFraction(vdot, fastFraction) };
}

/** A narrow range around a race pace: ± `spread` s/km. */
function around(secondsPerKm: number, spread: number): PaceRange {
  return { slow_seconds_per_km: secondsPerKm + spread, fast_seconds_per_km: secondsPerKm - spread };
}

/** Race pace (s/km) a runner of `vdot` holds over `meters`. */
export function racePace(vdot: number, meters: number): number {
  return raceTimeForVdot(vdot, meters) / (meters / 1000);
}

export interface PaceZones {
  E: PaceRange;
  M: PaceRange;
  T: PaceRange;
  I: PaceRange;
  R: PaceRange;
}

/** Daniels' five zones for a VDOT: E 59–74%, M race-equivalent, T 83–88%, I 95–100%, R 105–120%. */
export function paceZones(vdot: number): PaceZones {
  return {
    E: rangeOf(vdot, 0.59, 0.74),
    M: around(racePace(vdot, 42_195), 4),
    T: rangeOf(vdot, 0.83, 0.88),
    I: rangeOf(vdot, 0.95, 1.0),
    R: rangeOf(vdot, 1.05, 1.2),
  };
}

export interface PaceTableOptions {
  /** Goal race pace in s/km: what `race` means when the runner has a target time. */
  goal_pace_seconds_per_km?: number;
  /** The goal race distance: `race` falls back to the predicted pace over it. */
  race_distance_meters?: number;
}

/** A pace range for every target of the vocabulary; `jog` and `recovery` sit slower than easy. */
export function paceTable(vdot: number, options: PaceTableOptions = {}): PaceTable {
  const zones = paceZones(vdot);
  const raceSeconds = options.goal_pace_seconds_per_km ?? racePace(vdot, options.race_distance_meters ?? 10_000);
  return {
    easy: zones.E,
    long: rangeOf(vdot, 0.6, 0.72),
    recovery: rangeOf(vdot, 0.52, 0.6),
    jog: rangeOf(vdot, 0.45, 0.55),
    marathon: zones.M,
    threshold: zones.T,
    tempo: zones.T,
    interval: zones.I,
    repetition: zones.R,
    '5k': around(racePace(vdot, 5000), 3),
    '10k': around(racePace(vdot, 10_000), 3),
    half: around(racePace(vdot, 21_097.5), 3),
    race: around(raceSeconds, 3),
  };
}

/** The middle of a pace range, the pace used to estimate time and distance. */
export function midPace(range: PaceRange): number {
  return (range.slow_seconds_per_km + range.fast_seconds_per_km) / 2;
}

export interface HeartRateInput {
  max_hr?: number | null;
  resting_hr?: number | null;
  age?: number | null;
}

/** Karvonen reserve fractions per target (HR lags in short reps, so R/I share a near-max band). */
const HR_RESERVE: Record<PaceTarget, [number, number]> = {
  jog: [0.45, 0.6],
  recovery: [0.5, 0.62],
  easy: [0.6, 0.75],
  long: [0.62, 0.76],
  marathon: [0.75, 0.84],
  half: [0.82, 0.88],
  threshold: [0.84, 0.9],
  tempo: [0.84, 0.9],
  '10k': [0.88, 0.92],
  '5k': [0.92, 0.97],
  interval: [0.93, 0.98],
  repetition: [0.95, 1.0],
  race: [0.84, 0.9],
};

/** Heart-rate targets by Karvonen; unknown max HR comes from age (Tanaka) or 185, resting 60. */
export function heartRateTable(input: HeartRateInput = {}, raceDistanceMeters?: number): HeartRateTable {
  const max = input.max_hr ?? (input.age ? Math.round(208 - 0.7 * input.age) : 185);
  const rest = input.resting_hr ?? 60;
  const reserve = Math.max(1, max - rest);
  const band = (pair: [number, number]) => ({
    low_bpm: Math.round(rest + pair[0] * reserve),
    high_bpm: Math.round(rest + pair[1] * reserve),
  });
  const out = {} as HeartRateTable;
  for (const target of Object.keys(HR_RESERVE) as PaceTarget[]) out[target] = band(HR_RESERVE[target]);
  out.race = band(HR_RESERVE[raceZoneTarget(raceDistanceMeters ?? 10_000)]);
  return out;
}

/** Which target's effort a race over `meters` is run at. */
function raceZoneTarget(meters: number): PaceTarget {
  if (meters <= 6000) return '5k';
  if (meters <= 12_000) return '10k';
  if (meters <= 25_000) return 'half';
  return 'marathon';
}

export type Zone = 'E' | 'M' | 'T' | 'I' | 'R';

/** The Daniels zone a pace target counts toward in load limits; `race` follows the goal distance. */
export function zoneOf(target: PaceTarget | undefined, raceDistanceMeters?: number): Zone {
  switch (target) {
    case undefined:
    case 'easy':
    case 'long':
    case 'recovery':
    case 'jog':
      return 'E';
    case 'marathon':
      return 'M';
    case 'threshold':
    case 'tempo':
    case 'half':
    case '10k':
      return 'T';
    case 'interval':
    case '5k':
      return 'I';
    case 'repetition':
      return 'R';
    case 'race':
      return raceDistanceMeters === undefined ? 'T' : zoneOf(raceZoneTarget(raceDistanceMeters));
  }
}
