/** Sizes and fills one week of an engine plan: which days, how far, which sessions. */
import type { Methodology } from '../schema/plan.ts';
import { addDays, toDayNumber } from './dates.ts';
import type { FrameWeek } from './frame.ts';
import { PACE_TARGETS } from '../schema/workout.ts';
import { midPace, zoneOf, type Zone } from './paces.ts';
import { HARD_TYPES, LIMITS, longRunShareCap, sessionCaps, type RaceBucket } from './rules.ts';
import type { SlotKind, WeekLayout } from './layout.ts';
import {
  easyRun,
  longRun,
  padWarmup,
  pickupCount,
  qualitySession,
  runWithPickups,
  strideCount,
  type Progression,
  type QualityKind,
  type Session,
  type SessionEnv,
  type ZoneBudget,
} from './sessions.ts';

type Choice = QualityKind | 'strides' | 'easy' | 'medium_long';

/** Shortest run worth a day; fewer, longer runs below it. */
const MIN_RUN_METERS = 4000;
/** Safety margins under the guardrails, so rounding never crosses a line. */
const SHARE_MARGIN = 0.03;
/** Under the spike rule's 1.10 × the 30-day longest run, by the width of rounding. */
const SPIKE_FACTOR = 1.095;
/**
 * The week's running time away from easy pace, at most: ~80% easy by time (docs/TRAINING.md §"Safety guardrails"; 80/20
 * by name), a little more easy for the others, so the 3-week check at 75% always holds.
 */
const NON_EASY_SHARE: Record<Methodology, number> = { daniels: 0.21, pfitzinger: 0.21, '80/20': 0.22 };
const MILE = 1609.344;

export interface WeekEnv {
  env: SessionEnv;
  methodology: Methodology;
  bucket: RaceBucket | null;
  layout: WeekLayout;
  longCapSeconds: number;
  /** The beginner floor for the goal race: a long run within it is within the share and time caps. */
  floorMeters: number;
  baseline: number;
  /** Pfitzinger's second medium-long run, at high volume (70 mi/week: twice a week). */
  secondMediumLong: boolean;
  raceDay: number | null;
}

/** What the plan asks of one week, beyond its volume. */
export interface WeekPlan {
  target: number;
  /** The long run the progression calls for this week (the limits may cut it). */
  longWanted: number;
  /** 0 at the first week, 1 at the last week before the taper: sessions grow with it. */
  progress: number;
  /** This week's long run carries marathon-pace work or a fast finish. */
  fastLong: boolean;
}

export interface WeekState {
  /** Runs for the 30-day window; `assumed` marks the profile's longest run, which is no week's run. */
  runs: { day: number; meters: number; assumed?: boolean }[];
  prevLongest: number;
  /** Hard days already placed: a block's first day must not make a pair with the last one's. */
  hard?: Set<number>;
}

export interface BuiltWorkout {
  date: string;
  session: Session;
}

/** Quality days a week of `runs` runs holds: two from 4 runs a week (docs/TRAINING.md §Methodologies: 2 Q days, 2–3 key sessions). */
function qualityDays(runs: number): number {
  return runs >= 4 ? 2 : runs >= 2 ? 1 : 0;
}

