/** Can the runner reach the goal? A verdict with the numbers behind it (docs/TRAINING.md §Feasibility). */
import type { Feasibility, Goal, Verdict } from '../schema/goal.ts';
import type { TrainingProfile } from '../schema/plan.ts';
import { daysBetween } from './dates.ts';
import { baselineLongestRun, baselineWeeklyMeters, isInjured, raceBucket, runnerFitness, taperDays } from './rules.ts';
import { formatDuration, metersToMiles, METERS_PER_MILE, type DistanceUnit } from './units.ts';
import { predictRace, vdotFromRace, type RaceResult } from './vdot.ts';

export interface RecentTraining {
  /** Planned and completed distance over the last 3 weeks. */
  planned_meters: number;
  completed_meters: number;
  missed_quality?: number;
}

/** Where the current fitness comes from, best first (docs/TRAINING.md §Fitness). */
export type FitnessSource = 'race' | 'runs' | 'easy_pace';

export interface FeasibilityInput {
  profile: TrainingProfile;
  goal: Goal;
  today: string;
  /** Best recent efforts (races or hard runs) beside the profile's race; the best one counts. */
  efforts?: (RaceResult & { date: string })[];
  recent?: RecentTraining;
  /** Distance run in each of the last few weeks (oldest first), when the runner's runs are known. */
  recent_weekly_meters?: number[];
  /** The longest run of the last ~4 weeks, when the runner's runs are known. */
  longest_recent_run_meters?: number;
  /** A fitness already worked out elsewhere (the runner's zones); otherwise the profile's and the efforts'. */
  fitness?: { vdot: number; source: FitnessSource };
  /** The runner's unit for the sentence; miles by default. */
  unit?: DistanceUnit;
}

/** Efforts older than this do not speak for today's fitness. */
const EFFORT_DAYS = 8 * 7;
/** A week of building adds ~10% (5% with an injury); every fourth week is a recovery week. */
const BUILD_GROWTH = 1.1;
const INJURED_GROWTH = 1.05;
const BUILD_SHARE = 3 / 4;
/** A single run grows at most 10% a week (the spike rule). */
const LONG_RUN_GROWTH = 1.1;

/**
 * The weekly miles and the long run (miles) a race needs at peak to be run rather than survived.
 * Finishing needs a floor; a time goal needs more the fitter it is (published plans: a 3:30
 * marathon peaks at ~40 mi/week, a 3:00 at 55–60).
 */
export function volumeNeeded(meters: number, requiredVdot: number | null): { weekly_miles: number; long_run_miles: number } {
  const bucket = raceBucket(meters);
  const over = requiredVdot === null ? null : requiredVdot - 45;
  const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
  const miles = meters / METERS_PER_MILE;
  if (bucket === 'marathon') return { weekly_miles: over === null ? 25 : clamp(40 + 2.5 * over, 25, 70), long_run_miles: 16 };
  if (bucket === 'half') return { weekly_miles: over === null ? 15 : clamp(25 + 1.5 * over, 15, 50), long_run_miles: 9 };
  // 5K–15K: the race distance itself once in training, and a few runs a week.
  const floor = Math.max(6, miles * 1.5);
  return { weekly_miles: over === null ? floor : clamp(15 + 1.2 * over, floor, 45), long_run_miles: Math.max(3, miles * 0.9) };
}

