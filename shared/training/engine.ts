/** The rule-based plan engine: same inputs, same plan; every plan it makes passes `checkPlan`. */
import { GoalSchema, type Goal } from '../schema/goal.ts';
import type { Issue } from '../schema/issues.ts';
import { toIssues } from '../schema/issues.ts';
import {
  MethodologySchema,
  TrainingProfileSchema,
  type CompletedRun,
  type Methodology,
  type Plan,
  type PlannedWorkout,
  type PlanWeek,
  type TrainingProfile,
} from '../schema/plan.ts';
import { addDays, daysBetween, isIsoDate, toDayNumber } from './dates.ts';
import { buildFrame, type Frame, type WeekRole } from './frame.ts';
import { estimateWorkout } from './estimate.ts';
import {
  LIMITS,
  baselineLongestRun,
  baselineWeeklyMeters,
  isDownWeek,
  isInjured,
  longRunCapSeconds,
  longRunFloorMeters,
  longRunShareCap,
  raceBucket,
  rampReference,
  taperDays,
} from './rules.ts';
import { weekLayout } from './layout.ts';
import { composeForRaceForm } from './taper-form.ts';
import { runnerPaces } from './timeline.ts';
import { buildWeek, weekCeilingMeters, type WeekEnv, type WeekPlan, type WeekState } from './week.ts';
import { midPace } from './paces.ts';
import { metersToMiles, milesToMeters } from './units.ts';
import type { WorkoutStructure } from '../schema/workout.ts';

export interface GenerateInput {
  profile: TrainingProfile;
  goal: Goal;
  start_date: string;
  today: string;
  methodology: Methodology;
  newId: () => string;
  /** Runs already done: they count toward the 30-day longest run. */
  history?: CompletedRun[];
}

export type GenerateResult = { ok: true; plan: Plan } | { ok: false; issues: Issue[] };

const GROWTH = { normal: 0.08, injured: 0.04 } as const;
const TWO_WEEK_GROWTH = { normal: 0.25, injured: 0.16 } as const;
const RECOVERY_SHARE = 0.75;

/** Checks the engine's input; problems come back as issues, not exceptions. */
export function validateGenerateInput(input: GenerateInput): Issue[] {
  const issues: Issue[] = [];
  const profile = TrainingProfileSchema.safeParse(input.profile);
  if (!profile.success) issues.push(...toIssues(profile.error).map((i) => ({ ...i, path: `profile.${i.path}` })));
  const goal = GoalSchema.safeParse(input.goal);
  if (!goal.success) issues.push(...toIssues(goal.error).map((i) => ({ ...i, path: `goal.${i.path}` })));
  if (!MethodologySchema.safeParse(input.methodology).success) issues.push({ path: 'methodology', message: 'expected daniels, pfitzinger or 80/20' });
  if (!isIsoDate(input.today)) issues.push({ path: 'today', message: 'expected a date as YYYY-MM-DD' });
  if (!isIsoDate(input.start_date)) issues.push({ path: 'start_date', message: 'expected a date as YYYY-MM-DD' });
  if (issues.length > 0) return issues;
  if (input.start_date < input.today) issues.push({ path: 'start_date', message: 'a plan cannot start in the past' });
  const g = input.goal;
  if (g.kind === 'race') {
    const days = daysBetween(input.start_date, g.target_race_date);
    if (days < 7) issues.push({ path: 'goal.target_race_date', message: 'the race must be at least a week after the plan starts' });
    if (days > 364) issues.push({ path: 'goal.target_race_date', message: 'plans run for at most 52 weeks' });
  } else if (g.end_date) {
    const days = daysBetween(input.start_date, g.end_date);
    if (days < 13) issues.push({ path: 'goal.end_date', message: 'a mileage goal needs at least two weeks' });
    if (days > 364) issues.push({ path: 'goal.end_date', message: 'plans run for at most 52 weeks' });
  }
  return issues;
}

