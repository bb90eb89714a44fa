/** Daniels–Gilbert VDOT and race predictions (docs/TRAINING.md §Fitness). */

/** Oxygen cost (ml/kg/min) of running at `v` meters per minute. */
export function vo2AtSpeed(v: number): number {
  return -4.6 + 0.182258 * v + 0.000104 * v * v;
}

/** Fraction of VO2max a runner sustains for `minutes`. */
export function sustainableFraction(minutes: number): number {
  return 0.8 + 0.1894393 * Math.exp(-0.012778 * minutes) + 0.2989558 * Math.exp(-0.1932605 * minutes);
}

/** Speed in m/min whose oxygen cost is `vo2` (the positive root of the cost quadratic). */
export function speedForVo2(vo2: number): number {
  const a = 0.000104;
  const b = 0.182258;
  return (-b + Math.sqrt(b * b + 4 * a * (4.6 + vo2))) / (2 * a);
}

/** VDOT of a race: `distanceMeters` run in `timeSeconds`. */
export function vdotFromRace(distanceMeters: number, timeSeconds: number): number {
  const minutes = timeSeconds / 60;
  return vo2AtSpeed(distanceMeters / minutes) / sustainableFraction(minutes);
}

/** The race time (s) a runner of `vdot` is good for over `distanceMeters`, by bisection. */
export function raceTimeForVdot(vdot: number, distanceMeters: number): number {
  // vdotFromRace falls as time grows, so bisect on time between 1 s/km-fast and walking-slow bounds.
  let lo = distanceMeters / 1000; // 1 s per km: faster than anyone
  let hi = (distanceMeters / 1000) * 1800; // 30 min per km: slower than anyone runs
  for (let i = 0; i < 100 && hi - lo > 1e-4; i++) {
    const mid = (lo + hi) / 2;
    if (vdotFromRace(distanceMeters, mid) > vdot) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Riegel's model: the time over `toMeters` from a time over `fromMeters` (exponent 1.06). */
export function riegelTime(fromMeters: number, fromSeconds: number, toMeters: number): number {
  return fromSeconds * Math.pow(toMeters / fromMeters, 1.06);
}

/**
 * The share of VDOT a typed easy pace is taken to run at: 66%, the middle of Daniels' printed E
 * range (62–70%), so the pace sits in the range's slow half where most runners' easy running is.
 * The fast half (65–70%) reads figures 1–2 VDOT high (issue 17).
 */
export const EASY_PACE_SHARE = 0.66;

/** Estimates VDOT from an easy pace in s/km (docs/TRAINING.md §Fitness, source 3: the last resort). */
export function vdotFromEasyPace(easySecondsPerKm: number): number {
  const v = 60_000 / easySecondsPerKm;
  return vo2AtSpeed(v) / EASY_PACE_SHARE;
}

export interface RacePrediction {
  distance_meters: number;
  /** The VDOT model's time. */
  vdot_seconds: number;
  /** Riegel's time from the reference race, when there is one. */
  riegel_seconds?: number;
  /** The honest range across models (fast end, slow end). */
  low_seconds: number;
  high_seconds: number;
}

export interface RaceResult {
  distance_meters: number;
  time_seconds: number;
}

/**
 * Predicts a race as a range across VDOT and Riegel. Without a reference race (VDOT from easy
 * pace) the range is ±5%; Riegel is optimistic beyond the half, so the slow end is widened there.
 */
export function predictRace(vdot: number, distanceMeters: number, reference?: RaceResult): RacePrediction {
  const vdotSeconds = raceTimeForVdot(vdot, distanceMeters);
  if (!reference) {
    return { distance_meters: distanceMeters, vdot_seconds: vdotSeconds, low_seconds: vdotSeconds * 0.95, high_seconds: vdotSeconds * 1.05 };
  }
  const riegel = riegelTime(reference.distance_meters, reference.time_seconds, distanceMeters);
  const beyondHalf = distanceMeters > 21_100;
  const low = Math.min(vdotSeconds, riegel);
  const high = Math.max(vdotSeconds, riegel) * (beyondHalf ? 1.04 : 1.01);
  return { distance_meters: distanceMeters, vdot_seconds: vdotSeconds, riegel_seconds: riegel, low_seconds: low, high_seconds: high };
}
