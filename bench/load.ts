/** Benchmark: training load and fitness/fatigue/form for a year of runs plus an 18-week plan forecast (issue 23). */
import { addDays } from '../shared/training/dates.ts';
import { generatePlan, type GenerateInput } from '../shared/training/engine.ts';
import { forecastLoad, type DatedRun } from '../shared/training/load-forecast.ts';
import { loadThresholds } from '../shared/training/load.ts';
import { runnerPaces } from '../shared/training/timeline.ts';
import { median, percentile, type BenchFigure } from './lib.ts';

const TODAY = '2026-02-01';

/** A year of runs, 5 a week, with laps (1 km splits) and some climbing, as a watch uploads them. */
function yearOfRuns(): DatedRun[] {
  const runs: DatedRun[] = [];
  for (let day = 365; day >= 1; day--) {
    if (day % 7 === 2 || day % 7 === 5) continue;
    const km = day % 7 === 0 ? 18 : 6 + (day % 5);
    const secondsPerKm = day % 7 === 3 ? 260 : 330 + (day % 11);
    const laps = Array.from({ length: km }, (_, i) => ({
      index: i,
      distance_meters: 1000,
      elapsed_time_seconds: secondsPerKm + (i % 3),
      moving_time_seconds: secondsPerKm + (i % 3),
    }));
    runs.push({
      id: `r${day}`,
      activity_type: day % 13 === 0 ? 'TrailRun' : 'Run',
      local_date: addDays(TODAY, -day),
      distance_meters: km * 1000,
      moving_time_seconds: laps.reduce((s, l) => s + l.moving_time_seconds, 0),
      average_heartrate: 145 + (day % 20),
      total_elevation_gain: (day % 4) * 40,
      laps,
    });
  }
  return runs;
}

/** Median and p95 of scoring a year of runs and computing CTL/ATL/TSB through an 18-week marathon plan. */
export async function benchLoad(): Promise<BenchFigure[]> {
  let n = 0;
  const input: GenerateInput = {
    profile: { current_weekly_mileage_miles: 30, days_available_per_week: 5, easy_pace_per_mile_seconds: 570, injury_notes: null },
    goal: { kind: 'race', target_race_distance_meters: 42_195, target_race_date: '2026-06-07', target_time_seconds: 4 * 3600 },
    start_date: TODAY,
    today: TODAY,
    methodology: 'pfitzinger',
    newId: () => `w${++n}`,
  };
  const plan = generatePlan(input);
  if (!plan.ok) throw new Error('bench input is invalid');
  const { fitness, paces } = runnerPaces(input.profile, input.goal, TODAY);
  const thresholds = loadThresholds(fitness.vdot);
  const runs = yearOfRuns();
  const once = () => forecastLoad({ from: addDays(TODAY, -365), to: '2026-06-07', today: TODAY, runs, workouts: plan.plan.workouts, paces, thresholds });

  const first = once();
  if (first.runs.length !== runs.length || first.days.length < 365 + 18 * 7) throw new Error('bench computed the wrong days');
  for (let i = 0; i < 20; i++) once();
  const times: number[] = [];
  for (let i = 0; i < 300; i++) {
    const start = performance.now();
    once();
    times.push(performance.now() - start);
  }
  const med = median(times);
  const p95 = percentile(times, 95);
  const label = `load: ${runs.length} runs (1 yr) + ${plan.plan.workouts.length}-workout 18-week forecast`;
  return [
    { name: `${label}, median`, value: Math.round(med * 100) / 100, unit: 'ms', target: '< 20 ms', ok: med < 20 },
    { name: `${label}, p95`, value: Math.round(p95 * 100) / 100, unit: 'ms', target: '< 20 ms', ok: p95 < 20 },
  ];
}