/** Generates a plan; deterministic for the same input (ids come from `newId`). */
export function generatePlan(input: GenerateInput): GenerateResult {
  const issues = validateGenerateInput(input);
  if (issues.length > 0) return { ok: false, issues };
  const profile = TrainingProfileSchema.parse(input.profile);
  const injured = isInjured(profile.injury_notes);
  const frame = buildFrame(input.goal, input.start_date, input.methodology, injured, mileageWeeks(profile, input.goal, input.start_date));
  const startDay = toDayNumber(input.start_date);
  const runs: { day: number; meters: number; assumed?: boolean }[] = (input.history ?? []).map((r) => ({
    day: toDayNumber(r.date),
    meters: r.distance_meters,
  }));
  runs.push({ day: startDay - 1, meters: baselineLongestRun(profile), assumed: true });
  // Runs already done in the plan's first weeks (its week can start before today) count toward
  // those weeks, as the guardrails count them: the engine builds around them, as adaptation does.
  const anchorDay = toDayNumber(frame.anchor);
  const todayDay = toDayNumber(input.today);
  const carried = new Map<number, number>();
  for (const r of input.history ?? []) {
    const day = toDayNumber(r.date);
    if (day < anchorDay || day >= todayDay) continue;
    const k = Math.floor((day - anchorDay) / 7);
    carried.set(k, (carried.get(k) ?? 0) + r.distance_meters);
  }
  // The taper is sized for race-day form from the plan's own load forecast (issue 23 §6).
  const compose = (f: Frame, newId: () => string) =>
    composePlan({ ...input, profile, newId, frame: f, fromWeek: 0, firstDay: startDay, priorVolumes: [], runs, prevLongest: 0, carried, kept: [] });
  const ctx = { profile, goal: input.goal, today: input.today, ...(input.history ? { history: input.history } : {}) };
  return { ok: true, plan: composeForRaceForm(frame, compose, ctx, input.newId) };
}

/** What `composePlan` continues from: adaptation passes the real past and the runner's kept workouts. */
export interface ComposeInput extends GenerateInput {
  frame: Frame;
  fromWeek: number;
  /** No new workout before this day number. */
  firstDay: number;
  /** Training volume of weeks before `fromWeek`. */
  priorVolumes: number[];
  runs: { day: number; meters: number; assumed?: boolean }[];
  prevLongest: number;
  /** Meters per week already run or kept, which the engine must build around. */
  carried: Map<number, number>;
  /** Workouts kept as they are (the runner's edits): their days are taken. */
  kept: PlannedWorkout[];
  /** Weeks back from illness or injury: a share of the target volume. */
  comeback?: Map<number, number>;
}

