/** Sizes and fills one week of an engine plan: which days, how far, which sessions. */
import type { Methodology } from '../schema/plan.ts';
import { addDays, toDayNumber } from './dates.ts';
import type { FrameWeek } from './frame.ts';
import { PACE_TARGETS } from '../schema/workout.ts';
import { midPace, zoneOf, type Zone } from './paces.ts';
import { LIMITS, longRunShareCap, sessionCaps, type RaceBucket } from './rules.ts';
import {
  easyRun,
  longRun,
  pickupCount,
  qualitySession,
  runWithPickups,
  strideCount,
  type QualityKind,
  type Session,
  type SessionEnv,
  type ZoneBudget,
} from './sessions.ts';

type SlotKind = 'long' | 'q1' | 'q2' | 'easy';
type Choice = QualityKind | 'strides' | 'easy' | 'medium_long';

/** Days of the week by runs per week; day 0 is the long run. Hard days never touch. */
const PATTERNS: Record<number, [number, SlotKind][]> = {
  1: [[0, 'long']],
  2: [
    [0, 'long'],
    [3, 'q1'],
  ],
  3: [
    [0, 'long'],
    [2, 'q1'],
    [4, 'easy'],
  ],
  4: [
    [0, 'long'],
    [2, 'q1'],
    [4, 'easy'],
    [5, 'easy'],
  ],
  5: [
    [0, 'long'],
    [1, 'easy'],
    [2, 'q1'],
    [4, 'q2'],
    [5, 'easy'],
  ],
  6: [
    [0, 'long'],
    [1, 'easy'],
    [2, 'q1'],
    [3, 'easy'],
    [4, 'q2'],
    [5, 'easy'],
  ],
  7: [
    [0, 'long'],
    [1, 'easy'],
    [2, 'q1'],
    [3, 'easy'],
    [4, 'q2'],
    [5, 'easy'],
    [6, 'easy'],
  ],
};

/** Shortest run worth a day; fewer, longer runs below it. */
const MIN_RUN_METERS = 4000;
/** Safety margins under the guardrails, so rounding never crosses a line. */
const SHARE_MARGIN = 0.03;
const SPIKE_FACTOR = 1.09;
const NON_EASY_SHARE = 0.17;

export interface WeekEnv {
  env: SessionEnv;
  methodology: Methodology;
  bucket: RaceBucket | null;
  daysAvailable: number;
  longCapSeconds: number;
  needCapMeters: number;
  baseline: number;
}

export interface WeekState {
  /** Runs for the 30-day window; `assumed` marks the profile's longest run, which is no week's run. */
  runs: { day: number; meters: number; assumed?: boolean }[];
  prevLongest: number;
}

export interface BuiltWorkout {
  date: string;
  session: Session;
}

/** The session choice for a slot, by methodology and phase (docs/TRAINING.md §Methodologies). */
function choose(w: WeekEnv, week: FrameWeek, slot: SlotKind, finalTaper: boolean): Choice {
  if (slot === 'easy' || slot === 'long') return 'easy';
  if (week.role === 'recovery') return 'easy';
  const marathon = w.bucket === 'marathon';
  let c: Choice;
  if (week.phase === 'taper') c = slot === 'q1' ? 'race_pace' : 'strides';
  else if (week.phase === 'base')
    c = slot === 'q2' && w.methodology === 'pfitzinger' ? 'medium_long' : w.methodology === '80/20' && slot === 'q2' ? 'easy' : 'strides';
  else if (week.phase === 'maintain')
    c = slot === 'q1' ? (w.methodology === '80/20' ? 'intervals' : w.methodology === 'pfitzinger' ? 'tempo' : 'threshold') : 'strides';
  else if (w.methodology === 'daniels') {
    if (week.phase === 'build') c = slot === 'q1' ? (marathon ? 'threshold' : 'repetition') : marathon ? 'marathon_pace' : 'threshold';
    else c = slot === 'q1' ? (marathon ? 'threshold' : 'intervals') : marathon ? 'marathon_pace' : w.bucket === 'half' ? 'tempo' : 'threshold';
  } else if (w.methodology === 'pfitzinger') {
    if (week.phase === 'build') c = slot === 'q1' ? 'tempo' : 'medium_long';
    else c = slot === 'q1' ? 'intervals' : w.daysAvailable >= 6 ? 'tempo' : 'medium_long';
  } else {
    // 80/20 stays polarised: hard sessions are intervals, the rest strictly easy.
    c = slot === 'q1' ? 'intervals' : week.phase === 'peak' ? 'threshold' : 'easy';
  }
  if (finalTaper && slot === 'q2') c = 'strides';
  if (w.env.injured && (c === 'repetition' || c === 'strides')) c = c === 'repetition' ? 'threshold' : 'easy';
  return c;
}