/** The session choice for a slot, by methodology, race and phase (docs/TRAINING.md §Methodologies). */
function choose(w: WeekEnv, week: FrameWeek, slot: SlotKind, finalTaper: boolean, fastLong: boolean): Choice {
  if (slot === 'easy' || slot === 'long') return 'easy';
  // A recovery week keeps one light threshold session (no R or I work) and drops the rest.
  if (week.role === 'recovery') return slot === 'q1' && !w.env.injured ? 'threshold' : 'easy';
  const marathon = w.bucket === 'marathon';
  const odd = week.index % 2 === 1;
  let c: Choice;
  if (week.phase === 'taper') c = slot === 'q1' ? 'race_pace' : finalTaper ? 'strides' : marathon ? 'threshold' : 'intervals';
  else if (w.methodology === 'daniels') {
    // Daniels' phases: R and T early, I and T in the build, T and M (marathon) or I (shorter) at the peak.
    if (week.phase === 'base') c = slot === 'q1' ? (marathon ? 'threshold' : 'repetition') : marathon ? 'tempo' : 'threshold';
    // The M-pace long run is one of Daniels' two Q days: the week it comes, q2 is easy with strides.
    else if (marathon) c = slot === 'q1' ? (week.phase === 'build' && odd ? 'intervals' : 'threshold') : fastLong ? 'strides' : 'marathon_pace';
    else if (week.phase === 'build') c = slot === 'q1' ? 'intervals' : odd ? 'repetition' : 'threshold';
    else c = slot === 'q1' ? (w.bucket === 'half' ? 'threshold' : 'intervals') : w.bucket === 'half' ? 'intervals' : 'threshold';
  } else if (w.methodology === 'pfitzinger') {
    // Pfitzinger: an LT run and a medium-long run each week; VO2max intervals join at the peak.
    // Marathon: LT runs, VO2max intervals at the peak, a medium-long run every other week as q2.
    if (marathon) c = slot === 'q1' ? (week.phase === 'peak' && odd ? 'intervals' : 'tempo') : odd ? 'medium_long' : 'intervals';
    else if (week.phase === 'base') c = slot === 'q1' ? 'tempo' : 'medium_long';
    else c = slot === 'q1' ? (odd ? 'intervals' : 'tempo') : odd ? 'tempo' : 'intervals';
  } else {
    // 80/20: cruise or VO2max intervals and a tempo each week, the rest strictly easy.
    if (week.phase === 'base') c = slot === 'q1' ? 'tempo' : odd ? 'threshold' : 'intervals';
    else c = slot === 'q1' ? (odd ? 'threshold' : 'intervals') : 'tempo';
  }
  // Daniels' half-marathon M-pace long run is one of the week's two Q days too.
  if (w.methodology === 'daniels' && w.bucket === 'half' && fastLong && slot === 'q2' && week.role === 'normal' && week.phase !== 'taper') c = 'strides';
  if (w.env.injured && (c === 'repetition' || c === 'strides')) c = c === 'repetition' ? 'threshold' : 'easy';
  return c;
}

const REASONS: Record<Choice, string> = {
  threshold: 'cruise intervals at threshold raise the pace you can hold for about an hour (about 1 min rest per 5 min)',
  tempo: 'a steady tempo run at lactate threshold',
  intervals: 'interval work at VO2max pace; bouts of 3–5 min with an equal or shorter jog',
  repetition: 'short fast repetitions for speed and economy, with 2–3 × the rest',
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
  /** Days after the long run (layout.ts). */
  rel: number;
  day: number;
  slot: SlotKind;
  choice: Choice;
  wanted: number;
  meters: number;
}

/** The long run's time cap in meters at the runner's long-run pace. */
function longCapMeters(w: WeekEnv): number {
  return ((w.longCapSeconds - 300) / midPace(w.env.paces.long)) * 1000;
}

/**
 * The most one week on the runner's days can hold: no run is longer than the long run, and the
 * long run stays within its limits (time cap, the goal's longest run). With few days this binds —
 * 2 days cannot carry 70 miles — and the plan has to say so rather than quietly hold less.
 */
export function weekCeilingMeters(w: WeekEnv, peakLong: number): number {
  const longest = Math.min(Math.max(longCapMeters(w), w.floorMeters), peakLong);
  return Math.max(1, w.layout.maxRuns) * longest;
}