/** Sizes every week from `fromWeek` on and assembles the plan (weeks, workouts, reasons). */
export function composePlan(c: ComposeInput): Plan {
  const { profile, goal, methodology, frame } = c;
  const injured = isInjured(profile.injury_notes);
  const { fitness, paces } = runnerPaces(profile, goal, c.today);
  const raceMeters = goal.kind === 'race' ? goal.target_race_distance_meters : undefined;
  const bucket = raceMeters !== undefined ? raceBucket(raceMeters) : null;
  const baseline = baselineWeeklyMeters(profile);
  const peakTarget = peakTargetMeters(goal, methodology, baseline);
  const layout = weekLayout(profile, c.start_date);
  const w: WeekEnv = {
    env: { paces, ...(raceMeters !== undefined ? { raceMeters } : {}), injured },
    methodology,
    bucket,
    layout,
    longCapSeconds: longRunCapSeconds(goal, fitness.vdot, methodology),
    floorMeters: longRunFloorMeters(goal),
    baseline,
    secondMediumLong: methodology === 'pfitzinger' && peakTarget >= milesToMeters(65),
    raceDay: frame.raceDate !== null ? toDayNumber(frame.raceDate) : null,
  };
  // The beginner floor is for a first race at the distance (docs/TRAINING.md §"Beginner floor"); the profile does not
  // say so, so a runner under 30 mi a week (20 for a half) is taken for one. Pfitzinger and 80/20
  // build past it anyway; Daniels' own cap holds for everyone else.
  const firstTimer = baseline < milesToMeters(bucket === 'half' ? 20 : 30);
  const peakLong = peakLongMeters(
    goal,
    methodology,
    peakTarget,
    midPace(paces.long),
    w.longCapSeconds,
    layout.maxRuns,
    methodology !== 'daniels' || firstTimer,
  );
  // The long run climbs from the runner's longest recent run to `peakLong` over the normal weeks
  // before the taper, ~1 mi a week (the spike rule caps it at 1.1 × the 30-day longest), and
  // reaches it with a few weeks to spare so the longest runs come two or three times.
  const preTaper = frame.weeks.filter((x) => x.role !== 'taper');
  const normalWeeks = preTaper.filter((x) => x.role === 'normal').length;
  const taperFrom = preTaper.length;
  const startLong = baselineLongestRun(profile);
  const longStep = Math.min(1.25 * MILE, Math.max(0.5 * MILE, (peakLong - startLong) / Math.max(1, normalWeeks - 3)));
  let lastNormalLong = c.prevLongest > 0 ? c.prevLongest : startLong;
  let atPeak = 0;
  let normalSeen = 0;
  const bigLong = bucket === 'marathon' && peakLong >= milesToMeters(18);
  let prevShape = '';
  let prevRole: WeekRole | null = null;
  const vols: number[] = [...c.priorVolumes];
  const vol = (k: number) => (k < 0 ? baseline : (vols[k] ?? 0));
  const state: WeekState = { runs: [...c.runs], prevLongest: c.prevLongest, hard: new Set<number>() };
  const growth = injured ? GROWTH.injured : GROWTH.normal;
  const growth2 = injured ? TWO_WEEK_GROWTH.injured : TWO_WEEK_GROWTH.normal;
  const keptDays = new Set(c.kept.map((k) => toDayNumber(k.scheduled_date)));
  const calm = new Set<number>();
  for (const k of c.kept) {
    if (['easy', 'recovery', 'rest', 'cross_training'].includes(k.workout_type)) continue;
    calm.add(toDayNumber(k.scheduled_date) - 1).add(toDayNumber(k.scheduled_date) + 1);
  }

  const workouts: PlannedWorkout[] = [];
  const weeks: PlanWeek[] = [];
  const weekReasons: string[] = [];
  // Weeks in a row without a down week, counted as the check counts them (taper weeks are down).
  const raceDay = frame.raceDate !== null ? toDayNumber(frame.raceDate) : null;
  const isDown = (k: number) =>
    isDownWeek(vol, k) ||
    (raceDay !== null &&
      goal.kind === 'race' &&
      toDayNumber(frame.weeks[k]?.start_date ?? frame.anchor) + 7 + taperDays(goal.target_race_distance_meters) > raceDay);
  let streak = 0;
  for (let k = 0; k < c.fromWeek; k++) streak = isDown(k) ? 0 : streak + 1;
  const roles: WeekRole[] = frame.weeks.map((x) => x.role);
  for (const frameWeek of frame.weeks) {
    const k = frameWeek.index;
    if (k < c.fromWeek) continue;
    // After a re-plan the past may not have had its down week: take it now rather than a fourth build week.
    if (frameWeek.role === 'normal' && streak >= LIMITS.maxWeeksWithoutDown) roles[k] = 'recovery';
    const week = { ...frameWeek, role: roles[k]! };
    const peakSoFar = Math.max(baseline, ...vols.slice(0, k));
    const ramp = Math.min((1 + growth) * rampReference(vol, k, 1), (1 + growth2) * rampReference(vol, k, 2));
    let target: number;
    let why: string;
    if (week.role === 'taper') {
      // Down from the recent level too, which after a capped build may sit below the peak.
      const recent = Math.max(vol(k - 1), vol(k - 2), vol(k - 3), LIMITS.minBaseWeeklyMeters);
      target = Math.min(week.taperShare * peakSoFar, week.taperShare * recent, ramp);
      why = `taper: ${Math.round(week.taperShare * 100)}% of peak volume, intensity kept`;
    } else if (week.role === 'recovery') {
      target = Math.min(RECOVERY_SHARE * Math.max(vol(k - 1), vol(k - 2), vol(k - 3)), ramp);
      why = `recovery week: volume down 25% (every ${recoveryEveryOf(frame) === 3 ? '3rd' : '4th'} week), no R or I work, shorter long run`;
    } else if (k === 0) {
      target = Math.min(peakTarget, baseline);
      why = `first week: about your current ${Math.round(metersToMiles(baseline))} mi per week`;
    } else {
      target = Math.min(peakTarget, ramp);
      why =
        target >= peakTarget - 1
          ? `${week.phase}: holding ${km(peakTarget)} per week`
          : `${week.phase}: volume up at most ${Math.round(growth * 100)}% a week${injured ? ' (gentler for the injury notes)' : ''}`;
    }
    const comeback = c.comeback?.get(k);
    if (comeback !== undefined && week.role !== 'taper') {
      target *= comeback;
      why = `easing back in: ${Math.round(comeback * 100)}% of the usual volume after time off`;
    }
    const carried = c.carried.get(k) ?? 0;
    const finalTaper = frame.raceDate !== null && (k === frame.weeks.length - 1 || (k === frame.weeks.length - 2 && frame.weeks[k + 1]!.days < 7));
    // A partial block (the days before a race that does not end a block) holds its share of a week.
    if (week.days < 7) target *= week.days / 7;
    let longWanted: number;
    let fastLong = false;
    if (week.role === 'taper') longWanted = Math.min(0.85, week.taperShare + 0.05) * Math.min(peakLong, lastNormalLong);
    else if (week.role === 'recovery') longWanted = 0.8 * lastNormalLong;
    else if (lastNormalLong >= peakLong - 100) {
      // At the peak: the longest run every other week, a shorter one with race-pace work between.
      atPeak++;
      longWanted = atPeak % 2 === 1 ? peakLong : 0.75 * peakLong;
      fastLong = atPeak % 2 === 0;
    } else {
      longWanted = Math.min(peakLong, lastNormalLong + longStep);
      // 80/20's fast finish is a weekly key session; the marathon-pace long run comes every other week.
      fastLong = (methodology === '80/20' && layout.maxRuns >= 5) || k % 2 === 1;
    }
    // Two to four runs of 18+ mi before a marathon (Pfitzinger), in its last normal weeks: earlier
    // long runs stop just short of them.
    if (week.role === 'normal') {
      if (bigLong && normalSeen < normalWeeks - 6) longWanted = Math.min(longWanted, milesToMeters(17.5));
      normalSeen++;
    }
    const progress = taperFrom <= 1 ? 1 : Math.min(1, k / (taperFrom - 1));
    const plan: WeekPlan = { target, longWanted, progress, fastLong };
    const limits = { taken: keptDays, calm, maxVolume: Math.max(0, target - carried) };
    const saved = { runs: state.runs.length, prevLongest: state.prevLongest, hard: new Set(state.hard) };
    let built = buildWeek(w, week, plan, c.firstDay, state, finalTaper, limits);
    // Ten identical weeks in a row is a defect (docs/TRAINING.md §Sessions): a week that would repeat the one
    // before (a held ceiling, sessions that cannot grow) runs a little lighter instead.
    const shape = shapeOf(built, week.start_date);
    if (week.role === 'normal' && prevRole === 'normal' && shape === prevShape) {
      state.runs.length = saved.runs;
      state.prevLongest = saved.prevLongest;
      state.hard = saved.hard;
      const longBuilt = Math.max(0, ...built.filter((b) => b.session.type === 'long').map((b) => b.session.estimate.distance_meters));
      const longer = longBuilt > 0 ? Math.min(plan.longWanted, longBuilt) : plan.longWanted;
      built = buildWeek(w, week, { ...plan, target: 0.93 * target, longWanted: 0.9 * longer }, c.firstDay, state, finalTaper, {
        ...limits,
        maxVolume: Math.max(0, 0.93 * target - carried),
      });
      why += '; a little lighter than the week before, so the body gets a change';
    }
    prevShape = shapeOf(built, week.start_date);
    prevRole = week.role;
    if (week.role === 'normal') {
      const longest = Math.max(0, ...built.filter((b) => b.session.type === 'long').map((b) => b.session.estimate.distance_meters));
      if (longest > 0) lastNormalLong = Math.max(lastNormalLong >= peakLong - 100 ? lastNormalLong : 0, longest);
    }
    let volume = carried;
    for (const b of built) {
      volume += b.session.estimate.distance_meters;
      workouts.push({
        id: c.newId(),
        scheduled_date: b.date,
        week_index: k,
        workout_type: b.session.type,
        title: b.session.title,
        structure: b.session.structure,
        estimated_distance_meters: Math.round(b.session.estimate.distance_meters),
        estimated_duration_minutes: Math.round(b.session.estimate.duration_seconds / 60),
        reason: b.session.reason,
      });
    }
    vols[k] = volume;
    streak = isDown(k) ? 0 : streak + 1;
    if (volume < target * 0.9 && week.role === 'normal' && k > 0) why += '; held back so no run jumps past 1.1 × your longest recent run';
    weekReasons[k] = why;
  }
  workouts.push(...c.kept);
  // A race that does not end a block falls inside the last one (frame.ts).
  const raceInBlock = (frame.weeks[frame.weeks.length - 1]?.days ?? 7) < 7;
  if (
    frame.raceDate !== null &&
    goal.kind === 'race' &&
    toDayNumber(frame.raceDate) >= c.firstDay &&
    !c.kept.some((k) => k.scheduled_date === frame.raceDate)
  ) {
    workouts.push(raceWorkout(c, goal, raceInBlock ? frame.weeks.length - 1 : frame.weeks.length, paces));
  }
  workouts.sort((a, b) => (a.scheduled_date < b.scheduled_date ? -1 : a.scheduled_date > b.scheduled_date ? 1 : 0));

  for (const week of frame.weeks) {
    const inWeek = workouts.filter((x) => x.week_index === week.index);
    weeks.push({
      index: week.index,
      start_date: week.start_date,
      phase: week.phase,
      estimated_distance_meters: Math.round(inWeek.reduce((a, x) => a + x.estimated_distance_meters, 0)),
      estimated_duration_minutes: Math.round(inWeek.reduce((a, x) => a + x.estimated_duration_minutes, 0)),
      is_recovery: roles[week.index] === 'recovery',
      is_taper: week.role === 'taper',
      reason:
        raceInBlock && week.index === frame.weeks.length - 1
          ? `race week: short easy runs before the race on ${frame.raceDate ?? ''}`
          : (weekReasons[week.index] ?? 'kept as it was'),
    });
  }
  if (frame.raceDate !== null && !raceInBlock) {
    const race = workouts.filter((x) => x.scheduled_date === frame.raceDate);
    weeks.push({
      index: frame.weeks.length,
      start_date: frame.raceDate,
      phase: 'taper',
      estimated_distance_meters: Math.round(race.reduce((a, x) => a + x.estimated_distance_meters, 0)),
      estimated_duration_minutes: Math.round(race.reduce((a, x) => a + x.estimated_duration_minutes, 0)),
      is_recovery: false,
      is_taper: true,
      reason: `race week: the race on ${frame.raceDate}`,
    });
  }
  const endDate = frame.raceDate ?? addDays(frame.anchor, 7 * frame.weeks.length - 1);
  const peak = Math.max(...weeks.map((x) => x.estimated_distance_meters), 0);
  // Never degrade silently: when the runner's days cannot carry the volume the goal and their
  // current running call for, the plan says so and what would change it.
  const ceiling = weekCeilingMeters(w, peakLong);
  const longest = Math.max(0, ...workouts.filter((x) => x.workout_type !== 'race').map((x) => x.estimated_distance_meters));
  // The plan prepares for the race, or says plainly why it cannot (docs/TRAINING.md §"Safety guardrails").
  const short =
    goal.kind === 'race' && c.fromWeek === 0 && longest < Math.min(peakLong, Math.max(w.floorMeters, 0)) - 400
      ? `; the long run reaches ${miles(longest)} mi, short of the ${miles(Math.min(peakLong, w.floorMeters))} mi this race calls for: from your longest recent run of ${miles(startLong)} mi, no run may grow past 1.1 × the longest of the month before, and ${normalWeeks} build weeks are not enough to get there`
      : '';
  const daysLimit =
    peakTarget > 1.02 * ceiling
      ? `; with ${profile.days_available_per_week} running day${profile.days_available_per_week === 1 ? '' : 's'} a week, no week can hold more than about ${km(ceiling)} while the long run stays within its limits, below the ${km(peakTarget)} ${goal.kind === 'race' ? 'your current running and this race call for' : 'your goal calls for'}: add running days to train at that volume`
      : '';
  return {
    methodology,
    goal,
    start_date: c.start_date,
    end_date: endDate,
    vdot: Math.round(fitness.vdot * 10) / 10,
    vdot_source: fitness.source,
    phases: frame.phases,
    weeks,
    workouts,
    reason: `${weeks.length}-week ${methodology} plan ${goal.kind === 'race' ? `for ${km(goal.target_race_distance_meters)} on ${goal.target_race_date}` : `to ${goal.target_weekly_mileage_miles} mi a week`}; paces from VDOT ${(Math.round(fitness.vdot * 10) / 10).toFixed(1)} (${fitness.source === 'race' ? 'your recent race' : 'your easy pace'}); peak week ${km(peak)}, longest run ${km(longest)}${daysLimit}${short}`,
  };
}