const REASONS: Record<Choice, string> = {
  threshold: 'threshold work raises the pace you can hold for about an hour',
  tempo: 'a steady tempo run at lactate threshold',
  intervals: 'interval work at VO2max pace; bouts of 3–5 min',
  repetition: 'short fast repetitions for speed and economy, with full recovery',
  marathon_pace: 'marathon-pace running to rehearse race rhythm',
  race_pace: 'race-pace sharpening: volume is down, intensity stays',
  strides: 'easy running with strides to keep the legs quick',
  easy: 'easy running builds aerobic fitness with little strain',
  medium_long: 'a medium-long run builds endurance mid-week',
};

export interface WeekLimits {
  /** Days the engine must leave alone (kept workouts of the runner's own). */
  taken: ReadonlySet<number>;
  /** Days next to a kept hard workout: no hard session there. */
  calm: ReadonlySet<number>;
  /** The most the engine may add this week (the target less what is already run or kept). */
  maxVolume: number;
}

const NO_LIMITS: WeekLimits = { taken: new Set(), calm: new Set(), maxVolume: Infinity };

interface Slot {
  pos: number;
  day: number;
  slot: SlotKind;
  choice: Choice;
  wanted: number;
  meters: number;
}

/**
 * The most one week on the runner's days can hold: no run is longer than the long run, and the
 * long run stays within its limits (time cap, what the goal needs). With few days this binds —
 * 2 days cannot carry 70 miles — and the plan has to say so rather than quietly hold less.
 */
export function weekCeilingMeters(w: WeekEnv): number {
  const longest = Math.min(((w.longCapSeconds - 300) / midPace(w.env.paces.long)) * 1000, w.needCapMeters);
  return Math.max(1, w.daysAvailable) * longest;
}

/** Builds one week's workouts under `target` meters; records the runs in `state`. */
export function buildWeek(
  w: WeekEnv,
  week: FrameWeek,
  target: number,
  startDay: number,
  state: WeekState,
  finalTaper: boolean,
  limits: WeekLimits = NO_LIMITS,
): BuiltWorkout[] {
  const weekStart = toDayNumber(week.start_date);
  const nFull = Math.max(1, Math.min(w.daysAvailable, Math.floor(target / MIN_RUN_METERS)));
  const pattern = PATTERNS[nFull] ?? PATTERNS[1]!;
  const share = nFull === 1 ? 1 : longRunShareCap(nFull) - SHARE_MARGIN;
  const max30 = (day: number) =>
    Math.max(LIMITS.minLongestRunMeters, ...state.runs.filter((r) => r.day < day && r.day >= day - LIMITS.spikeWindowDays).map((r) => r.meters));
  const long =
    Math.floor(
      Math.min(
        share * target,
        ((w.longCapSeconds - 300) / midPace(w.env.paces.long)) * 1000,
        w.needCapMeters,
        // An excluded long-run day (a partial first week) still bounds the other runs' sizes.
        SPIKE_FACTOR * max30(Math.max(weekStart, startDay)),
        week.role === 'recovery' && state.prevLongest > 0 ? 0.9 * state.prevLongest : Infinity,
      ) / 10,
    ) * 10;
  const others = pattern.length - 1;
  const hasMl = pattern.some(([, slot]) => choose(w, week, slot, finalTaper) === 'medium_long');
  const equal = others > 0 ? (target - long) / others : 0;
  const mlSize = hasMl ? Math.min(0.75 * long, 1.4 * equal) : 0;
  const restEqual = hasMl && others > 1 ? (target - long - mlSize) / (others - 1) : equal;

  const included: Slot[] = pattern
    .map(([pos, slot]) => {
      const choice = choose(w, week, slot, finalTaper);
      const wanted = slot === 'long' ? long : Math.min(choice === 'medium_long' ? mlSize : restEqual, long - 10);
      // Next to a kept hard workout of the runner's own, the engine only puts an easy run.
      const calm = limits.calm.has(weekStart + pos) && slot !== 'easy';
      return { pos, day: weekStart + pos, slot: calm ? 'easy' : slot, choice: calm ? 'easy' : choice, wanted, meters: 0 } satisfies Slot;
    })
    .filter((s) => s.day >= startDay && !limits.taken.has(s.day));

  // Size, fill, and size again when a session had to be shortened to fit the time cap.
  const overrides = new Map<number, number>();
  for (let attempt = 0; ; attempt++) {
    const runs = sizeSlots(included, limits.maxVolume, max30, overrides);
    // Days lost (a late start, sick days) shrink the week: keep its longest run within its share.
    const total = runs.reduce((a, s) => a + s.meters, 0);
    const biggest = runs.reduce<Slot | undefined>((a, s) => (a && a.meters >= s.meters ? a : s), undefined);
    const allowed = (runs.length <= 1 ? 1 : longRunShareCap(runs.length) - SHARE_MARGIN) * (week.index === 0 ? Math.max(total, w.baseline) : total);
    if (biggest && biggest.meters > allowed + 1 && attempt < 8) {
      overrides.set(biggest.day, Math.floor(allowed / 10) * 10);
      continue;
    }
    const built = fillSlots(w, week, runs, finalTaper);
    const shrunk = runs.filter((s) => built.get(s.day)!.estimate.distance_meters < s.meters - 1);
    if (shrunk.length > 0 && attempt < 8) {
      for (const s of shrunk) overrides.set(s.day, built.get(s.day)!.estimate.distance_meters);
      continue;
    }
    const actual = runs.map((s) => built.get(s.day)!.estimate.distance_meters);
    runs.forEach((s, i) => state.runs.push({ day: s.day, meters: actual[i]! }));
    // Done and kept runs of this week count too: the check compares with the week's longest run.
    state.prevLongest = Math.max(0, ...state.runs.filter((r) => !r.assumed && r.day >= weekStart && r.day < weekStart + 7).map((r) => r.meters));
    return runs.map((s) => ({ date: addDays(week.start_date, s.pos), session: built.get(s.day)! }));
  }
}

