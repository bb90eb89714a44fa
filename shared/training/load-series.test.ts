import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ActivitySchema, activityColumns, type Activity } from '../schema/activity.ts';
import { propertyRuns } from '../testing/properties.ts';
import { inputArb } from './arbitraries.test-helpers.ts';
import { addDays, daysBetween } from './dates.ts';
import { generatePlan } from './engine.ts';
import { checkLoadForecast } from './load-check.ts';
import { forecastLoad, type DatedRun } from './load-forecast.ts';
import { formBand, loadSeries, warmupDays, type DatedLoad } from './load-series.ts';
import { loadThresholds, plannedRun } from './load.ts';
import { runnerPaces } from './timeline.ts';

const daily = (from: string, days: number, load: (i: number) => number): DatedLoad[] =>
  Array.from({ length: days }, (_, i) => ({ date: addDays(from, i), load: load(i) }));

describe('loadSeries', () => {
  it('converges CTL and ATL to a constant daily load, form to zero', () => {
    const days = loadSeries({ from: '2026-01-01', to: addDays('2026-01-01', 499), done: daily('2026-01-01', 500, () => 60) });
    const last = days.at(-1)!;
    expect(last.ctl).toBeCloseTo(60, 3);
    expect(last.atl).toBeCloseTo(60, 6);
    expect(Math.abs(last.tsb)).toBeLessThan(0.01);
    expect(Math.abs(last.ramp)).toBeLessThan(0.01);
    // ATL (7 days) gets there first.
    expect(days[20]!.atl).toBeGreaterThan(days[20]!.ctl);
  });

  it('follows the Performance Manager recurrence, with form taken at the start of the day', () => {
    const [d1, d2, d3] = loadSeries({
      from: '2026-03-01',
      to: '2026-03-03',
      done: [
        { date: '2026-03-01', load: 84 },
        { date: '2026-03-02', load: 42 },
      ],
    });
    expect(d1).toMatchObject({ date: '2026-03-01', load: 84, ctl: 2, atl: 12, tsb: 0 });
    expect(d2!.ctl).toBeCloseTo(2 + 40 / 42, 12);
    expect(d2!.atl).toBeCloseTo(12 + 30 / 7, 12);
    // Day 2's form is day 1's end state: the run of day 2 does not change it.
    expect(d2!.tsb).toBeCloseTo(2 - 12, 12);
    expect(d3!.tsb).toBeCloseTo(d2!.ctl - d2!.atl, 12);
  });

  it('adds runs of one day together and counts history before `from` into the start', () => {
    const twice = loadSeries({
      from: '2026-03-01',
      to: '2026-03-01',
      done: [
        { date: '2026-03-01', load: 30 },
        { date: '2026-03-01', load: 40 },
      ],
    });
    expect(twice[0]!.load).toBe(70);
    const history = daily('2025-06-01', 270, () => 50);
    const days = loadSeries({ from: '2026-03-01', to: '2026-03-07', done: history });
    expect(days).toHaveLength(7);
    expect(days[0]!.date).toBe('2026-03-01');
    expect(days[0]!.ctl).toBeGreaterThan(40);
  });

  it('raises form over a 3-week taper', () => {
    // A build from 40 to 100 a day, then 80%, 65% and 45% of it (a marathon taper).
    const build = daily('2026-01-01', 120, (i) => 40 + i / 2);
    const taperStart = addDays('2026-01-01', 120);
    const taper = daily(taperStart, 21, (i) => (i < 7 ? 80 : i < 14 ? 65 : 45));
    const days = loadSeries({ from: addDays(taperStart, -1), to: addDays(taperStart, 21), done: [...build, ...taper] });
    const before = days[0]!;
    const raceDay = days.at(-1)!;
    expect(before.tsb).toBeLessThan(0);
    expect(raceDay.tsb).toBeGreaterThan(before.tsb + 10);
    expect(raceDay.tsb).toBeGreaterThan(5);
    // Fitness dips a little: fatigue is shed much faster than fitness.
    expect(raceDay.ctl).toBeLessThan(before.ctl);
    expect(raceDay.ctl).toBeGreaterThan(0.8 * before.ctl);
  });

  it('gives the ramp as CTL change over 7 days', () => {
    const days = loadSeries({ from: '2026-01-01', to: '2026-03-01', done: daily('2026-01-01', 60, (i) => 20 + i) });
    for (let i = 7; i < days.length; i++) expect(days[i]!.ramp).toBeCloseTo(days[i]!.ctl - days[i - 7]!.ctl, 12);
    expect(days[3]!.ramp).toBeCloseTo(days[3]!.ctl, 12);
  });

  it('counts planned loads from today on as the forecast, and the missed ones before it as nothing', () => {
    const planned = [
      { date: '2026-03-02', load: 80 },
      { date: '2026-03-03', load: 50 },
      { date: '2026-03-04', load: 60 },
    ];
    const days = loadSeries({ from: '2026-03-01', to: '2026-03-05', today: '2026-03-03', done: [{ date: '2026-03-01', load: 40 }], planned });
    expect(days.map((d) => [d.load, d.planned, d.forecast])).toEqual([
      [40, 0, false],
      [0, 0, false],
      [0, 50, true],
      [0, 60, true],
      [0, 0, true],
    ]);
  });

  it('takes its time constants as parameters', () => {
    const short = loadSeries({ from: '2026-03-01', to: '2026-03-01', done: [{ date: '2026-03-01', load: 100 }], constants: { ctl_days: 28, atl_days: 5 } });
    expect(short[0]!.ctl).toBeCloseTo(100 / 28, 12);
    expect(short[0]!.atl).toBeCloseTo(20, 12);
    expect(warmupDays({ ctl_days: 28, atl_days: 5 })).toBe(168);
  });
});