function raceWorkout(
  c: ComposeInput,
  goal: Extract<Goal, { kind: 'race' }>,
  weekIndex: number,
  paces: ReturnType<typeof runnerPaces>['paces'],
): PlannedWorkout {
  const structure: WorkoutStructure = {
    segments: [{ type: 'steady', distance_meters: goal.target_race_distance_meters, pace_target: 'race', notes: 'race day' }],
  };
  const e = estimateWorkout(structure, paces, goal.target_race_distance_meters);
  return {
    id: c.newId(),
    scheduled_date: goal.target_race_date,
    week_index: weekIndex,
    workout_type: 'race',
    title: `Race: ${km(goal.target_race_distance_meters)}`,
    structure,
    estimated_distance_meters: Math.round(e.distance_meters),
    estimated_duration_minutes: Math.round(e.duration_seconds / 60),
    reason: 'race day: the goal this plan builds to',
  };
}

/** A built week's shape as the runner reads it: each run's day in the block, type and title (with its size). */
function shapeOf(built: { date: string; session: { type: string; title: string } }[], start: string): string {
  return built.map((b) => `${daysBetween(start, b.date)}:${b.session.type}:${b.session.title}`).join('|');
}

function recoveryEveryOf(frame: Frame): number {
  const first = frame.weeks.find((w) => w.role === 'recovery');
  return first ? first.index + 1 : 4;
}

