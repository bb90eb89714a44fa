/** Builders for the engine's sessions: each fits a distance budget and zone budgets exactly. */
import type { PaceTable, PaceTarget, Segment, WorkoutStructure, WorkoutType } from '../schema/workout.ts';
import { estimateWorkout, type WorkoutEstimate } from './estimate.ts';
import { midPace, zoneOf, type Zone } from './paces.ts';

export interface SessionEnv {
  paces: PaceTable;
  raceMeters?: number;
  injured: boolean;
}

/** How much hard running a session may hold, in meters per zone (already within the week's caps). */
export type ZoneBudget = Record<Exclude<Zone, 'E'>, number>;

export interface Session {
  type: WorkoutType;
  title: string;
  structure: WorkoutStructure;
  reason: string;
  estimate: WorkoutEstimate;
}

export type QualityKind = 'threshold' | 'tempo' | 'intervals' | 'repetition' | 'marathon_pace' | 'race_pace';

const floor10 = (m: number): number => Math.floor(m / 10) * 10;
const km = (m: number): string => `${(m / 1000).toFixed(1)} km`;
const STRIDE_SECONDS = 20;
const STRIDE_REST = 60;
const MIN_WARM = 800;

function metersIn(env: SessionEnv, seconds: number, target: PaceTarget): number {
  return (seconds / midPace(env.paces[target])) * 1000;
}

function finish(env: SessionEnv, type: WorkoutType, title: string, segments: Segment[], reason: string): Session {
  const structure: WorkoutStructure = { segments };
  return { type, title, structure, reason, estimate: estimateWorkout(structure, env.paces, env.raceMeters) };
}

/** How many 20 s strides fit an R budget (0, or 4–6). */
export function strideCount(env: SessionEnv, rMeters: number): number {
  if (env.injured) return 0;
  const n = Math.min(6, Math.floor(rMeters / metersIn(env, STRIDE_SECONDS, 'repetition')));
  return n >= 4 ? n : 0;
}

/** An easy (or recovery) run of `meters`, with strides at the end when `strides` > 0. */
export function easyRun(env: SessionEnv, meters: number, strides: number, reason: string, target: PaceTarget = 'easy', title?: string): Session {
  const strideMeters = strides * (metersIn(env, STRIDE_SECONDS, 'repetition') + metersIn(env, STRIDE_REST, 'jog'));
  const steady = floor10(meters - strideMeters);
  if (strides > 0 && steady >= 1000) {
    return finish(
      env,
      'easy',
      title ?? `Easy ${km(steady)} + ${strides} strides`,
      [
        { type: 'steady', distance_meters: steady, pace_target: target },
        {
          type: 'interval',
          repeats: strides,
          work: { duration_seconds: STRIDE_SECONDS, pace_target: 'repetition' },
          recovery: { duration_seconds: STRIDE_REST, pace_target: 'jog' },
          notes: 'relaxed and fast, walk or jog back',
        },
      ],
      reason,
    );
  }
  const type: WorkoutType = target === 'recovery' ? 'recovery' : 'easy';
  return finish(
    env,
    type,
    title ?? `${type === 'recovery' ? 'Recovery' : 'Easy'} ${km(floor10(meters))}`,
    [{ type: 'steady', distance_meters: Math.max(10, floor10(meters)), pace_target: target }],
    reason,
  );
}

/** The long run; `mMeters` of it at marathon pace near the end when given. */
export function longRun(env: SessionEnv, meters: number, mMeters: number, reason: string): Session {
  const total = floor10(meters);
  if (mMeters >= 3000 && total - mMeters >= 4000) {
    const m = floor10(mMeters);
    const cool = 1000;
    return finish(
      env,
      'long',
      `Long run ${km(total)} with ${km(m)} at marathon pace`,
      [
        { type: 'steady', distance_meters: total - m - cool, pace_target: 'long' },
        { type: 'steady', distance_meters: m, pace_target: 'marathon' },
        { type: 'cooldown', distance_meters: cool, pace_target: 'easy' },
      ],
      reason,
    );
  }
  return finish(env, 'long', `Long run ${km(total)}`, [{ type: 'steady', distance_meters: Math.max(10, total), pace_target: 'long' }], reason);
}

interface RepPlan {
  target: PaceTarget;
  workSeconds: number;
  restSeconds: number;
  min: number;
  max: number;
}

/** Reps of a fixed bout inside `meters` total with warm-up and cool-down; null when too few fit. */
function reps(env: SessionEnv, meters: number, budget: number, plan: RepPlan, type: WorkoutType, name: string, reason: string): Session | null {
  const work = metersIn(env, plan.workSeconds, plan.target);
  const rest = metersIn(env, plan.restSeconds, 'jog');
  let n = Math.min(plan.max, Math.floor(budget / work));
  while (n >= plan.min && n * work + (n - 1) * rest + 2 * MIN_WARM > meters) n--;
  if (n < plan.min) return null;
  // The last rest is dropped: the cool-down follows the final rep directly.
  const block = n * work + (n - 1) * rest;
  const warm = floor10((meters - block) / 2);
  const cool = floor10(meters - block - warm);
  const segments: Segment[] = [{ type: 'warmup', distance_meters: warm, pace_target: 'easy' }];
  if (n > 1)
    segments.push({
      type: 'interval',
      repeats: n - 1,
      work: { duration_seconds: plan.workSeconds, pace_target: plan.target },
      recovery: { duration_seconds: plan.restSeconds, pace_target: 'jog' },
    });
  segments.push({ type: 'steady', duration_seconds: plan.workSeconds, pace_target: plan.target });
  segments.push({ type: 'cooldown', distance_meters: cool, pace_target: 'easy' });
  const bout = plan.workSeconds >= 60 ? `${Math.round(plan.workSeconds / 60)} min` : `${plan.workSeconds} s`;
  return finish(env, type, `${name}: ${n} × ${bout}`, segments, reason);
}