/** Builds one week's workouts toward `plan.target` meters; records the runs in `state`. */
export function buildWeek(
  w: WeekEnv,
  week: FrameWeek,
  plan: WeekPlan,
  startDay: number,
  state: WeekState,
  finalTaper: boolean,
  limits: WeekLimits = NO_LIMITS,
): BuiltWorkout[] {
  const { target } = plan;
  const weekStart = toDayNumber(week.start_date);
  // The race itself is one of the week's running days when it falls inside the block.
  const raceInside = w.raceDay !== null && w.raceDay >= weekStart && w.raceDay < weekStart + 7;
  const room = w.layout.maxRuns - (raceInside ? 1 : 0);
  if (room <= 0) return [];
  const max30 = (day: number) =>
    Math.max(LIMITS.minLongestRunMeters, ...state.runs.filter((r) => r.day < day && r.day >= day - LIMITS.spikeWindowDays).map((r) => r.meters));
  // Fewer, longer runs for a small week; more runs when the spike rule keeps each one short.
  const perRun = Math.max(2000, Math.min(2 * MIN_RUN_METERS, SPIKE_FACTOR * max30(Math.max(weekStart, startDay))));
  const nFull = Math.max(1, Math.min(room, Math.max(Math.floor(target / MIN_RUN_METERS), Math.ceil(target / perRun - 0.05))));
  // In the race's block every day before the race is a candidate; the race takes one of the runner's days.
  const layout = w.layout.forRuns(raceInside ? w.layout.maxRuns : nFull, qualityDays(nFull));
  const share = nFull === 1 ? 1 : longRunShareCap(nFull, w.methodology) - SHARE_MARGIN;
  // A long run within the race's beginner floor is within the share and time caps (rules.ts).
  const capped = (meters: number, weekMeters: number) =>
    meters <= w.floorMeters ? meters : Math.min(meters, Math.max(w.floorMeters, Math.min(share * weekMeters, longCapMeters(w))));
  const long =
    Math.floor(
      capped(
        Math.min(
          plan.longWanted,
          // An excluded long-run day (a partial first week) still bounds the other runs' sizes.
          SPIKE_FACTOR * max30(Math.max(weekStart, startDay)),
          week.role === 'recovery' && state.prevLongest > 0 ? 0.9 * state.prevLongest : Infinity,
        ),
        target,
      ) / 10,
    ) * 10;

  const lastDay = weekStart + week.days - 1;
  const included: Slot[] = layout
    .map(({ offset, slot: kind, rel }) => {
      const day = weekStart + offset;
      let slot: SlotKind = kind;
      let choice = choose(w, week, kind, finalTaper, plan.fastLong);
      // Pfitzinger's medium-long run: on the easy day furthest from the long run (two at high volume).
      if (
        w.methodology === 'pfitzinger' &&
        kind === 'easy' &&
        week.role === 'normal' &&
        week.phase !== 'taper' &&
        (rel === 3 || (rel === 4 && !layout.some((d) => d.rel === 3)) || (rel === 5 && !layout.some((d) => d.rel === 3) && week.index % 2 === 0))
      )
        choice = 'medium_long';
      // Next to a kept hard workout of the runner's own, and the day before the race, only an easy run.
      const nextToHard = state.hard !== undefined && (state.hard.has(day - 1) || state.hard.has(day + 1));
      if ((limits.calm.has(day) && kind !== 'easy') || (w.raceDay !== null && day === w.raceDay - 1) || (nextToHard && kind !== 'easy')) {
        slot = 'easy';
        choice = 'easy';
      }
      return { pos: offset, rel, day, slot, choice, wanted: 0, meters: 0 } satisfies Slot;
    })
    .filter((s) => s.day >= startDay && s.day <= lastDay && !limits.taken.has(s.day));
  // Too many candidates in the race's block: the easy days go first, the day before the race last.
  while (raceInside && included.length > room) {
    const easy = included.filter((s) => s.slot === 'easy' && (w.raceDay === null || s.day !== w.raceDay - 1));
    const drop = easy[0] ?? included.find((s) => s.slot !== 'q1') ?? included[0]!;
    included.splice(included.indexOf(drop), 1);
  }

  const prog: Progression = { p: plan.progress, ltMiles: w.methodology === 'pfitzinger' };
  // Quality sessions are as long as their warm-up, work and cool-down; the easy days take the rest.
  const natural = new Map<number, number>();
  const roomy = Math.max(0, long - 10);
  const firstCaps = zoneBudget(w, sessionCaps(week.index === 0 ? Math.max(target, w.baseline) : target), target);
  for (const s of included) {
    if (s.slot === 'long' || s.choice === 'easy' || s.choice === 'strides' || s.choice === 'medium_long') continue;
    const q = s.choice === 'race_pace' ? null : qualitySession(w.env, s.choice, Math.max(roomy, 0.3 * target), firstCaps, '', prog);
    natural.set(s.day, q ? q.estimate.distance_meters : 0);
  }
  const mlSize = Math.min(0.75 * long, 15 * MILE, 0.24 * target);

  const overrides = new Map<number, number>();
  for (const [day, size] of natural) if (size > 0) overrides.set(day, size);
  const padded = new Map<number, number>();
  const padTo = new Map<number, number>();
  for (let attempt = 0; ; attempt++) {
    // Size: the long run, the quality sessions and the medium-long run first, easy days share the rest.
    let fixed = 0;
    let easyCount = 0;
    for (const s of included) {
      const o = overrides.get(s.day);
      if (s.slot === 'long') s.wanted = o ?? long;
      else if (natural.has(s.day) && (natural.get(s.day) ?? 0) > 0) s.wanted = o ?? natural.get(s.day)!;
      else if (s.choice === 'medium_long') s.wanted = o ?? mlSize;
      else {
        easyCount++;
        continue;
      }
      fixed += s.wanted;
    }
    const easyEach = easyCount > 0 ? Math.max(0, (target - fixed) / easyCount) : 0;
    let spare = target - fixed;
    for (const s of included) {
      if (s.slot === 'long' || (natural.get(s.day) ?? 0) > 0 || s.choice === 'medium_long') continue;
      s.wanted = Math.min(overrides.get(s.day) ?? Infinity, easyEach, Math.max(0, long - 10));
      spare -= s.wanted;
    }
    // A big week on few days: what the easy days cannot carry lengthens the sessions' warm-ups.
    const sessions = included.filter((s) => s.slot !== 'long' && (natural.get(s.day) ?? 0) > 0);
    padded.clear();
    if (spare > 1000 * sessions.length && sessions.length > 0 && attempt === 0) {
      for (const s of sessions) {
        const to = Math.min(s.wanted + spare / sessions.length, Math.max(s.wanted, long - 10));
        if (to > s.wanted + 500) {
          padded.set(s.day, to);
          s.wanted = to;
          overrides.set(s.day, to);
        }
      }
    } else for (const s of sessions) if (padTo.has(s.day)) padded.set(s.day, padTo.get(s.day)!);
    for (const [day, to] of padded) padTo.set(day, to);
    const runs = sizeSlots(included, limits.maxVolume, max30, overrides);
    // Days lost (a late start, sick days) shrink the week: keep its longest run within its share.
    const total = runs.reduce((a, s) => a + s.meters, 0);
    const biggest = runs.reduce<Slot | undefined>((a, s) => (a && a.meters >= s.meters ? a : s), undefined);
    const shareNow = runs.length <= 1 ? 1 : longRunShareCap(runs.length, w.methodology) - SHARE_MARGIN;
    const ref = week.index === 0 ? Math.max(total, w.baseline) : total;
    const allowed = Math.max(shareNow * ref, w.floorMeters);
    if (biggest && biggest.meters > allowed + 1 && attempt < 8) {
      overrides.set(biggest.day, Math.floor(allowed / 10) * 10);
      continue;
    }
    const built = fillSlots(w, week, runs, finalTaper, prog, plan.fastLong, padded);
    const shrunk = runs.filter((s) => built.get(s.day)!.estimate.distance_meters < s.meters - 10);
    if (shrunk.length > 0 && attempt < 8) {
      for (const s of shrunk) {
        overrides.set(s.day, built.get(s.day)!.estimate.distance_meters);
        if (natural.has(s.day)) natural.set(s.day, built.get(s.day)!.estimate.distance_meters);
      }
      continue;
    }
    const actual = runs.map((s) => built.get(s.day)!.estimate.distance_meters);
    runs.forEach((s, i) => state.runs.push({ day: s.day, meters: actual[i]! }));
    for (const s of runs) if (isHard(built.get(s.day)!)) state.hard?.add(s.day);
    // Done and kept runs of this week count too: the check compares with the week's longest run.
    state.prevLongest = Math.max(0, ...state.runs.filter((r) => !r.assumed && r.day >= weekStart && r.day < weekStart + 7).map((r) => r.meters));
    return runs.map((s) => ({ date: addDays(week.start_date, s.pos), session: built.get(s.day)! }));
  }
}