/** Judges a goal: `unrealistic` comes with a sentence a runner understands and what it would take. */
export function assessGoal(input: FeasibilityInput): Feasibility {
  const { profile, goal, today } = input;
  const unit = input.unit ?? 'mi';
  const injured = isInjured(profile.injury_notes);
  const completion = input.recent && input.recent.planned_meters > 0 ? input.recent.completed_meters / input.recent.planned_meters : undefined;
  const missed = input.recent?.missed_quality;
  const extras = {
    ...(completion !== undefined ? { completion_rate: Math.round(completion * 100) / 100 } : {}),
    ...(missed !== undefined ? { missed_quality: missed } : {}),
  };
  // Consistency and health scale what training can add.
  let factor = injured ? 0.6 : 1;
  if (completion !== undefined) factor *= completion < 0.7 ? 0.6 : completion < 0.9 ? 0.85 : 1;
  if (missed !== undefined && missed >= 3) factor *= 0.8;
  const growth = injured ? INJURED_GROWTH : BUILD_GROWTH;
  const baseMiles = currentWeeklyMiles(input);

  if (goal.kind === 'mileage') {
    const weeks = goal.end_date ? Math.max(0, daysBetween(today, goal.end_date) / 7) : 26;
    // Three building weeks in four: every fourth is a recovery week.
    const reachable = baseMiles * Math.pow(growth, weeks * BUILD_SHARE) * Math.min(1, factor + 0.2);
    const target = goal.target_weekly_mileage_miles;
    const verdict: Verdict = target <= reachable ? 'on_track' : target <= reachable * 1.15 ? 'stretch' : 'unrealistic';
    const when = goal.end_date ? `by ${goal.end_date}` : 'in the next six months';
    const weeksNeeded = Math.ceil(Math.log(target / baseMiles) / (BUILD_SHARE * Math.log(growth)));
    const sentence =
      verdict === 'on_track'
        ? `${dist(target, unit)} a week ${when} fits a safe build from your ${dist(baseMiles, unit)} (about ${dist(reachable, unit)} reachable).`
        : `${dist(target, unit)} a week ${when} needs more than the ~${Math.round((growth - 1) * 100)}% a week a body adapts to: from ${dist(baseMiles, unit)} about ${dist(reachable, unit)} is reachable${verdict === 'stretch' ? ', so it is a stretch' : ''}; it would take about ${weeksNeeded} weeks.`;
    return {
      verdict,
      current_vdot: null,
      required_vdot: null,
      weeks_left: round1(weeks),
      expected_gain: round1(reachable - baseMiles),
      predicted_range: null,
      sentence,
      current_weekly_miles: round1(baseMiles),
      reachable_weekly_miles: round1(reachable),
      ...extras,
    };
  }

  const meters = goal.target_race_distance_meters;
  const weeks = Math.max(0, daysBetween(today, goal.target_race_date) / 7);
  const { vdot: current, source, reference } = currentFitness(input);
  const predicted = predictRace(current, meters, reference);
  const range = { distance_meters: meters, low_seconds: Math.round(predicted.low_seconds), high_seconds: Math.round(predicted.high_seconds) };
  // About one VDOT point per 3–4 weeks for a developing runner, less for a trained one.
  const levelFactor = current < 45 ? 1 : current < 55 ? 0.7 : 0.4;
  const expected = (weeks / 3.5) * levelFactor * factor;
  const required = goal.target_time_seconds ? vdotFromRace(meters, goal.target_time_seconds) : null;

  // Volume is a gate of its own: the taper builds nothing, and 3 weeks in 4 build ~10%.
  const buildWeeks = Math.max(0, weeks - taperDays(meters) / 7) * BUILD_SHARE;
  const reachableMiles = baseMiles * Math.pow(growth, buildWeeks);
  const longestMiles = metersToMiles(Math.max(baselineLongestRun(profile), input.longest_recent_run_meters ?? 0));
  const reachableLong = longestMiles * Math.pow(LONG_RUN_GROWTH, buildWeeks);
  const needed = volumeNeeded(meters, required);
  const volumeShare = Math.min(reachableMiles / needed.weekly_miles, reachableLong / needed.long_run_miles);
  const volumeVerdict: Verdict = volumeShare >= 1 ? 'on_track' : volumeShare >= 0.75 ? 'stretch' : 'unrealistic';

  const fitnessVerdict: Verdict =
    required === null ? 'on_track' : required - current <= expected ? 'on_track' : required - current <= expected * 1.5 + 1.5 ? 'stretch' : 'unrealistic';
  const verdict = worse(fitnessVerdict, volumeVerdict);

  const distance = raceName(meters);
  const weeksWord = `${Math.round(weeks)} week${Math.round(weeks) === 1 ? '' : 's'}`;
  const rangeWords = `${formatDuration(range.low_seconds)}–${formatDuration(range.high_seconds)}`;
  const suggests = `${SOURCE_WORDS[source]} about ${rangeWords} for the ${distance} today${source === 'easy_pace' ? ' (a guess: enter a recent race to sharpen it)' : ''}`;
  const target = goal.target_time_seconds ? `a ${formatDuration(goal.target_time_seconds)} ${distance}` : `the ${distance}`;
  // What the goal takes, in a runner's words; the VDOT figure is named once and explained.
  const takes = [
    volumeVerdict !== 'on_track' ? `about ${dist(needed.weekly_miles, unit, 5)} a week with long runs of about ${dist(needed.long_run_miles, unit)}` : null,
    required !== null && fitnessVerdict !== 'on_track'
      ? `a race fitness of ${Math.round(required)} vs your ${Math.round(current)} (VDOT, Daniels' fitness score)`
      : null,
  ].filter((x) => x !== null);
  const weeksNeeded = weeksToReach({
    baseMiles,
    longestMiles,
    growth,
    needed,
    gap: required === null ? 0 : required - current,
    perWeek: (levelFactor * factor) / 3.5,
    meters,
  });
  const takesWords = weeksNeeded > 104 ? 'That is more than two years of training away.' : `It would take about ${weeksNeeded} weeks.`;
  const rest = required === null ? '' : required <= current ? ', so your goal is within reach' : `, and ${weeksWord} of training should cover the rest`;
  const volumeNow = `from ${dist(baseMiles, unit)} a week and a longest run of ${dist(longestMiles, unit)}, ${weeksWord} build to about ${dist(reachableMiles, unit)} a week and ${dist(reachableLong, unit)}`;
  const sentence =
    verdict === 'unrealistic'
      ? `${cap(target)} in ${weeksWord} is out of reach for now: it needs ${takes.join(' and ')}${volumeVerdict !== 'on_track' ? `; ${volumeNow}` : `, and ${weeksWord} usually add about ${round1(expected)} points`}. ${cap(suggests)}. ${takesWords}`
      : verdict === 'stretch'
        ? `${cap(target)} in ${weeksWord} is a stretch: it needs ${takes.join(' and ')}${volumeVerdict !== 'on_track' ? `; ${volumeNow}` : `, and ${weeksWord} usually add about ${round1(expected)} points`}. ${cap(suggests)}.`
        : `On track: ${suggests}${rest}.`;
  return {
    verdict,
    current_vdot: round1(current),
    required_vdot: required === null ? null : round1(required),
    weeks_left: round1(weeks),
    expected_gain: round1(expected),
    predicted_range: range,
    sentence,
    vdot_source: source,
    current_weekly_miles: round1(baseMiles),
    reachable_weekly_miles: round1(reachableMiles),
    needed_weekly_miles: round1(needed.weekly_miles),
    needed_long_run_miles: round1(needed.long_run_miles),
    ...extras,
  };
}