const km = (m: number): string => `${(m / 1000).toFixed(1)} km`;
const miles = (m: number): string => metersToMiles(m).toFixed(1);
const MILE = 1609.344;

/**
 * The peak week a goal calls for, from the runner's current mileage and the race (docs/TRAINING.md
 * §Methodologies): about 15% above what they run now, at least the published plans' lowest peak
 * for the distance and methodology (Pfitzinger's 18/55, Daniels' and 80/20's lower levels, the
 * novice plans), at most their highest — never below what the runner already runs.
 */
function peakTargetMeters(goal: Goal, methodology: Methodology, baseline: number): number {
  if (goal.kind === 'mileage') return milesToMeters(goal.target_weekly_mileage_miles);
  const d = goal.target_race_distance_meters;
  const bucket = d <= 7000 ? 0 : d <= 15_000 ? 1 : raceBucket(d) === 'half' ? 2 : 3;
  const lowest: Record<Methodology, number[]> = { daniels: [20, 25, 30, 40], pfitzinger: [30, 35, 40, 55], '80/20': [18, 22, 28, 35] };
  const highest = [50, 60, 65, methodology === 'pfitzinger' ? 85 : 75][bucket]!;
  const wanted = Math.max(lowest[methodology][bucket]!, Math.min(highest, 1.15 * metersToMiles(baseline)));
  return Math.max(baseline, milesToMeters(wanted));
}