/** Hard as the check counts it (timeline.ts): a hard type, 10+ min of M/T/I or 4+ min of R. */
function isHard(x: Session): boolean {
  const z = x.estimate.zones;
  return HARD_TYPES.has(x.type) || z.M.seconds + z.T.seconds + z.I.seconds >= 600 || z.R.seconds >= 240;
}

/** Scales the wanted sizes into the week's room and under the spike rule; drops scraps. */
function sizeSlots(slots: Slot[], maxVolume: number, max30: (day: number) => number, overrides: Map<number, number>): Slot[] {
  const wantedTotal = slots.reduce((a, s) => a + s.wanted, 0);
  const scale = wantedTotal > maxVolume ? Math.max(0, maxVolume / wantedTotal) : 1;
  const placed: { day: number; meters: number }[] = [];
  for (const s of [...slots].sort((a, b) => a.day - b.day)) {
    const longest = Math.max(max30(s.day), ...placed.filter((r) => r.day < s.day).map((r) => r.meters));
    // A session's own size (an override) is kept whole: rounding it down would drop a rep each pass.
    const o = overrides.get(s.day);
    const free = Math.min(s.wanted * scale, SPIKE_FACTOR * longest);
    s.meters = Math.max(0, o !== undefined && free >= o ? o : Math.floor(Math.min(free, o ?? Infinity) / 10) * 10);
    if (s.meters > 0) placed.push({ day: s.day, meters: s.meters });
  }
  return slots.filter((s) => s.meters >= 500);
}