const SOURCE_WORDS: Record<FitnessSource, string> = {
  race: 'your recent race suggests',
  runs: 'your recent runs suggest',
  easy_pace: 'your easy pace suggests',
};

/** The weekly volume the runner is coming from: what they said, or what they ran when it was more. */
function currentWeeklyMiles(input: FeasibilityInput): number {
  const stated = metersToMiles(baselineWeeklyMeters(input.profile));
  const weeks = input.recent_weekly_meters ?? [];
  if (weeks.length === 0) return stated;
  // Runs not uploaded are not runs not run: the logs only ever raise the figure.
  return Math.max(stated, metersToMiles(weeks.reduce((a, b) => a + b, 0) / weeks.length));
}

/** The best evidence of fitness: the profile's race, then recent efforts, then the easy pace. */
function currentFitness(input: FeasibilityInput): { vdot: number; source: FitnessSource; reference?: RaceResult } {
  const { profile, today } = input;
  if (input.fitness) return { ...input.fitness, ...(input.fitness.source === 'race' && profile.recent_race ? { reference: profile.recent_race } : {}) };
  const fitness = runnerFitness(profile, today);
  let best: { vdot: number; source: FitnessSource; reference?: RaceResult } =
    fitness.source === 'race' && profile.recent_race
      ? { vdot: fitness.vdot, source: 'race', reference: profile.recent_race }
      : // The runner's own recent runs (fitness_runs on the profile) are named as such, never as a guess.
        { vdot: fitness.vdot, source: fitness.source === 'runs' ? 'runs' : 'easy_pace' };
  for (const e of input.efforts ?? []) {
    const age = daysBetween(e.date, today);
    if (age < 0 || age > EFFORT_DAYS) continue;
    const v = vdotFromRace(e.distance_meters, e.time_seconds);
    // The best evidence counts: an easy run says little, a hard one says what the runner can do.
    if (v > best.vdot) best = { vdot: v, source: 'runs', reference: e };
  }
  return best;
}

/** Weeks until both the volume and the fitness gap are within reach, taper included. */
function weeksToReach(a: {
  baseMiles: number;
  longestMiles: number;
  growth: number;
  needed: { weekly_miles: number; long_run_miles: number };
  gap: number;
  perWeek: number;
  meters: number;
}): number {
  const build = (from: number, to: number, g: number) => (from >= to ? 0 : Math.log(to / from) / Math.log(g) / BUILD_SHARE);
  const volume =
    Math.max(build(a.baseMiles, a.needed.weekly_miles, a.growth), build(a.longestMiles, a.needed.long_run_miles, LONG_RUN_GROWTH)) + taperDays(a.meters) / 7;
  const fitness = a.gap > 0 && a.perWeek > 0 ? a.gap / a.perWeek : 0;
  return Math.ceil(Math.max(volume, fitness));
}

const ORDER: Record<Verdict, number> = { on_track: 0, stretch: 1, unrealistic: 2 };
const worse = (a: Verdict, b: Verdict): Verdict => (ORDER[a] >= ORDER[b] ? a : b);
const round1 = (x: number): number => Math.round(x * 10) / 10;
const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** Miles in the runner's unit, rounded to `step` of that unit (whole units by default). */
function dist(miles: number, unit: DistanceUnit, step = 1): string {
  const value = unit === 'km' ? (miles * METERS_PER_MILE) / 1000 : miles;
  return `${Math.max(step, Math.round(value / step) * step)} ${unit}`;
}

function raceName(meters: number): string {
  if (Math.abs(meters - 42_195) < 200) return 'marathon';
  if (Math.abs(meters - 21_097.5) < 100) return 'half marathon';
  return `${Math.round(meters / 100) / 10} km`;
}