/**
 * The longest long run a goal builds to (docs/TRAINING.md §Methodologies and §"Beginner floor"):
 * Pfitzinger 20 mi for the marathon (22 at 65+ mi a week), 80/20 ~3:00 of running, Daniels
 * min(30% of the week, 150 min) — and for every methodology at least 18 mi for a marathon and
 * 10 mi for a half. Shorter races: up to 30% of the peak week, 10 mi (5 km) or 13 mi (10 km).
 */
function peakLongMeters(
  goal: Goal,
  methodology: Methodology,
  peakWeek: number,
  longPace: number,
  capSeconds: number,
  days: number,
  withFloor: boolean,
): number {
  const byTime = (seconds: number) => (seconds / longPace) * 1000;
  const share = longRunShareCap(days, methodology) - 0.04;
  if (goal.kind === 'mileage') return Math.min(share * peakWeek, byTime(capSeconds - 300), milesToMeters(16));
  const floor = withFloor ? longRunFloorMeters(goal) : 0;
  const bucket = raceBucket(goal.target_race_distance_meters);
  const daniels = Math.min(share * peakWeek, byTime(capSeconds - 300));
  let want: number;
  if (bucket === 'marathon') {
    want =
      methodology === 'pfitzinger'
        ? milesToMeters(peakWeek >= milesToMeters(65) ? 22 : 20)
        : methodology === '80/20'
          ? Math.min(milesToMeters(22), byTime(180 * 60))
          : Math.min(milesToMeters(22), daniels);
    want = Math.min(want, Math.max(byTime(capSeconds - 300), floor));
  } else if (bucket === 'half') {
    want = methodology === 'daniels' ? daniels : Math.min(share * peakWeek, milesToMeters(methodology === 'pfitzinger' ? 16 : 14), byTime(capSeconds - 300));
  } else {
    const cap = goal.target_race_distance_meters <= 7000 ? 10 : 13;
    want = Math.min(share * peakWeek, milesToMeters(cap), byTime(capSeconds - 300));
  }
  return Math.floor(Math.max(want, floor) / 10) * 10;
}

/** Weeks for a mileage goal: to its end date, else long enough to reach it at ~8% a week plus a month. */
function mileageWeeks(profile: TrainingProfile, goal: Goal, start: string): number {
  if (goal.kind !== 'mileage') return 0;
  if (goal.end_date) return Math.max(2, Math.floor((daysBetween(start, goal.end_date) + 1) / 7));
  let v = baselineWeeklyMeters(profile);
  const target = milesToMeters(goal.target_weekly_mileage_miles);
  let weeks = 0;
  while (v < target && weeks < 40) {
    weeks++;
    if (weeks % 4 !== 0) v *= 1 + GROWTH.normal;
  }
  return Math.min(26, Math.max(8, weeks + 4));
}
