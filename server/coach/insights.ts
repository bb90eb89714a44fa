import { weekday } from '#shared/training/dates.ts';
import { formatDistance, formatPace, type DistanceUnit } from '#shared/training/units.ts';
import type { PlannedVsDone, WeekStats } from './journal-stats.ts';

// The journal's insights, computed by rules (no model): what went well, what repeats, and what
// to change. Same inputs, same words; a narrative from Claude is added on top when configured.

/** The journal's insights, grouped. */
export interface Insights {
  achievements: string[];
  patterns: string[];
  to_improve: string[];
}

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const QUALITY = new Set(['tempo', 'threshold', 'intervals', 'repetition', 'marathon_pace', 'progression', 'fartlek']);

// A record ("your biggest week in 8 weeks") or a ramp warning needs history to stand on: at least
// this many earlier weeks with runs. One run before the plan is not a baseline (issue 18 §10).
const MIN_KNOWN_WEEKS = 3;

/**
 * Insights for `week`, given earlier weeks (newest first) and the plan's view of it. A planned
 * week is judged against the plan's prescription, not against a near-empty history; a week in
 * progress gets no ramp verdict until it is over.
 */
export function weekInsights(
  week: WeekStats,
  earlier: readonly WeekStats[],
  plan: PlannedVsDone,
  unit: DistanceUnit,
  options: { inProgress?: boolean } = {},
): Insights {
  const out: Insights = { achievements: [], patterns: [], to_improve: [] };
  const dist = (m: number) => formatDistance(m, unit);
  const previous = earlier[0];
  const known = earlier.filter((w) => w.runs > 0).length;
  // "In N weeks" counts back only as far as the runner's first known week of running.
  const oldest = earlier.reduce((at, w, i) => (w.runs > 0 ? i : at), -1);
  const span = oldest + 2;
  const enoughHistory = known >= MIN_KNOWN_WEEKS;

  if (week.runs === 0) {
    if (!options.inProgress)
      out.to_improve.push(plan.planned_sessions ? `No runs logged this week against ${plan.planned_sessions} planned.` : 'No runs logged this week.');
    return out;
  }
  const longestBefore = Math.max(0, ...earlier.map((w) => w.longest_run_meters));
  if (enoughHistory && week.longest_run_meters > longestBefore) {
    out.achievements.push(
      `Your longest run in ${span} weeks: ${dist(week.longest_run_meters)} on ${week.longest_run_date ? DAY_NAMES[weekday(week.longest_run_date)] : 'one day'}.`,
    );
  }
  const biggestBefore = Math.max(0, ...earlier.map((w) => w.distance_meters));
  if (enoughHistory && week.distance_meters > biggestBefore) out.achievements.push(`Your biggest week in ${span} weeks: ${dist(week.distance_meters)}.`);
  if (plan.planned_sessions > 0 && plan.completed === plan.planned_sessions)
    out.achievements.push(`Every planned session done (${plan.completed} of ${plan.planned_sessions}).`);
  const long = plan.sessions.find((s) => s.workout_type === 'long');
  if (long && long.status === 'completed') out.achievements.push(`Long run done: ${long.title}.`);
  let streak = 0;
  for (const w of [week, ...earlier]) {
    if (w.runs < 3) break;
    streak += 1;
  }
  if (streak >= 3) out.achievements.push(`${streak} weeks in a row with three or more runs: consistency is what builds fitness.`);

  if (week.run_dates.length >= 3) out.patterns.push(`You ran on ${week.run_dates.map((d) => DAY_NAMES[weekday(d)]).join(', ')}.`);
  if (previous && previous.average_pace_seconds_per_km && week.average_pace_seconds_per_km) {
    const paceChange = (week.average_pace_seconds_per_km - previous.average_pace_seconds_per_km) / previous.average_pace_seconds_per_km;
    const hrChange = week.average_heartrate !== null && previous.average_heartrate !== null ? week.average_heartrate - previous.average_heartrate : null;
    if (Math.abs(paceChange) <= 0.03 && hrChange !== null && hrChange <= -3) {
      out.patterns.push(
        `Average heart rate ${Math.round(week.average_heartrate!)} bpm, ${Math.round(-hrChange)} lower than last week at a similar pace: your aerobic fitness is improving.`,
      );
    } else if (Math.abs(paceChange) <= 0.03 && hrChange !== null && hrChange >= 5) {
      out.patterns.push(
        `Average heart rate ${Math.round(hrChange)} bpm higher than last week at a similar pace: heat, poor sleep, stress or a cold can do that.`,
      );
    } else if (Math.abs(paceChange) > 0.03) {
      out.patterns.push(
        `Average pace ${formatPace(week.average_pace_seconds_per_km, unit)}, ${paceChange < 0 ? 'faster' : 'slower'} than last week's ${formatPace(previous.average_pace_seconds_per_km, unit)}.`,
      );
    }
  }

  if (plan.planned_sessions > 0 && plan.estimated_distance_meters > 0) {
    // Following the plan is never scolded: the plan's ramp is already within the guardrails.
    const over = week.distance_meters / plan.estimated_distance_meters - 1;
    if (over > 0.1)
      out.to_improve.push(
        `You ran ${dist(week.distance_meters)} against ${dist(plan.estimated_distance_meters)} planned: ${Math.round(over * 100)}% more than the plan asks. Keep to the plan's distances next week.`,
      );
  } else if (!options.inProgress && enoughHistory && previous && previous.distance_meters > 0 && week.distance_meters > 8000) {
    const ramp = (week.distance_meters - previous.distance_meters) / previous.distance_meters;
    if (ramp > 0.1)
      out.to_improve.push(`Volume up ${Math.round(ramp * 100)}% on last week: more than the ~10% a body adapts to safely. Hold it steady next week.`);
  }
  const missedQuality = plan.sessions.filter((s) => QUALITY.has(s.workout_type) && (s.status === 'missed' || s.status === 'skipped'));
  if (missedQuality.length)
    out.to_improve.push(
      `Quality session${missedQuality.length > 1 ? 's' : ''} missed: ${missedQuality.map((s) => `${s.title} (${DAY_NAMES[weekday(s.date)]})`).join(', ')}.`,
    );
  if (long && (long.status === 'missed' || long.status === 'skipped'))
    out.to_improve.push(`The long run (${long.title}) was missed: it is the backbone of the week.`);
  const otherMissed = plan.missed + plan.skipped - missedQuality.length - (long && (long.status === 'missed' || long.status === 'skipped') ? 1 : 0);
  if (otherMissed > 0) out.to_improve.push(`${otherMissed} other planned run${otherMissed > 1 ? 's' : ''} missed or skipped.`);
  return out;
}
