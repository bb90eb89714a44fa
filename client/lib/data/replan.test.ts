import { describe, expect, it } from 'vitest';
import { addDays } from '#shared/training/dates.ts';
import { generatePlan } from '#shared/training/engine.ts';
import { sendAcceptedReplan } from '../api/replan.ts';
import { acceptedReplan, clearAcceptedReplan, deviceReplanPreview, readAdaptInput, recordAcceptedReplan } from './replan.ts';
import { openFreshUserDb } from './test-kit.ts';
import { deviceWhatIf } from './training-load.ts';

// The illness re-plan previewed on the phone from its own rows (offline too); that it equals the
// server's preview for the same rows is proven in tests/sync/replan.test.ts.

const now = new Date('2026-03-04T08:00:00Z');
const today = '2026-03-04';
const profile = { current_weekly_mileage_miles: 25, days_available_per_week: 5, easy_pace_per_mile_seconds: 600, injury_notes: null };
const goal = { kind: 'race' as const, target_race_distance_meters: 21_097.5, target_race_date: '2026-06-07', target_time_seconds: null };

/** A runner whose phone holds an engine plan started four weeks ago, and every run of it done. */
async function runnerDb(options: { profile?: Record<string, unknown> } = {}) {
  const db = await openFreshUserDb('u1', () => now.getTime());
  const row = (r: Record<string, unknown>) => ({ ...r, _hlc: {} });
  let n = 0;
  const made = generatePlan({ profile, goal, start_date: '2026-02-01', today: '2026-02-01', methodology: 'daniels', newId: () => `w${++n}` });
  if (!made.ok) throw new Error('the test plan must be valid');
  const plan = made.plan;
  await db.view('user_profiles').put(row({ user_id: 'u1', ...profile, time_zone: 'UTC', units: 'km', ...options.profile }));
  await db.view('goals').put(row({ id: 'g1', goal_type: 'race', target_race_distance_meters: goal.target_race_distance_meters, target_race_date: goal.target_race_date, target_time_seconds: null, target_weekly_mileage_miles: null, end_date: null, deleted: false, created_at: '2026-01-01' }));
  await db.view('training_plans').put(row({ id: 'p1', goal_id: 'g1', status: 'active', created_at: '2026-02-01', methodology: plan.methodology, start_date: plan.start_date, end_date: plan.end_date, vdot: plan.vdot, phases: plan.phases, weeks: plan.weeks, reason: plan.reason, generation_context: { vdot_source: plan.vdot_source } }));
  for (const w of plan.workouts) await db.view('workouts').put(row({ ...w, training_plan_id: 'p1', status: 'scheduled', deleted: false, edited_by_user: false }));
  for (const w of plan.workouts.filter((x) => x.scheduled_date < today)) {
    await db.view('strava_activities').put(row({ id: `r-${w.id}`, local_date: w.scheduled_date, activity_type: 'Run', distance_meters: w.estimated_distance_meters, moving_time_seconds: w.estimated_duration_minutes * 60 }));
  }
  return { db, plan };
}

describe('the illness re-plan on the phone', () => {
  it('reads what the server reads: the active plan, its goal, the profile, the last 60 days of runs', async () => {
    const { db, plan } = await runnerDb();
    const read = await readAdaptInput(db, now);
    if ('blocker' in read) throw new Error(read.blocker);
    expect(read.planId).toBe('p1');
    expect(read.input.today).toBe(today);
    expect(read.input.plan.workouts).toHaveLength(plan.workouts.length);
    expect(read.input.history.every((r) => r.date >= addDays(today, -60))).toBe(true);
    expect(read.input.history.length).toBe(plan.workouts.filter((w) => w.scheduled_date < today).length);
  });

  it('previews five days ill: no running while ill, the reason, and what it does to race-day form', async () => {
    const { db, plan } = await runnerDb();
    const preview = await deviceReplanPreview(db, { kind: 'illness', date: today, days: 5 }, now);
    if ('blocker' in preview) throw new Error(preview.blocker);
    expect(preview.changed).toBe(true);
    expect(preview.reasons[0]).toMatch(/illness reported: rest until after 2026-03-08/);
    // Nothing in the sick days: the old workouts there are removed, no new ones land there.
    const removed = new Set(preview.edits.filter((e) => e.set.deleted === true).map((e) => e.workout_id));
    for (const w of plan.workouts.filter((x) => x.scheduled_date >= today && x.scheduled_date <= '2026-03-08')) expect(removed.has(w.id)).toBe(true);
    expect(preview.edits.filter((e) => e.set.deleted !== true && typeof e.set.scheduled_date === 'string' && e.set.scheduled_date >= today && e.set.scheduled_date <= '2026-03-08')).toEqual([]);
    expect(preview.whatIf!.words).toMatch(/^race-day form [+-]?\d+ → [+-]?\d+; ramp -?\d+\.\d( → -?\d+\.\d)?\/wk$/);
    // Compared with the plan as it stands on the phone, and the re-plan does move the forecast.
    expect(preview.whatIf!.before).toEqual((await deviceWhatIf(db, [], now))!.before);
    expect(preview.whatIf!.after).not.toEqual(preview.whatIf!.before);
  });

  it('says why it cannot preview: no plan, or a profile without what planning needs', async () => {
    const bare = await openFreshUserDb('u2', () => now.getTime());
    expect(await deviceReplanPreview(bare, { kind: 'illness', date: today, days: 3 }, now)).toEqual({ blocker: 'no_plan' });
    const { db } = await runnerDb({ profile: { easy_pace_per_mile_seconds: null } });
    expect(await deviceReplanPreview(db, { kind: 'illness', date: today, days: 3 }, now)).toEqual({ blocker: 'profile_incomplete' });
  });
});

describe('an acceptance made offline', () => {
  it('waits on the phone until the server can be reached, and only the newest one is kept', async () => {
    const { db } = await runnerDb();
    const report = { kind: 'illness' as const, date: today, days: 5 };
    await recordAcceptedReplan(db, { planId: 'p1', report, words: 'race-day form +7 → +9; ramp 3.1/wk' });
    // No server behind /api here: the request fails as it does offline, and the acceptance stays.
    // Overlapping calls (the browser's online event and the app's) share one request.
    const first = sendAcceptedReplan(db);
    expect(sendAcceptedReplan(db)).toBe(first);
    expect(await first).toBe('waiting');
    const waiting = (await acceptedReplan(db))!;
    expect(waiting).toMatchObject({ planId: 'p1', report, words: 'race-day form +7 → +9; ramp 3.1/wk', acceptedAt: now.getTime() });
    // The id every send of it carries, so the server re-plans once however often it arrives.
    expect(waiting.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await sendAcceptedReplan(db)).toBe('waiting');
    expect((await acceptedReplan(db))!.requestId).toBe(waiting.requestId);
    // Clearing an older acceptance leaves a newer one alone.
    await clearAcceptedReplan(db, waiting.acceptedAt - 1);
    expect(await acceptedReplan(db)).not.toBeNull();
    await clearAcceptedReplan(db, waiting.acceptedAt);
    expect(await acceptedReplan(db)).toBeNull();
    expect(await sendAcceptedReplan(db)).toBeNull();
  });
});
