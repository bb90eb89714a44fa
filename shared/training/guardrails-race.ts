/**
 * "The plan prepares for the race" (docs/TRAINING.md §"Safety guardrails", issue 17 §4): a check, not
 * only a limit. The longest run and the biggest week reach the methodology's minimum for the
 * distance — or, when the weeks to the race cannot get there within the spike and ramp rules,
 * as far as those weeks allow (the goal's feasibility verdict then says the time is short).
 * A soft finding the app shows, never a refusal: any plan (engine, coach, edited) gets it alike.
 */
import type { Methodology, Violation } from '../schema/plan.ts';
import { fromDayNumber } from './dates.ts';
import { LIMITS, taperDays } from './rules.ts';
import type { Timeline } from './timeline.ts';
import { METERS_PER_MILE, milesToMeters } from './units.ts';

type Distance = '5k' | '10k' | 'half' | 'marathon';

/**
 * The minimum each methodology's plans reach (miles), with the beginner floor under all of them:
 * a first half builds the long run to 10 mi, a first marathon to 18 (Higdon Novice); Pfitzinger's
 * marathon plans build to 20 mi on at least ~55 mi weeks (18/55). Peak weeks are the floor of the
 * published plans for the distance (Higdon Novice ~25 mi half, ~40 mi marathon, with margin).
 */
export const RACE_MINIMUM: Record<Distance, { long: Record<Methodology, number>; peak: Record<Methodology, number> }> = {
  '5k': { long: { daniels: 3, pfitzinger: 3, '80/20': 3 }, peak: { daniels: 6, pfitzinger: 6, '80/20': 6 } },
  '10k': { long: { daniels: 6, pfitzinger: 6, '80/20': 6 }, peak: { daniels: 12, pfitzinger: 12, '80/20': 12 } },
  half: { long: { daniels: 10, pfitzinger: 10, '80/20': 10 }, peak: { daniels: 18, pfitzinger: 18, '80/20': 18 } },
  marathon: { long: { daniels: 18, pfitzinger: 20, '80/20': 18 }, peak: { daniels: 30, pfitzinger: 50, '80/20': 30 } },
};

const NAMES: Record<Distance, string> = { '5k': '5K', '10k': '10K', half: 'half marathon', marathon: 'marathon' };
const METHOD_NAMES: Record<Methodology, string> = { daniels: 'Daniels', pfitzinger: 'Pfitzinger', '80/20': '80/20' };
const READY = {
  /** How far under the race's minimum a figure may fall before it is reported (estimates are rounded). */
  slack: 0.97,
  /** When the time is short: how far under what the time allows (a rough, careful reckoning) a plan may stop. */
  shortTimeSlack: 0.7,
  weeklyGrowth: 1.08,
} as const;

function distanceOf(meters: number): Distance {
  return meters <= 7000 ? '5k' : meters <= 15_000 ? '10k' : meters <= 30_000 ? 'half' : 'marathon';
}

const both = (m: number) => `${(m / 1000).toFixed(1)} km (${(m / METERS_PER_MILE).toFixed(1)} mi)`;