/** Scales the wanted sizes into the week's room and under 1.09 × the 30-day longest; drops scraps. */
function sizeSlots(slots: Slot[], maxVolume: number, max30: (day: number) => number, overrides: Map<number, number>): Slot[] {
  const wantedTotal = slots.reduce((a, s) => a + s.wanted, 0);
  const scale = wantedTotal > maxVolume ? Math.max(0, maxVolume / wantedTotal) : 1;
  const placed: { day: number; meters: number }[] = [];
  for (const s of slots) {
    const longest = Math.max(max30(s.day), ...placed.filter((r) => r.day < s.day).map((r) => r.meters));
    s.meters = Math.max(0, Math.floor(Math.min(s.wanted * scale, SPIKE_FACTOR * longest, overrides.get(s.day) ?? Infinity) / 10) * 10);
    if (s.meters > 0) placed.push({ day: s.day, meters: s.meters });
  }
  return slots.filter((s) => s.meters >= 500);
}

/** Builds the sessions: the key quality session takes the week's hard-running budget first. */
function fillSlots(w: WeekEnv, week: FrameWeek, runs: Slot[], finalTaper: boolean): Map<number, Session> {
  const volume = runs.reduce((a, s) => a + s.meters, 0);
  const caps = sessionCaps(week.index === 0 ? Math.max(volume, w.baseline) : volume);
  const zone: ZoneBudget = {
    T: 0.95 * caps.T,
    I: 0.95 * caps.I,
    R: 0.95 * caps.R,
    M: 0.95 * Math.min(caps.Mmeters, (caps.Mseconds / midPace(w.env.paces.marathon)) * 1000),
  };
  // The easy-share rule is about time, so the week's hard running is budgeted in seconds.
  let nonEasySeconds = NON_EASY_SHARE * (volume / 1000) * midPace(w.env.paces.easy);
  const slowest = slowestZonePaces(w);
  const budget = (): ZoneBudget => ({
    T: Math.min(zone.T, (nonEasySeconds / slowest.T) * 1000),
    I: Math.min(zone.I, (nonEasySeconds / slowest.I) * 1000),
    R: Math.min(zone.R, (nonEasySeconds / slowest.R) * 1000),
    M: Math.min(zone.M, (nonEasySeconds / slowest.M) * 1000),
  });
  const capSeconds = w.longCapSeconds - 120;
  // The last week before a race keeps some intensity even when it has no quality day left.
  const sharpenLong = finalTaper && !runs.some((s) => s.slot === 'q1' || s.slot === 'q2');
  const built = new Map<number, Session>();
  for (const s of [...runs].sort((a, b) => rank(a.slot) - rank(b.slot))) {
    let meters = s.meters;
    let session = buildSlot(w, week, s.slot, s.pos, s.choice, meters, budget(), sharpenLong);
    // Slow jogs between reps can make a session outlast the time cap at the same distance.
    for (let i = 0; i < 4 && session.estimate.duration_seconds > capSeconds; i++) {
      meters = Math.floor((meters * (capSeconds - 60)) / session.estimate.duration_seconds / 10) * 10;
      session = buildSlot(w, week, s.slot, s.pos, s.choice, meters, budget(), sharpenLong);
    }
    nonEasySeconds -= session.estimate.duration_seconds - session.estimate.zones.E.seconds;
    built.set(s.day, session);
  }
  // Days lost before the race (a late start, sick days) may leave no quality day: sharpen the first run.
  const first = runs[0];
  const sharp = (x: Session) => x.estimate.duration_seconds > x.estimate.zones.E.seconds;
  if (finalTaper && first && ![...built.values()].some(sharp)) {
    const pickups = pickupCount(w.env, raceZoneBudget(w, budget()));
    const session = runWithPickups(
      w.env,
      first.meters,
      pickups,
      first.slot === 'long' ? 'long' : 'easy',
      'last week before the race: race-pace pick-ups keep you sharp',
    );
    if (session.estimate.duration_seconds <= capSeconds) built.set(first.day, session);
  }
  return built;
}

