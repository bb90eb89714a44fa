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

/**
 * The session with `meters` in all: the difference goes to its warm-up as easy running. Only for
 * a big week on few days, where the easy days alone cannot carry the volume.
 */
export function padWarmup(env: SessionEnv, session: Session, meters: number): Session {
  const extra = floor10(meters - session.estimate.distance_meters);
  const first = session.structure.segments[0];
  if (extra < 500 || !first || first.type !== 'warmup' || first.distance_meters === undefined) return session;
  const segments = [{ ...first, distance_meters: first.distance_meters + extra }, ...session.structure.segments.slice(1)];
  return finish(env, session.type, session.title, segments, `${session.reason}; a longer easy warm-up carries the week's volume on your few days`);
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

/**
 * The long run; `fastMeters` of it near the end at `fastTarget` when given: marathon pace
 * (Pfitzinger's and Daniels' M-pace long runs) or a tempo fast finish (80/20).
 */
export function longRun(env: SessionEnv, meters: number, fastMeters: number, reason: string, fastTarget: PaceTarget = 'marathon'): Session {
  const total = floor10(meters);
  if (fastMeters >= 2000 && total - fastMeters >= 4000) {
    const m = floor10(fastMeters);
    const cool = 1000;
    const what = fastTarget === 'marathon' ? 'at marathon pace' : 'fast finish at tempo';
    return finish(
      env,
      'long',
      `Long run ${km(total)} with ${km(m)} ${what}`,
      [
        { type: 'steady', distance_meters: total - m - cool, pace_target: 'long' },
        { type: 'steady', distance_meters: m, pace_target: fastTarget },
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

/**
 * Reps of a fixed bout with a warm-up and cool-down of `warmCool` minutes (down to 10 and 8 when
 * `meters` is short), within `meters` at most; null when too few fit.
 */
function reps(
  env: SessionEnv,
  meters: number,
  budget: number,
  plan: RepPlan,
  type: WorkoutType,
  name: string,
  reason: string,
  warmCool: [number, number] = [10, 10],
): Session | null {
  const work = metersIn(env, plan.workSeconds, plan.target);
  const rest = metersIn(env, plan.restSeconds, 'jog');
  for (const [wm, cm] of [warmCool, [Math.min(10, warmCool[0]), Math.min(8, warmCool[1])]] as const) {
    const warm = Math.max(MIN_WARM, floor10(metersIn(env, wm * 60, 'easy')));
    const cool = Math.max(MIN_WARM, floor10(metersIn(env, cm * 60, 'easy')));
    let n = Math.min(plan.max, Math.floor(budget / work));
    while (n >= plan.min && n * work + (n - 1) * rest + warm + cool > meters) n--;
    if (n < plan.min) continue;
    const segments: Segment[] = [{ type: 'warmup', distance_meters: warm, pace_target: 'easy' }];
    // The last rest is dropped: the cool-down follows the final rep directly.
    if (n > 1)
      segments.push({
        type: 'interval',
        repeats: n - 1,
        work: { duration_seconds: plan.workSeconds, pace_target: plan.target },
        recovery: { duration_seconds: plan.restSeconds, pace_target: 'jog' },
      });
    segments.push({ type: 'steady', duration_seconds: plan.workSeconds, pace_target: plan.target });
    segments.push({ type: 'cooldown', distance_meters: cool, pace_target: 'easy' });
    const bout = plan.workSeconds >= 60 ? `${Math.round((plan.workSeconds / 60) * 10) / 10} min` : `${plan.workSeconds} s`;
    return finish(env, type, `${name}: ${n} × ${bout}`, segments, reason);
  }
  return null;
}

/** One continuous block at `target` with a warm-up and cool-down of `warmCool` minutes (shorter when `meters` is short). */
function steadyBlock(
  env: SessionEnv,
  meters: number,
  blockMeters: number,
  target: PaceTarget,
  type: WorkoutType,
  name: string,
  reason: string,
  warmCool: [number, number] = [10, 10],
): Session | null {
  for (const [wm, cm] of [warmCool, [Math.min(10, warmCool[0]), Math.min(8, warmCool[1])]] as const) {
    const warm = Math.max(MIN_WARM, floor10(metersIn(env, wm * 60, 'easy')));
    const cool = Math.max(MIN_WARM, floor10(metersIn(env, cm * 60, 'easy')));
    const block = floor10(Math.min(blockMeters, meters - warm - cool));
    if (block < 1500) continue;
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
  return null;
}

/** Linear step from `a` to `b` as `p` goes 0 → 1. */
const lerp = (a: number, b: number, p: number): number => a + (b - a) * Math.min(1, Math.max(0, p));

/** What a session's hard part grows to within a block (docs/TRAINING.md §Sessions). */
export interface Progression {
  /** 0 at the plan's first week, 1 at its last week before the taper. */
  p: number;
  /** Pfitzinger's LT runs are counted in miles (4 → 7 mi), others' tempo in minutes (20 → 40). */
  ltMiles?: boolean;
}

/** Warm-up and cool-down (min), sized on purpose: faster work needs a longer warm-up. */
const WARM_COOL: Record<'T' | 'I' | 'R' | 'M', [number, number]> = { T: [10, 10], I: [12, 10], R: [12, 10], M: [10, 10] };

/**
 * A quality session of `kind` within `meters` and the zone budget, its work sized by `prog`
 * (tempo 20 → 40 min, cruise intervals 4 × 5 → 4 × 10 min, intervals 5 × 3 → 6 × 5 min, M
 * 6 → 14 mi); the session is as long as its warm-up, work and cool-down, never padded to fill
 * `meters`. Null when not even its smallest form fits.
 */
export function qualitySession(
  env: SessionEnv,
  kind: QualityKind,
  meters: number,
  budget: ZoneBudget,
  reason: string,
  prog: Progression = { p: 0.5 },
): Session | null {
  // Sessions start a little above the smallest published form and reach the largest by ~3/4 of the build.
  const p = Math.min(1, 0.15 + 1.1 * prog.p);
  switch (kind) {
    case 'threshold': {
      const total = lerp(20, 40, p) * 60;
      const bout = p < 0.4 ? 300 : p < 0.75 ? 480 : 600;
      // Cruise intervals: about 1 min of rest per 5 min of work.
      const plan = { target: 'threshold' as const, workSeconds: bout, restSeconds: bout / 5, min: 2, max: Math.max(2, Math.round(total / bout)) };
      return (
        reps(env, meters, budget.T, plan, 'threshold', 'Cruise intervals', reason, WARM_COOL.T) ??
        reps(
          env,
          meters,
          budget.T,
          { ...plan, workSeconds: 300, restSeconds: 60, max: Math.max(2, Math.round(total / 300)) },
          'threshold',
          'Cruise intervals',
          reason,
          WARM_COOL.T,
        )
      );
    }
    case 'tempo': {
      const want = prog.ltMiles ? lerp(4, 7, p) * 1609.344 : metersIn(env, lerp(20, 40, p) * 60, 'tempo');
      const s = steadyBlock(env, meters, Math.min(budget.T, want), 'tempo', 'tempo', prog.ltMiles ? 'Lactate-threshold run' : 'Tempo run', reason, WARM_COOL.T);
      return s ?? qualitySession(env, 'threshold', meters, budget, reason, prog);
    }
    case 'intervals': {
      const n = p < 0.5 ? 5 : 6;
      // I bouts 3–5 min with an equal or shorter jog; a small week's budget takes 3-min bouts.
      for (const bout of [p < 0.34 ? 180 : p < 0.67 ? 240 : 300, 180]) {
        const s = reps(
          env,
          meters,
          budget.I,
          // At least 10 min at I: fewer is a sharpener, not a session.
          {
            target: 'interval',
            workSeconds: bout,
            restSeconds: Math.round(bout * 0.75),
            min: Math.max(3, Math.ceil(600 / bout)),
            max: Math.max(n, Math.ceil(600 / bout)),
          },
          'intervals',
          'Intervals',
          reason,
          WARM_COOL.I,
        );
        if (s) return s;
      }
      return null;
    }
    case 'repetition':
      if (env.injured) return null;
      // R bouts ≤ 2 min with 2–3× the rest.
      return reps(
        env,
        meters,
        budget.R,
        { target: 'repetition', workSeconds: p < 0.5 ? 45 : 60, restSeconds: p < 0.5 ? 120 : 150, min: 4, max: Math.round(lerp(8, 12, p)) },
        'repetition',
        'Repetitions',
        reason,
        WARM_COOL.R,
      );
    case 'marathon_pace':
      return steadyBlock(env, meters, Math.min(budget.M, lerp(6, 14, p) * 1609.344), 'marathon', 'marathon_pace', 'Marathon pace', reason, WARM_COOL.M);
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