/** The longest run and the biggest week a race plan reaches, against what the race needs and the time allows. */
export function checkRaceReadiness(t: Timeline, methodology: Methodology | null): Violation[] {
  if (t.raceDay === null || t.raceMeters === null) return [];
  const raceDay = t.raceDay;
  // Only a plan that still has runs to change before the race can be told to change them.
  if (!t.workouts.some((w) => !w.past && !w.goalRace && w.meters > 0 && w.day < raceDay)) return [];
  const d = distanceOf(t.raceMeters);
  const m = methodology ?? 'daniels';
  const minimum = RACE_MINIMUM[d];
  const race = NAMES[d];
  const date = fromDayNumber(raceDay);

  // What the weeks before the taper can build, the way a careful plan builds: weekly volume up
  // ~8% a week with a recovery week in four, held to what the runner's days can carry; the long
  // run up at most 10% a week (the spike rule) and no more than about half the week.
  const buildWeeks = Math.max(0, Math.floor((raceDay - taperDays(t.raceMeters) - t.startDay) / 7));
  const growing = buildWeeks - Math.floor(buildWeeks / 4);
  const before = t.runs.filter((r) => r.day < t.startDay && r.day >= t.startDay - LIMITS.spikeWindowDays).map((r) => r.meters);
  const longestBefore = Math.max(LIMITS.minLongestRunMeters, t.longestBaseline, ...before);
  const longShare = t.daysAvailable <= 1 ? 1 : t.daysAvailable === 2 ? 0.6 : 0.5;
  const longBySpike = longestBefore * LIMITS.spike ** growing;
  const byTime = Math.min(t.baseline * READY.weeklyGrowth ** growing, t.daysAvailable * longBySpike);
  // Few running days hold only so much: no run much past the race's long run (10 km at least).
  const byDays = t.daysAvailable * Math.max(milesToMeters(minimum.long[m]), 10_000);
  const reachPeak = Math.min(byTime, byDays);
  const reachLong = Math.min(longBySpike, longShare * reachPeak);

  const longest = Math.max(0, ...t.runs.filter((r) => r.day >= t.startDay && r.day < raceDay).map((r) => r.meters));
  const peak = Math.max(0, ...t.blockVolume);
  const out: Violation[] = [];
  const push = (rule: 'race_readiness' | 'race_time_short', reason: string) => out.push({ rule, date, severity: 'soft', reason });
  const weeks = `${buildWeeks} week${buildWeeks === 1 ? '' : 's'}`;

  const needLong = milesToMeters(minimum.long[m]);
  if (longest < READY.slack * needLong) {
    const whose =
      methodology && minimum.long[m] > minimum.long.daniels
        ? `a ${METHOD_NAMES[m]} ${race} plan builds it to ${minimum.long[m]} mi`
        : `a ${race} plan builds it to at least ${minimum.long[m]} mi`;
    if (reachLong >= needLong) {
      push(
        'race_readiness',
        `Your longest run before the ${race} is ${both(longest)}; ${whose}, so race day is not the first time you run close to the distance. Lengthen the long run by about a mile a week.`,
      );
    } else if (longest < READY.shortTimeSlack * reachLong) {
      push(
        'race_readiness',
        `Your longest run before the ${race} is ${both(longest)}. The ${weeks} to build cannot reach the ${minimum.long[m]} mi a ${race} calls for, but they allow a long run of about ${both(reachLong)}: build it that far.`,
      );
    } else {
      push(
        'race_time_short',
        `A ${race} calls for a long run of ${minimum.long[m]} mi; the ${weeks} to build allow about ${both(Math.max(reachLong, longest))} without a risky jump, and this plan reaches ${both(longest)}. A later race would give you the time.`,
      );
    }
  }

  const needPeak = milesToMeters(minimum.peak[m]);
  if (peak < READY.slack * needPeak) {
    const limit =
      byDays < byTime
        ? `${t.daysAvailable} running day${t.daysAvailable === 1 ? '' : 's'} a week hold about ${both(Math.max(reachPeak, peak))}`
        : `the ${weeks} to build take your week from ${both(t.baseline)} to about ${both(Math.max(reachPeak, peak))} at most`;
    if (reachPeak >= needPeak) {
      push(
        'race_readiness',
        `Your biggest week before the ${race} is ${both(peak)}; ${methodology ? `${METHOD_NAMES[m]}'s` : 'the published'} ${race} plans reach at least ${minimum.peak[m]} mi a week. Build your weekly volume toward it, about 10% a week.`,
      );
    } else if (peak < READY.shortTimeSlack * reachPeak) {
      push(
        'race_readiness',
        `Your biggest week before the ${race} is ${both(peak)}. A ${race} calls for about ${minimum.peak[m]} mi a week; ${limit}: build toward that.`,
      );
    } else {
      push(
        'race_time_short',
        `A ${race} calls for about ${minimum.peak[m]} mi a week; ${limit}, and this plan peaks at ${both(peak)}. ${byDays < byTime ? 'More running days' : 'A later race'} would give you the room.`,
      );
    }
  }
  return out;
}

/** Findings that explain what a plan cannot do (the time or the days are short), not what it does wrong. */
export const EXPLAINING_RULES: ReadonlySet<string> = new Set(['race_time_short']);
