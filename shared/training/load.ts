/**
 * Training load of one run (done or planned), as TrainingPeaks scores it: 100 = one hour at
 * threshold. Pace first (rTSS, Coggan: hours × IF² × 100 with IF = normalized speed / threshold
 * speed), heart rate when pace can't be trusted (hrTSS by Banister's TRIMP, scaled so one hour at
 * lactate-threshold heart rate is 100), else the duration at an assumed easy intensity.
 */
import { ActivityLapSchema, isRunSportType, type ActivityLap } from '../schema/activity.ts';
import type { LoadMethod } from '../schema/load.ts';
import { WorkoutStructureSchema, type PaceTable, type Segment, type Step, type WorkoutType } from '../schema/workout.ts';
import { stepSize, type StepRole } from './estimate.ts';
import { speedForVo2, sustainableFraction } from './vdot.ts';

export const LOAD_LIMITS = {
  /** IF assumed for a run with neither usable pace nor heart rate: an easy run (~56 per hour). */
  assumedIntensity: 0.75,
  /** No run is scored above this IF: a guard against GPS glitches, not physiology (a mile race is ~1.2). */
  maxIntensity: 1.3,
  /** Average speeds outside this band (m/s) are not a run's pace: a paused watch, a car, a treadmill with no distance. */
  minRunSpeed: 1,
  maxRunSpeed: 7,
  /**
   * Flat meters one meter of climbing is worth over a course that returns to its start (Minetti
   * et al. 2002 cost of running: a meter up costs ~6 flat meters at 5–10% grade, the way back
   * down gives 4–5 back, net +1.3…+2.6). We only know total ascent, so we take 2.
   */
  flatMetersPerMeterClimbed: 2,
  /** Banister's TRIMP weighting (1.92 men, 1.67 women); sex is not in the profile. */
  trimpExponent: 1.92,
  /** LTHR as a fraction of heart-rate reserve when the runner has not measured it (the middle of the app's threshold band). */
  thresholdReserveFraction: 0.87,
} as const;

/** The heart-rate figures hrTSS needs; `source` says where LTHR came from. */
export interface HeartRateZones {
  max_heart_rate: number;
  resting_heart_rate: number;
  threshold_heart_rate: number;
  source: 'lthr' | 'karvonen' | 'age';
}

/** What a load is measured against. */
export interface LoadThresholds {
  /** m/s the runner could race for one hour (functional threshold pace), or null with no pace to go on. */
  threshold_speed: number | null;
  heart_rate: HeartRateZones | null;
}

/** The speed (m/s) a runner of `vdot` holds for one hour (Daniels–Gilbert: VO2 = VDOT × F(60 min)). */
export function thresholdSpeed(vdot: number): number {
  return speedForVo2(vdot * sustainableFraction(60)) / 60;
}

/** The thresholds for a runner of `vdot` (null: no pace to go on) and optional heart-rate zones. */
export function loadThresholds(vdot: number | null, heartRate: HeartRateZones | null = null): LoadThresholds {
  return { threshold_speed: vdot === null ? null : thresholdSpeed(vdot), heart_rate: heartRate };
}

/** Heart-rate zones for hrTSS: LTHR measured, else Karvonen from max and resting, max from age (Tanaka) if needed; null without resting HR or any max. */
export function heartRateZones(input: {
  max_heart_rate?: number | null;
  resting_heart_rate?: number | null;
  threshold_heart_rate?: number | null;
  age?: number | null;
}): HeartRateZones | null {
  const max = input.max_heart_rate ?? (input.age ? Math.round(208 - 0.7 * input.age) : null);
  const rest = input.resting_heart_rate ?? null;
  if (max === null || rest === null || max - rest < 20) return null;
  if (input.threshold_heart_rate && input.threshold_heart_rate > rest && input.threshold_heart_rate < max)
    return { max_heart_rate: max, resting_heart_rate: rest, threshold_heart_rate: input.threshold_heart_rate, source: 'lthr' };
  return {
    max_heart_rate: max,
    resting_heart_rate: rest,
    threshold_heart_rate: rest + LOAD_LIMITS.thresholdReserveFraction * (max - rest),
    source: input.max_heart_rate ? 'karvonen' : 'age',
  };
}