/** Per zone, the slowest pace (s/km) of any target counted in it, to turn seconds into meters safely. */
function slowestZonePaces(w: WeekEnv): Record<Exclude<Zone, 'E'>, number> {
  const out = { M: 0, T: 0, I: 0, R: 0 };
  for (const target of PACE_TARGETS) {
    const zone = zoneOf(target, w.env.raceMeters);
    if (zone !== 'E') out[zone] = Math.max(out[zone], midPace(w.env.paces[target]));
  }
  return out;
}

/** Quality first, then the long run, then the second session, so the key session gets the budget. */
function rank(slot: SlotKind): number {
  return slot === 'q1' ? 0 : slot === 'long' ? 1 : slot === 'q2' ? 2 : 3;
}

function buildSlot(w: WeekEnv, week: FrameWeek, slot: SlotKind, pos: number, choice: Choice, meters: number, budget: ZoneBudget, sharpen: boolean): Session {
  const env = w.env;
  const phaseWhy = week.role === 'recovery' ? 'recovery week: easy running only' : `${week.phase} phase`;
  if (slot === 'long') {
    if (sharpen)
      return runWithPickups(
        env,
        meters,
        pickupCount(env, raceZoneBudget(w, budget)),
        'long',
        'last long run before the race, shortened, with race-pace pick-ups to stay sharp',
      );
    const mPace =
      w.bucket === 'marathon' &&
      w.methodology !== '80/20' &&
      week.role === 'normal' &&
      (week.phase === 'peak' || (w.methodology === 'pfitzinger' && week.phase === 'build')) &&
      week.index % 2 === 1;
    const m = mPace ? Math.min(0.35 * meters, budget.M, 16_000) : 0;
    return longRun(env, meters, m, `${phaseWhy}: the weekly long run builds endurance${m >= 3000 ? '; the marathon-pace finish rehearses race day' : ''}`);
  }
  const why = `${phaseWhy}: ${REASONS[choice]}`;
  // Pfitzinger's day after the long run is a true recovery run.
  if (choice === 'easy') return easyRun(env, meters, 0, why, w.methodology === 'pfitzinger' && pos === 1 ? 'recovery' : 'easy');
  if (choice === 'medium_long') return easyRun(env, meters, 0, why, 'long', `Medium-long run ${(meters / 1000).toFixed(1)} km`);
  if (choice !== 'strides') {
    const q = qualitySession(env, choice, meters, budget, why);
    if (q) return q;
  }
  const strides = strideCount(env, budget.R);
  if (strides > 0 || week.phase !== 'taper') return easyRun(env, meters, strides, `${phaseWhy}: ${REASONS.strides}`);
  return runWithPickups(env, meters, pickupCount(env, raceZoneBudget(w, budget)), 'easy', `${phaseWhy}: ${REASONS.race_pace}`);
}

/** The budget of the zone the goal race is run in. */
function raceZoneBudget(w: WeekEnv, budget: ZoneBudget): number {
  const zone = zoneOf('race', w.env.raceMeters);
  return zone === 'E' ? 0 : budget[zone];
}