/** The per-session zone budget of a week: 95% of each cap (rules.ts sessionCaps). */
function zoneBudget(w: WeekEnv, caps: ReturnType<typeof sessionCaps>, volume: number): ZoneBudget {
  void volume;
  return {
    T: 0.93 * caps.T,
    I: 0.9 * caps.I,
    R: 0.9 * caps.R,
    M: 0.9 * Math.min(caps.Mmeters, (caps.Mseconds / midPace(w.env.paces.marathon)) * 1000),
  };
}

/** Builds the sessions: the key quality session takes the week's hard-running budget first. */
function fillSlots(
  w: WeekEnv,
  week: FrameWeek,
  runs: Slot[],
  finalTaper: boolean,
  prog: Progression,
  fastLong: boolean,
  padded: ReadonlyMap<number, number>,
): Map<number, Session> {
  const volume = runs.reduce((a, s) => a + s.meters, 0);
  const zone = zoneBudget(w, sessionCaps(week.index === 0 ? Math.max(volume, w.baseline) : volume), volume);
  // The easy-share rule is about time, so the week's hard running is budgeted in seconds.
  let nonEasySeconds = NON_EASY_SHARE[w.methodology] * (volume / 1000) * midPace(w.env.paces.easy);
  const slowest = slowestZonePaces(w);
  const budget = (): ZoneBudget => ({
    T: Math.max(0, Math.min(zone.T, (nonEasySeconds / slowest.T) * 1000)),
    I: Math.max(0, Math.min(zone.I, (nonEasySeconds / slowest.I) * 1000)),
    R: Math.max(0, Math.min(zone.R, (nonEasySeconds / slowest.R) * 1000)),
    M: Math.max(0, Math.min(zone.M, (nonEasySeconds / slowest.M) * 1000)),
  });
  const capSeconds = Math.max(w.longCapSeconds - 120, 0);
  const longFloorSeconds = (w.floorMeters / 1000) * midPace(w.env.paces.long);
  // The last week before a race keeps some intensity even when it has no quality day left.
  const sharpenLong = finalTaper && !runs.some((s) => s.slot === 'q1' || s.slot === 'q2');
  const built = new Map<number, Session>();
  for (const s of [...runs].sort((a, b) => rank(a.slot) - rank(b.slot))) {
    let meters = s.meters;
    let session = buildSlot(w, week, s.slot, s.rel, s.choice, meters, budget(), sharpenLong, prog, fastLong);
    // Slow jogs between reps can make a session outlast the time cap at the same distance; a
    // long run within the beginner floor is exempt from the time cap.
    const limit = Math.max(capSeconds, s.meters <= w.floorMeters ? longFloorSeconds + 3600 : 0);
    for (let i = 0; i < 4 && session.estimate.duration_seconds > limit; i++) {
      meters = Math.floor((meters * (limit - 60)) / session.estimate.duration_seconds / 10) * 10;
      session = buildSlot(w, week, s.slot, s.rel, s.choice, meters, budget(), sharpenLong, prog, fastLong);
    }
    if (padded.has(s.day) && session.type !== 'easy') session = padWarmup(w.env, session, Math.min(meters, padded.get(s.day)!));
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

function buildSlot(
  w: WeekEnv,
  week: FrameWeek,
  slot: SlotKind,
  rel: number,
  choice: Choice,
  meters: number,
  budget: ZoneBudget,
  sharpen: boolean,
  prog: Progression,
  fastLong: boolean,
): Session {
  const env = w.env;
  const phaseWhy = week.role === 'recovery' ? 'recovery week: volume down, no R or I work' : `${week.phase} phase`;
  if (slot === 'long') {
    if (sharpen)
      return runWithPickups(
        env,
        meters,
        pickupCount(env, raceZoneBudget(w, budget)),
        'long',
        'last long run before the race, shortened, with race-pace pick-ups to stay sharp',
      );
    if (fastLong && week.role === 'normal' && week.phase !== 'taper') {
      // Marathon-pace long runs (Pfitzinger 8–14 mi, Daniels' M-pace long runs), or 80/20's fast finish.
      if (w.bucket === 'half' && w.methodology !== '80/20') {
        // Half-marathon plans put 3–6 mi at marathon pace into the long run every other week.
        const m = Math.min(0.4 * meters, budget.M, (3 + 3 * prog.p) * MILE);
        if (m >= 3000) return longRun(env, meters, m, `${phaseWhy}: the long run builds endurance; its marathon-pace miles teach a steady, strong rhythm`);
      }
      if (w.bucket === 'marathon' && w.methodology !== '80/20') {
        const want = w.methodology === 'pfitzinger' ? (8 + 6 * prog.p) * MILE : (6 + 8 * prog.p) * MILE;
        const m = Math.min(0.6 * meters, budget.M, want);
        if (m >= 3000) return longRun(env, meters, m, `${phaseWhy}: the long run builds endurance; its marathon-pace miles rehearse race day`);
      } else if (w.methodology === '80/20') {
        const t = Math.min(budget.T, ((12 + 10 * prog.p) * 60 * 1000) / midPace(env.paces.tempo));
        if (t >= 2000)
          return longRun(env, meters, t, `${phaseWhy}: the long run builds endurance; the fast finish teaches you to run hard on tired legs`, 'tempo');
      }
    }
    return longRun(env, meters, 0, `${phaseWhy}: the weekly long run builds endurance`);
  }
  const why = `${phaseWhy}: ${REASONS[choice]}`;
  // Pfitzinger's day after the long run is a true recovery run; other easy days of a normal
  // week end with strides (Daniels: strides twice a week keep the legs quick).
  if (choice === 'easy') {
    const recovery = w.methodology === 'pfitzinger' && rel === 1;
    const strides = week.role === 'normal' && week.phase !== 'taper' && !recovery ? strideCount(env, budget.R) : 0;
    return easyRun(env, meters, strides, strides > 0 ? `${why}; strides at the end keep the legs quick` : why, recovery ? 'recovery' : 'easy');
  }
  if (choice === 'medium_long') return easyRun(env, meters, 0, why, 'long', `Medium-long run ${(meters / 1000).toFixed(1)} km`);
  if (choice !== 'strides') {
    // When the week's budget has no room for the chosen session, cruise intervals or a short tempo still may.
    for (const kind of [choice, 'threshold', 'tempo'] as const) {
      const q = qualitySession(env, kind, meters, budget, kind === choice ? why : `${phaseWhy}: ${REASONS[kind]}`, prog);
      if (q) return q;
    }
  }
  // No R work in a recovery week, strides included.
  const strides = week.role === 'recovery' ? 0 : strideCount(env, budget.R);
  if (week.role === 'recovery') return easyRun(env, meters, 0, `${phaseWhy}: ${REASONS.easy}`);
  if (strides > 0 || week.phase !== 'taper') return easyRun(env, meters, strides, `${phaseWhy}: ${REASONS.strides}`);
  return runWithPickups(env, meters, pickupCount(env, raceZoneBudget(w, budget)), 'easy', `${phaseWhy}: ${REASONS.race_pace}`);
}

/** The budget of the zone the goal race is run in. */
function raceZoneBudget(w: WeekEnv, budget: ZoneBudget): number {
  const zone = zoneOf('race', w.env.raceMeters);
  return zone === 'E' ? 0 : budget[zone];
}
