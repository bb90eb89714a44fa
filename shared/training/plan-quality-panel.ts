/**
 * The plan-quality report's panel (issue 17 §6): runners from a beginner to 70 mi/week, 5K to
 * marathon, all three methodologies, 3 to 7 days a week, including the issue's own cases.
 */
import type { Weekday } from '../schema/plan.ts';
import { addDays } from './dates.ts';
import type { GenerateInput } from './engine.ts';
import type { QualityRunner } from './plan-quality.ts';

/** Every panel plan starts on this Monday, planned the same day. */
export const PANEL_START = '2027-01-04';
const RECENT = '2026-12-06';

const race = (meters: number, weeks: number, time: number | null = null) => ({
  kind: 'race' as const,
  target_race_distance_meters: meters,
  // The Sunday that ends the plan's `weeks`-th week.
  target_race_date: addDays(PANEL_START, 7 * weeks - 1),
  target_time_seconds: time,
});

const DAYS: Record<number, Weekday[]> = {
  3: ['tue', 'thu', 'sun'],
  4: ['tue', 'thu', 'sat', 'sun'],
  5: ['mon', 'tue', 'thu', 'fri', 'sun'],
  6: ['mon', 'tue', 'wed', 'thu', 'fri', 'sun'],
  7: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
};

function runner(
  label: string,
  miles: number,
  days: number,
  easyPerMile: number,
  methodology: QualityRunner['methodology'],
  goal: QualityRunner['goal'],
  extra: { first?: boolean; race?: { meters: number; seconds: number }; longest_miles?: number } = {},
): QualityRunner {
  return {
    label,
    methodology,
    goal,
    first_at_distance: extra.first ?? false,
    start_date: PANEL_START,
    profile: {
      current_weekly_mileage_miles: miles,
      days_available_per_week: days,
      easy_pace_per_mile_seconds: easyPerMile,
      injury_notes: null,
      available_days: DAYS[days]!,
      long_run_day: 'sun',
      ...(extra.race ? { recent_race: { distance_meters: extra.race.meters, time_seconds: extra.race.seconds, date: RECENT } } : {}),
      ...(extra.longest_miles !== undefined ? { longest_recent_run_meters: Math.round(extra.longest_miles * 1609.344) } : {}),
    },
  };
}

const HALF = 21_097.5;
const MARATHON = 42_195;

/** The panel: twelve runners, each with the plan they ask for. */
export const QUALITY_PANEL: readonly QualityRunner[] = [
  runner('pfitz 18wk marathon, 55 mi/wk, 1:25 half, 6 d', 55, 6, 480, 'pfitzinger', race(MARATHON, 18, 3 * 3600), {
    race: { meters: HALF, seconds: 85 * 60 },
    longest_miles: 15,
  }),
  runner('pfitz 18wk marathon, 35 mi/wk, 5 d', 35, 5, 570, 'pfitzinger', race(MARATHON, 18), { longest_miles: 12 }),
  runner('pfitz 18wk marathon, 70 mi/wk, 7 d', 70, 7, 450, 'pfitzinger', race(MARATHON, 18, 2 * 3600 + 45 * 60), {
    race: { meters: HALF, seconds: 78 * 60 },
    longest_miles: 17,
  }),
  runner('daniels 16wk marathon, 45 mi/wk, 1:35 half, 6 d', 45, 6, 510, 'daniels', race(MARATHON, 16), {
    race: { meters: HALF, seconds: 95 * 60 },
    longest_miles: 14,
  }),
  runner('80/20 first marathon 20wk, 25 mi/wk, 4 d', 25, 4, 630, '80/20', race(MARATHON, 20), { first: true, longest_miles: 10 }),
  runner('first half 14wk, beginner 12 mi/wk, 3 d', 12, 3, 690, 'daniels', race(HALF, 14), { first: true, longest_miles: 5 }),
  runner('80/20 half 12wk, 40 mi/wk, 10K 45:00, 5 d', 40, 5, 540, '80/20', race(HALF, 12, 100 * 60), {
    race: { meters: 10_000, seconds: 45 * 60 },
    longest_miles: 11,
  }),
  runner('daniels half 12wk, 30 mi/wk, 10K 48:00, 5 d', 30, 5, 570, 'daniels', race(HALF, 12), {
    race: { meters: 10_000, seconds: 48 * 60 },
    longest_miles: 9,
  }),
  runner('daniels 10K 10wk, no race result, 25 mi/wk, 5 d', 25, 5, 570, 'daniels', race(10_000, 10), { longest_miles: 7 }),
  runner('pfitz 10K 10wk, 45 mi/wk, 5K 19:30, 6 d', 45, 6, 500, 'pfitzinger', race(10_000, 10), {
    race: { meters: 5000, seconds: 19 * 60 + 30 },
    longest_miles: 12,
  }),
  runner('80/20 5K 8wk, 30 mi/wk, 5K 22:00, 5 d', 30, 5, 560, '80/20', race(5000, 8), { race: { meters: 5000, seconds: 22 * 60 }, longest_miles: 8 }),
  runner('first 5K 8wk, beginner 8 mi/wk, 3 d', 8, 3, 720, '80/20', race(5000, 8), { first: true, longest_miles: 3 }),
];

/** The engine's input for a panel runner (ids numbered from 1). */
export function panelInput(r: QualityRunner): GenerateInput {
  let n = 0;
  return { profile: r.profile, goal: r.goal, start_date: r.start_date, today: r.start_date, methodology: r.methodology, newId: () => `q${++n}` };
}