/** One continuous block at `target` inside `meters`, warm-up and cool-down around it. */
function steadyBlock(
  env: SessionEnv,
  meters: number,
  blockMeters: number,
  target: PaceTarget,
  type: WorkoutType,
  name: string,
  reason: string,
): Session | null {
  const block = floor10(Math.min(blockMeters, meters - 2 * MIN_WARM));
  if (block < 1500) return null;
  const warm = floor10((meters - block) / 2);
  const cool = floor10(meters - block - warm);
  return finish(
    env,
    type,
    `${name}: ${km(block)}`,
    [
      { type: 'warmup', distance_meters: warm, pace_target: 'easy' },
      { type: 'steady', distance_meters: block, pace_target: target },
      { type: 'cooldown', distance_meters: cool, pace_target: 'easy' },
    ],
    reason,
  );
}

/** A quality session of `kind` within `meters` and the zone budget; null when it does not fit. */
export function qualitySession(env: SessionEnv, kind: QualityKind, meters: number, budget: ZoneBudget, reason: string): Session | null {
  const tSeconds = (budget.T / 1000) * midPace(env.paces.threshold);
  switch (kind) {
    case 'threshold': {
      const bout = tSeconds >= 1800 ? 600 : 300;
      return reps(env, meters, budget.T, { target: 'threshold', workSeconds: bout, restSeconds: 60, min: 2, max: 6 }, 'threshold', 'Cruise intervals', reason);
    }
    case 'tempo':
      if (tSeconds < 600) return qualitySession(env, 'threshold', meters, budget, reason);
      return steadyBlock(env, meters, Math.min(budget.T, metersIn(env, 25 * 60, 'tempo')), 'tempo', 'tempo', 'Tempo run', reason);
    case 'intervals': {
      const iSeconds = (budget.I / 1000) * midPace(env.paces.interval);
      const bout = iSeconds >= 1200 ? 240 : 180;
      return reps(
        env,
        meters,
        budget.I,
        { target: 'interval', workSeconds: bout, restSeconds: Math.round(bout * 0.8), min: 3, max: 6 },
        'intervals',
        'Intervals',
        reason,
      );
    }
    case 'repetition':
      if (env.injured) return null;
      return reps(env, meters, budget.R, { target: 'repetition', workSeconds: 45, restSeconds: 120, min: 4, max: 12 }, 'repetition', 'Repetitions', reason);
    case 'marathon_pace':
      return steadyBlock(env, meters, Math.min(budget.M, 16_000), 'marathon', 'marathon_pace', 'Marathon pace', reason);
    case 'race_pace':
      return racePaceSession(env, meters, budget, reason);
  }
}

/** Race-pace sharpening for the taper, sized to the zone the race distance runs in. */
function racePaceSession(env: SessionEnv, meters: number, budget: ZoneBudget, reason: string): Session | null {
  const zone = zoneOf('race', env.raceMeters);
  if (zone === 'M') return steadyBlock(env, meters, Math.min(budget.M, 8000), 'race', 'marathon_pace', 'Race pace', reason);
  const allowed = zone === 'I' ? budget.I : zone === 'T' ? budget.T : budget.R;
  // Shorter bouts when the taper week leaves little room: a few minutes at race pace still counts.
  for (const bout of zone === 'T' ? [300, 180, 120] : [180, 120]) {
    const s = reps(
      env,
      meters,
      allowed,
      { target: 'race', workSeconds: bout, restSeconds: 120, min: 2, max: 5 },
      zone === 'T' ? 'tempo' : 'intervals',
      'Race pace',
      reason,
    );
    if (s) return s;
  }
  return null;
}

/** An easy or long run with race-pace pick-ups (`pickups`): intensity kept in a small taper week. */
export function runWithPickups(env: SessionEnv, meters: number, pickups: Pickups, type: 'easy' | 'long', reason: string): Session {
  const { n, seconds } = pickups;
  const pick = metersIn(env, seconds, 'race');
  const jog = metersIn(env, 60, 'jog');
  const steady = floor10(meters - n * (pick + jog));
  if (n < 1 || steady < 300) return type === 'long' ? longRun(env, meters, 0, reason) : easyRun(env, meters, 0, reason);
  return finish(
    env,
    type,
    `${type === 'long' ? 'Long run' : 'Easy'} ${km(steady)} + ${n} race-pace pick-ups`,
    [
      { type: 'steady', distance_meters: steady, pace_target: type === 'long' ? 'long' : 'easy' },
      { type: 'interval', repeats: n, work: { duration_seconds: seconds, pace_target: 'race' }, recovery: { duration_seconds: 60, pace_target: 'jog' } },
    ],
    reason,
  );
}

export interface Pickups {
  n: number;
  seconds: number;
}

/** Race-pace pick-ups that fit `meters` of the race zone's budget: up to 6 × 30 s, down to 1 × 10 s. */
export function pickupCount(env: SessionEnv, meters: number): Pickups {
  for (const seconds of [30, 20, 10]) {
    const n = Math.min(6, Math.floor(meters / metersIn(env, seconds, 'race')));
    if (n >= (seconds === 10 ? 1 : 2)) return { n, seconds };
  }
  return { n: 0, seconds: 10 };
}