/** What scoring a run needs to know; an `Activity` and a stored row both fit. */
export interface LoadRun {
  activity_type: string;
  distance_meters: number;
  moving_time_seconds: number;
  average_heartrate?: number | null;
  total_elevation_gain?: number | null;
  /** Laps as stored (unknown JSON is read with the lap schema and ignored when it does not fit). */
  laps?: unknown;
}

/** A run's load and how it was scored. */
export interface RunLoad {
  load: number;
  method: LoadMethod;
  /** The intensity factor used (for hrTSS, the IF that gives the same load). */
  intensity: number;
  /** Pace scoring took the total ascent into account. */
  grade_adjusted: boolean;
}

export interface LoadOptions {
  /** Which signal wins when both are usable: pace (TrainingPeaks' order for runs), or heart rate. */
  prefer?: 'pace' | 'heart_rate';
}

/** The load of a done run; null for an activity that is not a run (rides and walks are not counted). */
export function runLoad(run: LoadRun, t: LoadThresholds, options: LoadOptions = {}): RunLoad | null {
  if (!isRunSportType(run.activity_type)) return null;
  const hours = Math.max(0, run.moving_time_seconds) / 3600;
  const byPace = t.threshold_speed !== null ? paceSpeed(run) : null;
  const hr = t.heart_rate && run.average_heartrate && run.average_heartrate > t.heart_rate.resting_heart_rate ? t.heart_rate : null;
  // Trail pace says little about effort (terrain, hands on knees): heart rate is the better witness there.
  const preferHr = hr !== null && (options.prefer === 'heart_rate' || run.activity_type === 'TrailRun');
  if (byPace && t.threshold_speed !== null && !preferHr) {
    const intensity = Math.min(LOAD_LIMITS.maxIntensity, byPace.speed / t.threshold_speed);
    return { load: hours * intensity * intensity * 100, method: 'rtss', intensity, grade_adjusted: byPace.graded };
  }
  if (hr && run.average_heartrate) {
    const load = (hours * 100 * trimpRate(hr, run.average_heartrate)) / trimpRate(hr, hr.threshold_heart_rate);
    return { load, method: 'hrtss', intensity: Math.sqrt(load / Math.max(hours * 100, 1e-9)), grade_adjusted: false };
  }
  const intensity = LOAD_LIMITS.assumedIntensity;
  return { load: hours * intensity * intensity * 100, method: 'duration_estimate', intensity, grade_adjusted: false };
}

/** Banister's TRIMP per minute at `bpm`: ΔHR ratio × e^(b × ratio) (the 0.64 factor cancels in the ratio). */
function trimpRate(z: HeartRateZones, bpm: number): number {
  const x = Math.min(1, Math.max(0, (bpm - z.resting_heart_rate) / (z.max_heart_rate - z.resting_heart_rate)));
  return x * Math.exp(LOAD_LIMITS.trimpExponent * x);
}

/**
 * The run's normalized, grade-adjusted speed (m/s), or null when its distance is not a pace.
 * Normalized as Coggan's NP/NGP (the 4th-power mean of speed over time), over laps since we keep
 * no per-second samples; without laps it is the average speed. Grade adjustment uses the total
 * ascent (no altitude samples are kept) and so assumes the run ends where it began.
 */
function paceSpeed(run: LoadRun): { speed: number; graded: boolean } | null {
  if (run.moving_time_seconds <= 0 || run.distance_meters <= 0) return null;
  const average = run.distance_meters / run.moving_time_seconds;
  if (average < LOAD_LIMITS.minRunSpeed || average > LOAD_LIMITS.maxRunSpeed) return null;
  const normalized = lapNormalizedSpeed(run) ?? average;
  const gain = run.total_elevation_gain ?? 0;
  const graded = gain > 0;
  const factor = graded ? (run.distance_meters + LOAD_LIMITS.flatMetersPerMeterClimbed * gain) / run.distance_meters : 1;
  return { speed: normalized * factor, graded };
}