describe('form bands', () => {
  it('reads TSB in runner words with documented edges', () => {
    expect([30, 25.1, 25, 6, 5, 0, -10, -10.1, -30, -31].map(formBand)).toEqual([
      'detraining',
      'detraining',
      'fresh',
      'fresh',
      'neutral',
      'neutral',
      'neutral',
      'productive',
      'productive',
      'overreaching',
    ]);
  });
});

describe('checkLoadForecast', () => {
  it('reports a fitness ramp above 7 a week once per stretch, at its peak, only from today on', () => {
    const days = loadSeries({ from: '2026-01-01', to: '2026-04-30', done: daily('2026-01-01', 120, (i) => (i < 60 ? 30 : i < 74 ? 130 : 50)) });
    const findings = checkLoadForecast(days, { today: '2026-01-10' });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'fitness_ramp', severity: 'soft' });
    expect(findings[0]!.value).toBeGreaterThan(7);
    expect(findings[0]!.reason).toMatch(/points a week/);
    expect(checkLoadForecast(days, { today: '2026-04-01' })).toEqual([]);
    expect(checkLoadForecast(days, { today: '2026-01-10', maxRampPerWeek: 100 })).toEqual([]);
  });

  it('says when race-day form would be tired or stale, and nothing inside +5…+15', () => {
    const steady = loadSeries({ from: '2026-01-01', to: '2026-06-30', done: daily('2026-01-01', 180, () => 60) });
    const tired = checkLoadForecast(steady, { raceDate: '2026-06-30', today: '2026-06-01' });
    expect(tired).toHaveLength(1);
    expect(tired[0]!.reason).toMatch(/still tired/);
    const rested = loadSeries({ from: '2026-01-01', to: '2026-06-30', done: daily('2026-01-01', 150, () => 60) });
    expect(checkLoadForecast(rested, { raceDate: '2026-06-30', today: '2026-06-01' })[0]!.reason).toMatch(/gives back more fitness/);
    const taper = loadSeries({ from: '2026-01-01', to: '2026-06-30', done: daily('2026-01-01', 180, (i) => (i < 173 ? 60 : 40)) });
    const form = taper.at(-1)!.tsb;
    expect(form).toBeGreaterThan(5);
    expect(form).toBeLessThan(15);
    expect(checkLoadForecast(taper, { raceDate: '2026-06-30', today: '2026-06-01' })).toEqual([]);
  });
});

/** What a watch uploads after running `workout` exactly as planned, stored as the server stores it. */
function completedAsPlanned(
  workout: Parameters<typeof plannedRun>[0] & { scheduled_date: string; id: string },
  paces: Parameters<typeof plannedRun>[1],
): DatedRun | null {
  const run = plannedRun(workout, paces);
  if (!run) return null;
  const activity: Activity = ActivitySchema.parse({
    source: 'fit_upload',
    external_id: `done-${workout.id}`,
    activity_type: 'Run',
    start_time: `${workout.scheduled_date}T07:00:00Z`,
    local_date: workout.scheduled_date,
    distance_meters: run.distance_meters,
    moving_time_seconds: run.moving_time_seconds,
    elapsed_time_seconds: run.moving_time_seconds,
    laps: run.laps,
  });
  return JSON.parse(JSON.stringify(activityColumns(activity))) as DatedRun;
}

describe('forecast', () => {
  it('of an untouched plan equals what the days compute once its workouts are run as planned', () => {
    const historyArb = fc.array(
      fc.record({ back: fc.integer({ min: 1, max: 120 }), km: fc.double({ min: 3, max: 25, noNaN: true }), pace: fc.integer({ min: 240, max: 420 }) }),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(inputArb('race'), fc.integer({ min: 0, max: 200 }), historyArb, (input, cut, history) => {
        const result = generatePlan(input);
        if (!result.ok) return;
        const plan = result.plan;
        const today = addDays(plan.start_date, Math.min(cut, daysBetween(plan.start_date, plan.end_date)));
        const { fitness, paces } = runnerPaces(input.profile, input.goal, input.today);
        const thresholds = loadThresholds(fitness.vdot);
        const before: DatedRun[] = history.map((h, i) => ({
          id: `h${i}`,
          activity_type: 'Run',
          local_date: addDays(today, -h.back),
          distance_meters: h.km * 1000,
          moving_time_seconds: Math.round(h.km * h.pace),
          laps: [],
        }));
        const open = plan.workouts.filter((w) => w.scheduled_date >= today);
        const from = addDays(today, -14);
        const to = plan.end_date;

        const forecast = forecastLoad({ from, to, today, runs: before, workouts: open, paces, thresholds }).days;
        const done = open.map((w) => completedAsPlanned(w, paces)).filter((r): r is DatedRun => r !== null);
        const later = forecastLoad({ from, to, today: addDays(to, 1), runs: [...before, ...done], paces, thresholds }).days;

        expect(later.map((d) => d.date)).toEqual(forecast.map((d) => d.date));
        forecast.forEach((f, i) => {
          const l = later[i]!;
          // Stored runs keep whole seconds of moving time: a few hundredths of a point at most.
          expect(l.load).toBeCloseTo(f.load + f.planned, 1);
          expect(l.ctl).toBeCloseTo(f.ctl, 1);
          expect(l.atl).toBeCloseTo(f.atl, 1);
          expect(l.tsb).toBeCloseTo(f.tsb, 1);
          expect(l.ramp).toBeCloseTo(f.ramp, 1);
        });
      }),
      propertyRuns(60),
    );
  });
});
