/** Can the runner reach the goal? A verdict with the numbers behind it (docs/TRAINING.md §Feasibility). */
import type { Feasibility, Goal, Verdict } from '../schema/goal.ts';
import type { TrainingProfile } from '../schema/plan.ts';
import { daysBetween } from './dates.ts';
import { baselineWeeklyMeters, isInjured, raceBucket, runnerFitness } from './rules.ts';
import { formatDuration, metersToMiles } from './units.ts';
import { predictRace, vdotFromRace, type RaceResult } from './vdot.ts';

export interface RecentTraining {
  /** Planned and completed distance over the last 3 weeks. */
  planned_meters: number;
  completed_meters: number;
  missed_quality?: number;
}

export interface FeasibilityInput {
  profile: TrainingProfile;
  goal: Goal;
  today: string;
  /** Best recent efforts (races or hard runs) beside the profile's race; the best one counts. */
  efforts?: (RaceResult & { date: string })[];
  recent?: RecentTraining;
}

/** The weekly miles a race needs at peak to be run well rather than survived. */
const NEEDED_MILES = { short: 15, half: 22, marathon: 30 } as const;

/** Judges a goal: `unrealistic` comes with a sentence a runner understands. */
export function assessGoal(input: FeasibilityInput): Feasibility {
  const { profile, goal, today } = input;
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
  const growth = injured ? 1.04 : 1.08;
  const baseMiles = metersToMiles(baselineWeeklyMeters(profile));

  if (goal.kind === 'mileage') {
    const weeks = goal.end_date ? Math.max(0, daysBetween(today, goal.end_date) / 7) : 26;
    // Three building weeks in four: every fourth is a recovery week.
    const reachable = baseMiles * Math.pow(growth, (weeks * 3) / 4) * Math.min(1, factor + 0.2);
    const target = goal.target_weekly_mileage_miles;
    const verdict: Verdict = target <= reachable ? 'on_track' : target <= reachable * 1.15 ? 'stretch' : 'unrealistic';
    const when = goal.end_date ? `by ${goal.end_date}` : 'in the next six months';
    const sentence =
      verdict === 'on_track'
        ? `${target} mi a week ${when} fits a safe ramp from your ${Math.round(baseMiles)} mi (about ${Math.round(reachable)} mi reachable).`
        : `${target} mi a week ${when} needs more than the ~${Math.round((growth - 1) * 100)}% a week a body adapts to: from ${Math.round(baseMiles)} mi about ${Math.round(reachable)} mi is reachable${verdict === 'stretch' ? ', so it is a stretch' : ''}.`;
    return {
      verdict,
      current_vdot: null,
      required_vdot: null,
      weeks_left: round1(weeks),
      expected_gain: round1(reachable - baseMiles),
      predicted_range: null,
      sentence,
      ...extras,
    };
  }

  const meters = goal.target_race_distance_meters;
  const weeks = Math.max(0, daysBetween(today, goal.target_race_date) / 7);
  const fitness = runnerFitness(profile, today);
  let current = fitness.vdot;
  let reference: RaceResult | undefined = fitness.source === 'race' && profile.recent_race ? profile.recent_race : undefined;
  for (const e of input.efforts ?? []) {
    const age = daysBetween(e.date, today);
    if (age < 0 || age > 182) continue;
    const v = vdotFromRace(e.distance_meters, e.time_seconds);
    if (v > current) {
      current = v;
      reference = e;
    }
  }
  const predicted = predictRace(current, meters, reference);
  const range = { distance_meters: meters, low_seconds: Math.round(predicted.low_seconds), high_seconds: Math.round(predicted.high_seconds) };
  // About one VDOT point per 3–4 weeks for a developing runner, less for a trained one.
  const levelFactor = current < 45 ? 1 : current < 55 ? 0.7 : 0.4;
  const expected = (weeks / 3.5) * levelFactor * factor;
  // Endurance races also need the weekly volume to get there.
  const reachableMiles = baseMiles * Math.pow(growth, (weeks * 3) / 4);
  const needed = NEEDED_MILES[raceBucket(meters)];
  const shortOfVolume = reachableMiles < needed;
  const distance = raceName(meters);

  if (!goal.target_time_seconds) {
    const verdict: Verdict = !shortOfVolume ? 'on_track' : reachableMiles >= needed * 0.6 ? 'stretch' : 'unrealistic';
    const sentence =
      verdict === 'on_track'
        ? `You can build to the ${distance} in ${Math.round(weeks)} weeks; your runs suggest about ${formatDuration(range.low_seconds)}–${formatDuration(range.high_seconds)}.`
        : `The ${distance} wants about ${needed} mi a week at peak; from ${Math.round(baseMiles)} mi, ${Math.round(weeks)} weeks reach about ${Math.round(reachableMiles)} mi safely${verdict === 'stretch' ? ', so finishing is a stretch' : ', which is too little to run it safely'}.`;
    return {
      verdict,
      current_vdot: round1(current),
      required_vdot: null,
      weeks_left: round1(weeks),
      expected_gain: round1(expected),
      predicted_range: range,
      sentence,
      ...extras,
    };
  }

  const required = vdotFromRace(meters, goal.target_time_seconds);
  const gap = required - current;
  let verdict: Verdict = gap <= expected ? 'on_track' : gap <= expected * 1.5 + 1.5 ? 'stretch' : 'unrealistic';
  if (shortOfVolume && verdict === 'on_track' && gap > -2) verdict = 'stretch';
  const target = formatDuration(goal.target_time_seconds);
  const suggests = `your recent runs suggest ~${formatDuration(predicted.vdot_seconds)} for the ${distance}`;
  const numbers = `${target} needs a VDOT of ${round1(required)} vs your ${round1(current)}`;
  const sentence =
    verdict === 'unrealistic'
      ? `${cap(suggests)}; ${numbers}, which is more than ${Math.round(weeks)} weeks can usually add (about ${round1(expected)}).`
      : verdict === 'stretch'
        ? `${target} is a stretch: ${numbers}; ${Math.round(weeks)} weeks usually add about ${round1(expected)}${shortOfVolume ? `, and the ${distance} wants about ${needed} mi a week at peak` : ''}.`
        : `On track: ${suggests}, and ${numbers}.`;
  return {
    verdict,
    current_vdot: round1(current),
    required_vdot: round1(required),
    weeks_left: round1(weeks),
    expected_gain: round1(expected),
    predicted_range: range,
    sentence,
    ...extras,
  };
}

const round1 = (x: number): number => Math.round(x * 10) / 10;
const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function raceName(meters: number): string {
  if (Math.abs(meters - 42_195) < 200) return 'marathon';
  if (Math.abs(meters - 21_097.5) < 100) return 'half marathon';
  return `${Math.round(meters / 100) / 10} km`;
}