/** The 4th-power mean speed over the laps, when they are usable and cover the run's moving time (±10%). */
function lapNormalizedSpeed(run: LoadRun): number | null {
  if (!Array.isArray(run.laps) || run.laps.length < 2) return null;
  const trusted = WELL_FORMED.has(run.laps);
  let seconds = 0;
  let sum4 = 0;
  for (const raw of run.laps) {
    const lap = trusted ? { success: true as const, data: raw as ActivityLap } : ActivityLapSchema.safeParse(raw);
    if (!lap.success) return null;
    const { moving_time_seconds: t, distance_meters: d } = lap.data;
    if (t <= 0) continue;
    const v = d / t;
    if (v > LOAD_LIMITS.maxRunSpeed) return null;
    seconds += t;
    sum4 += t * v ** 4;
  }
  if (seconds <= 0 || Math.abs(seconds - run.moving_time_seconds) > 0.1 * run.moving_time_seconds) return null;
  return (sum4 / seconds) ** 0.25;
}

/** What a planned workout needs for its load: a row of the plan, from any source. */
export interface PlannedLoadWorkout {
  workout_type: WorkoutType;
  structure?: unknown;
  estimated_distance_meters?: number | null;
  /** Minutes, as the seed stores them. */
  estimated_duration_minutes?: number | null;
}

// Lap lists plannedLaps made: well-formed by construction, so scoring them skips the lap schema
// (the plan check scores every workout of a plan, several times while the engine sizes a taper).
const WELL_FORMED = new WeakSet<readonly unknown[]>();

/** The laps a runner records doing `structure` exactly: one per step, at the middle of its pace range. */
export function plannedLaps(structure: { segments: readonly Segment[] }, paces: PaceTable): ActivityLap[] {
  const laps: ActivityLap[] = [];
  // The estimator's own step sizes, so a planned load and estimateWorkout's totals always agree.
  const push = (step: Step, role: StepRole): void => {
    const { seconds, meters } = stepSize(step, role, paces);
    laps.push({ index: laps.length, distance_meters: meters, elapsed_time_seconds: seconds, moving_time_seconds: seconds });
  };
  for (const seg of structure.segments) {
    if (seg.type === 'interval') {
      for (let i = 0; i < seg.repeats; i++) {
        push(seg.work, 'work');
        if (seg.recovery) push(seg.recovery, 'rest');
      }
    } else if (seg.type === 'repeat') {
      for (let i = 0; i < seg.repeats; i++) for (const step of seg.steps) push(step, 'work');
    } else push(seg, seg.type);
  }
  WELL_FORMED.add(laps);
  return laps;
}

/**
 * The run that does a planned workout exactly as written (its steps as laps at the runner's
 * paces, else the row's estimated distance and minutes); null for rest and cross-training.
 */
export function plannedRun(workout: PlannedLoadWorkout, paces: PaceTable): LoadRun | null {
  if (workout.workout_type === 'rest' || workout.workout_type === 'cross_training') return null;
  const parsed = workout.structure === undefined ? null : WorkoutStructureSchema.safeParse(workout.structure);
  if (parsed?.success) return structureRun(parsed.data, paces);
  const seconds = (workout.estimated_duration_minutes ?? 0) * 60;
  if (seconds <= 0) return null;
  return { activity_type: 'Run', distance_meters: workout.estimated_distance_meters ?? 0, moving_time_seconds: seconds, laps: [] };
}

/** The run that does a (valid) structure exactly, its steps as laps at the runner's paces. */
export function structureRun(structure: { segments: readonly Segment[] }, paces: PaceTable): LoadRun {
  const laps = plannedLaps(structure, paces);
  const seconds = laps.reduce((sum, lap) => sum + lap.moving_time_seconds, 0);
  const meters = laps.reduce((sum, lap) => sum + lap.distance_meters, 0);
  return { activity_type: 'Run', distance_meters: meters, moving_time_seconds: seconds, laps };
}

/** The load a planned workout's structure implies: the load of the run that does it exactly. */
export function plannedLoad(workout: PlannedLoadWorkout, paces: PaceTable, t: LoadThresholds): RunLoad | null {
  const run = plannedRun(workout, paces);
  return run ? runLoad(run, t) : null;
}
