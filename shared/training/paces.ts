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

/**
 * Fractions of VDOT behind Daniels' printed paces (Daniels' Running Formula, Table 5.2, checked in
 * paces.test.ts at VDOT 30–70): E spans 62–70% (VDOT 50: 5:07–5:38/km), T is 88% (4:15/km), I is
 * 97.5% (3:55/km, 94 s per 400 m). R is not a fraction: Daniels sets it 6 s per 400 m faster than
 * I (VDOT 50: 88 s), which his table keeps at every level.
 */
export const DANIELS_FRACTIONS = { easySlow: 0.62, easyFast: 0.7, threshold: 0.88, interval: 0.975 } as const;
/** R is 6 s per 400 m faster than I: 15 s per km. */
const R_FASTER_THAN_I_PER_KM = 15;

/** Daniels' five zones for a VDOT: E a range; M, T, I and R single paces with a small band as tolerance. */
export function paceZones(vdot: number): PaceZones {
  const interval = paceAtFraction(vdot, DANIELS_FRACTIONS.interval);
  return {
    E: rangeOf(vdot, DANIELS_FRACTIONS.easySlow, DANIELS_FRACTIONS.easyFast),
    M: around(racePace(vdot, 42_195), 4),
    T: around(paceAtFraction(vdot, DANIELS_FRACTIONS.threshold), 3),
    I: around(interval, 3),
    R: around(interval - R_FASTER_THAN_I_PER_KM, 3),
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
  max_heart_rate?: number | null;
  resting_heart_rate?: number | null;
  threshold_heart_rate?: number | null;
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

/**
 * Fractions of lactate-threshold heart rate per target (Friel's running zones: Z2 85–89% for
 * easy running, Z4–5a 95–102% around threshold, 5b–5c above it). Short reps never settle, so I
 * and R share the top band.
 */
const HR_OF_LTHR: Record<PaceTarget, [number, number]> = {
  jog: [0.72, 0.8],
  recovery: [0.75, 0.82],
  easy: [0.8, 0.89],
  long: [0.81, 0.89],
  marathon: [0.89, 0.94],
  half: [0.93, 0.98],
  threshold: [0.95, 1.01],
  tempo: [0.95, 1.01],
  '10k': [0.99, 1.03],
  '5k': [1.02, 1.06],
  interval: [1.03, 1.08],
  repetition: [1.04, 1.1],
  race: [0.95, 1.01],
};

/** Fractions of max heart rate per target, for a runner whose resting rate is unknown (Daniels' %HRmax bands: E 65–79%, T 88–92%). */
const HR_OF_MAX: Record<PaceTarget, [number, number]> = {
  jog: [0.6, 0.68],
  recovery: [0.62, 0.7],
  easy: [0.65, 0.79],
  long: [0.67, 0.8],
  marathon: [0.8, 0.87],
  half: [0.86, 0.9],
  threshold: [0.88, 0.92],
  tempo: [0.88, 0.92],
  '10k': [0.9, 0.94],
  '5k': [0.93, 0.97],
  interval: [0.95, 0.99],
  repetition: [0.96, 1.0],
  race: [0.88, 0.92],
};

/** Where a runner's heart-rate zones come from (docs/TRAINING.md §"Heart rate"): best first. */
export type HeartRateSource = 'lthr' | 'karvonen' | 'age';

export interface HeartRateBasis {
  source: HeartRateSource;
  /** The runner's max, or Tanaka's for their age; null when only a threshold is known. */
  max: number | null;
  rest: number | null;
  threshold: number | null;
}

/** The runner's heart-rate basis: their threshold, else their max (Karvonen with their resting), else Tanaka's max for their age (208 − 0.7·age). Null with none. */
export function heartRateBasis(input: HeartRateInput): HeartRateBasis | null {
  const max = input.max_heart_rate ?? (input.age ? Math.round(208 - 0.7 * input.age) : null);
  const rest = input.resting_heart_rate ?? null;
  if (input.threshold_heart_rate) return { source: 'lthr', max, rest, threshold: input.threshold_heart_rate };
  if (max === null) return null;
  return { source: input.max_heart_rate ? 'karvonen' : 'age', max, rest, threshold: null };
}

/** A target's heart-rate band on a basis: % of LTHR, else Karvonen (HR reserve), else % of max when resting is unknown. */
function bandOn(basis: HeartRateBasis, target: PaceTarget): { low_bpm: number; high_bpm: number } {
  if (basis.threshold !== null) {
    const [low, high] = HR_OF_LTHR[target];
    const top = Math.round(basis.threshold * high);
    return { low_bpm: Math.round(basis.threshold * low), high_bpm: basis.max === null ? top : Math.min(basis.max, top) };
  }
  const max = basis.max!;
  if (basis.rest === null) {
    const [low, high] = HR_OF_MAX[target];
    return { low_bpm: Math.round(max * low), high_bpm: Math.round(max * high) };
  }
  const reserve = Math.max(1, max - basis.rest);
  const [low, high] = HR_RESERVE[target];
  return { low_bpm: Math.round(basis.rest + low * reserve), high_bpm: Math.round(basis.rest + high * reserve) };
}

/** A typical runner (max 185, resting 60): only where nothing of the runner's own is known, and the zones screen says so. */
const TYPICAL_RUNNER: HeartRateBasis = { source: 'karvonen', max: 185, rest: 60, threshold: null };

/**
 * Heart-rate targets from the runner's own figures: LTHR when given, else Karvonen from max and
 * resting, else an age-predicted max. With none of them a typical runner stands in, so a workout
 * still has a band; GET /api/profile's zones then say there are no heart-rate zones of theirs.
 */
export function heartRateTable(input: HeartRateInput = {}, raceDistanceMeters?: number): HeartRateTable {
  const basis = heartRateBasis(input) ?? TYPICAL_RUNNER;
  const out = {} as HeartRateTable;
  for (const target of Object.keys(HR_RESERVE) as PaceTarget[]) out[target] = bandOn(basis, target);
  out.race = bandOn(basis, raceZoneTarget(raceDistanceMeters ?? 10_000));
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
