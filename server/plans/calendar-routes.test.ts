import { describe, expect, it } from 'vitest';
import { call, signUp, useTestApp } from '../test/harness.ts';

const t = useTestApp();

async function plannedRunner(units: 'km' | 'mi') {
  const runner = await signUp(t);
  await call(t.app, 'PUT', '/api/profile', {
    cookie: runner.cookie,
    body: { current_weekly_mileage_miles: 20, days_available_per_week: 4, easy_pace_per_mile_seconds: 600, units },
  });
  const goal = (
    await call(t.app, 'POST', '/api/goals', {
      cookie: runner.cookie,
      body: { goal_type: 'race', target_race_distance_meters: 10_000, target_race_date: '2026-05-10' },
    })
  ).json.goal;
  const { workouts } = (await call(t.app, 'POST', '/api/plans/generate', { cookie: runner.cookie, body: { goal_id: goal.id } })).json;
  const url = new URL((await call(t.app, 'GET', '/api/profile', { cookie: runner.cookie })).json.profile.calendar_url);
  return { ...runner, workouts, feedPath: `${url.pathname}${url.search}` };
}

/** The feed's events, unfolded, as maps of property → value. */
function events(ics: string): Map<string, string>[] {
  const unfolded = ics.replace(/\r\n /g, '');
  return unfolded
    .split('BEGIN:VEVENT\r\n')
    .slice(1)
    .map(
      (block) =>
        new Map(
          block
            .split('\r\n')
            .filter((l) => l.includes(':'))
            .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]),
        ),
    );
}

describe('calendar feed', () => {
  it("serves one all-day event per workout with paces in the runner's unit, CRLF-terminated", async () => {
    const { workouts, feedPath } = await plannedRunner('km');
    const res = await t.app.request(feedPath);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const ics = await res.text();
    expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toContain('\n');
    const list = events(ics);
    expect(list).toHaveLength(workouts.length);
    const first = list.find((e) => e.get('UID') === `${workouts[0].id}@localhost`)!;
    expect(first.get('DTSTART;VALUE=DATE')).toBe(workouts[0].scheduled_date.replaceAll('-', ''));
    expect(first.get('DESCRIPTION')).toMatch(/\/km/);
    expect(first.get('DESCRIPTION')).not.toMatch(/\/mi\b/);
  });

  it("titles events and .FIT files in the runner's unit from the steps, and follows an edit (issue 18 §7)", async () => {
    const { workouts, cookie, feedPath } = await plannedRunner('mi');
    const summaries = events(await (await t.app.request(feedPath)).text()).map((e) => e.get('SUMMARY') ?? '');
    expect(summaries.filter((s) => /\d mi\b/.test(s)).length).toBeGreaterThan(0);
    for (const s of summaries) expect(s).not.toMatch(/\bkm\b/);
    const w = workouts.find((x: { workout_type: string }) => x.workout_type === 'easy');
    t.clock.advance(60_000);
    const structure = { segments: [{ type: 'steady', distance_meters: 9656, pace_target: 'easy' }] };
    const edited = await call(t.app, 'PATCH', `/api/workouts/${w.id}`, { cookie, body: { structure } });
    expect(edited.status, JSON.stringify(edited.json)).toBe(200);
    const event = events(await (await t.app.request(feedPath)).text()).find((e) => e.get('UID') === `${w.id}@localhost`)!;
    expect(event.get('SUMMARY')).toBe('Easy 6.0 mi');
    const fit = await t.app.request(`/api/workouts/${w.id}/fit`, { headers: { cookie } });
    expect(fit.status).toBe(200);
    expect(fit.headers.get('content-disposition')).toBe(`attachment; filename="${w.scheduled_date}-easy-6.0-mi.fit"`);
  });

  it('moves the event when the workout moves, keeping its UID', async () => {
    const { workouts, cookie, feedPath } = await plannedRunner('mi');
    // An easy run moved to a free day of its own week keeps the week's volume (and guardrails).
    const w = workouts.find((x: { workout_type: string }) => x.workout_type === 'easy');
    const taken = new Set(workouts.map((x: { scheduled_date: string }) => x.scheduled_date));
    const sameWeek = workouts
      .filter((x: { week_index: number }) => x.week_index === w.week_index)
      .map((x: { scheduled_date: string }) => x.scheduled_date)
      .sort();
    const day = (offset: number) => new Date(Date.parse(`${sameWeek[0]}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
    const target = [1, 2, 3, 4, 5, 6].map(day).find((d) => !taken.has(d) && d <= sameWeek.at(-1)!)!;
    const before = events(await (await t.app.request(feedPath)).text()).find((e) => e.get('UID') === `${w.id}@localhost`)!;
    t.clock.advance(60_000);
    const moved = await call(t.app, 'PATCH', `/api/workouts/${w.id}`, { cookie, body: { scheduled_date: target } });
    expect(moved.status, JSON.stringify(moved.json)).toBe(200);
    const after = events(await (await t.app.request(feedPath)).text()).find((e) => e.get('UID') === `${w.id}@localhost`)!;
    expect(after.get('DTSTART;VALUE=DATE')).toBe(target.replaceAll('-', ''));
    expect(Number(after.get('SEQUENCE'))).toBeGreaterThan(Number(before.get('SEQUENCE')));
  });

  it('stops serving the old URL after rotation, and refuses forged tokens', async () => {
    const { cookie, feedPath, user } = await plannedRunner('mi');
    const rotated = await call(t.app, 'POST', '/api/profile/calendar/rotate', { cookie });
    expect(rotated.status).toBe(200);
    expect((await t.app.request(feedPath)).status).toBe(404);
    const fresh = new URL(rotated.json.profile.calendar_url);
    expect((await t.app.request(`${fresh.pathname}${fresh.search}`)).status).toBe(200);
    expect((await t.app.request(`/api/calendar.ics?token=${user.id}.${'A'.repeat(32)}`)).status).toBe(404);
    expect((await t.app.request('/api/calendar.ics?token=garbage')).status).toBe(404);
    expect((await t.app.request('/api/calendar.ics')).status).toBe(400);
  });
});
