import { describe, expect, it } from 'vitest';
import { TrainingLoadResponseSchema } from '#shared/schema/load.ts';
import { runnerWithPlan, seedRun } from '../coach/testing.ts';
import { call, signUp, useTestApp } from '../test/harness.ts';

// GET /api/training-load: the signed-in runner's fitness, fatigue and form per day, from their
// own runs of every source (their own screen: Strava runs count) and the active plan's open
// workouts as the forecast from today (the fake clock's 2026-03-02).

const t = useTestApp();

const get = (cookie: string | undefined, query: string) => call(t.app, 'GET', `/api/training-load${query}`, { cookie });

async function runnerWithRuns() {
  const runner = await runnerWithPlan(t);
  const id = runner.user.id;
  for (const [i, date] of [
    '2026-02-10',
    '2026-02-12',
    '2026-02-15',
    '2026-02-17',
    '2026-02-19',
    '2026-02-22',
    '2026-02-24',
    '2026-02-26',
    '2026-03-01',
  ].entries()) {
    await seedRun(t, id, {
      source: i % 3 === 0 ? 'strava' : 'fit_upload',
      local_date: date,
      distance_meters: 8000 + i * 500,
      moving_time_seconds: (8000 + i * 500) * 0.33,
    });
  }
  return runner;
}

describe('GET /api/training-load', () => {
  it('answers the runner’s days: runs done, the plan’s forecast from today, and race-day form', async () => {
    const runner = await runnerWithRuns();
    const res = await get(runner.cookie, '?from=2026-02-01&to=2026-05-10');
    expect(res.status).toBe(200);
    const body = TrainingLoadResponseSchema.parse(res.json);
    expect(body.today).toBe('2026-03-02');
    expect(body.days).toHaveLength(99);
    expect(body.days[0]!.date).toBe('2026-02-01');
    expect(body.days.at(-1)!.date).toBe('2026-05-10');
    // Nine runs, the Strava ones too, all scored by pace.
    expect(body.runs).toHaveLength(9);
    expect(body.runs.every((r) => r.method === 'rtss' && r.load > 20)).toBe(true);
    const done = body.days.filter((d) => d.load > 0).map((d) => d.date);
    expect(done).toEqual(body.runs.map((r) => r.date).sort());
    // Before today nothing is planned; from today on the plan's workouts stand in.
    expect(body.days.filter((d) => d.date < '2026-03-02').every((d) => d.planned === 0 && !d.forecast)).toBe(true);
    const ahead = body.days.filter((d) => d.forecast);
    expect(ahead[0]!.date).toBe('2026-03-02');
    expect(ahead.filter((d) => d.planned > 0).length).toBeGreaterThan(20);
    // Fitness built through February; the race is marked with its forecast form.
    const feb26 = body.days.find((d) => d.date === '2026-02-26')!;
    expect(feb26.ctl).toBeGreaterThan(0);
    expect(feb26.tsb).toBeLessThan(0);
    expect(body.race).toMatchObject({ date: '2026-05-10' });
    expect(typeof body.race!.tsb).toBe('number');
    // Their own February runs (5:30/km against a 10:00/mi easy pace) are hard efforts: the threshold runs are scored against follows them, as the profile's zones do.
    expect(body.threshold).toMatchObject({ source: 'runs' });
    expect(body.threshold!.pace_seconds_per_km).toBeCloseTo(
      (await call(t.app, 'GET', '/api/profile', { cookie: runner.cookie })).json.zones.pace.T.fast_seconds_per_km,
      -1,
    );
    expect(body.constants).toEqual({ ctl_days: 42, atl_days: 7 });
  });

  it('never shows another runner’s runs or plan', async () => {
    const alice = await runnerWithRuns();
    const before = (await get(alice.cookie, '?from=2026-02-01&to=2026-04-30')).json;
    const bob = await runnerWithPlan(t, 'Bob');
    await seedRun(t, bob.user.id, { source: 'fit_upload', local_date: '2026-02-12', distance_meters: 30_000, moving_time_seconds: 9000 });
    const after = (await get(alice.cookie, '?from=2026-02-01&to=2026-04-30')).json;
    expect(after).toEqual(before);

    // A runner with no runs and no plan sees zeros, not anyone else's numbers.
    const carol = await signUp(t, { name: 'Carol' });
    const empty = await get(carol.cookie, '?from=2026-02-01&to=2026-04-30');
    expect(empty.status).toBe(200);
    expect(empty.json.runs).toEqual([]);
    expect(empty.json.race).toBeNull();
    expect(empty.json.days.every((d: { load: number; planned: number; ctl: number }) => d.load === 0 && d.planned === 0 && d.ctl === 0)).toBe(true);
    expect(empty.json.notes.join(' ')).toMatch(/easy pace/);

    const bobs = (await get(bob.cookie, '?from=2026-02-01&to=2026-04-30')).json;
    expect(bobs.runs.map((r: { date: string }) => r.date)).toEqual(['2026-02-12']);
  });

  it('refuses bad queries with words a runner understands', async () => {
    const runner = await signUp(t);
    const cases: [string, RegExp][] = [
      ['?from=2026-03-10&to=2026-03-01', /from \(2026-03-10\) is after to \(2026-03-01\)/],
      ['?from=2020-01-01&to=2026-03-01', /at most 3 years/],
      ['?from=2026-02-30&to=2026-03-01', /from must be a real date written YYYY-MM-DD/],
      ['?from=yesterday&to=2026-03-01', /from must be a real date/],
      ['?from=2026-03-01', /to is required/],
      ['?from=2026-03-01&to=2026-03-02&user_id=someone', /user_id/],
    ];
    for (const [query, words] of cases) {
      const res = await get(runner.cookie, query);
      expect(res.status, query).toBe(400);
      expect(res.json.error.code).toBe('validation_failed');
      expect(JSON.stringify(res.json.error.issues), query).toMatch(words);
    }
    // Exactly three years is fine.
    expect((await get(runner.cookie, '?from=2023-03-02&to=2026-03-01')).status).toBe(200);
    expect((await get(undefined, '?from=2026-03-01&to=2026-03-02')).status).toBe(401);
  });
});
