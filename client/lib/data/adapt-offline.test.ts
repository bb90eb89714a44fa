import { describe, expect, it } from 'vitest';
import { addDays } from '#shared/training/dates.ts';
import { generatePlan } from '#shared/training/engine.ts';
import { judgeGoalOnDevice, type GoalRow } from './goals.ts';
import { acceptedReplan, deviceReplanPreview, recordAcceptedReplan, replanChanges } from './replan.ts';
import { openFreshUserDb } from './test-kit.ts';

// Adaptation without the AI on the phone, offline (issue 18 §5, §14): the before → after the
// runner accepts, the missed-week and injury re-plans from the phone's own rows, and the goal
// judged on the phone when it is saved. Dexie over fake-indexeddb; no server anywhere.

const now = new Date('2026-03-04T08:00:00Z');
const today = '2026-03-04';
const profile = { current_weekly_mileage_miles: 30, days_available_per_week: 5, easy_pace_per_mile_seconds: 580, injury_notes: null };
const goal = { kind: 'race' as const, target_race_distance_meters: 42_195, target_race_date: '2026-06-07', target_time_seconds: null };

/** A phone holding an engine plan started on 2026-02-01; runs done up to `doneUntil`. */
async function phone(doneUntil = today) {
  const db = await openFreshUserDb('u1', () => now.getTime());
  const row = (r: Record<string, unknown>) => ({ ...r, _hlc: {} });
  let n = 0;
  const made = generatePlan({ profile, goal, start_date: '2026-02-01', today: '2026-02-01', methodology: 'daniels', newId: () => `w${++n}` });
  if (!made.ok) throw new Error('the test plan must be valid');
  const plan = made.plan;
  await db.view('user_profiles').put(row({ user_id: 'u1', ...profile, time_zone: 'UTC', units: 'km' }));
  await db.view('goals').put(row({ id: 'g1', goal_type: 'race', target_race_distance_meters: goal.target_race_distance_meters, target_race_date: goal.target_race_date, target_time_seconds: null, target_weekly_mileage_miles: null, end_date: null, deleted: false, created_at: '2026-01-01' }));
  await db.view('training_plans').put(row({ id: 'p1', goal_id: 'g1', status: 'active', created_at: '2026-02-01', methodology: plan.methodology, start_date: plan.start_date, end_date: plan.end_date, vdot: plan.vdot, phases: plan.phases, weeks: plan.weeks, reason: plan.reason, generation_context: { vdot_source: plan.vdot_source } }));
  for (const w of plan.workouts) await db.view('workouts').put(row({ ...w, training_plan_id: 'p1', status: 'scheduled', deleted: false, edited_by_user: false }));
  for (const w of plan.workouts.filter((x) => x.scheduled_date < doneUntil && x.workout_type !== 'rest')) {
    await db.view('strava_activities').put(row({ id: `r-${w.id}`, local_date: w.scheduled_date, activity_type: 'Run', distance_meters: w.estimated_distance_meters, moving_time_seconds: w.estimated_duration_minutes * 60 }));
  }
  return { db, plan };
}

describe('adapting on the phone, offline', () => {
  it("'I'm ill' for 5 days: the before → after shows the sick days emptied and short easy runs back", async () => {
    const { db } = await phone();
    const preview = await deviceReplanPreview(db, { kind: 'illness', date: today, days: 5 }, now);
    if ('blocker' in preview) throw new Error(preview.blocker);
    const changes = await replanChanges(db, preview, today);
    expect(changes.length).toBeGreaterThan(0);
    // Every run planned while ill is gone from the "after" side.
    const sick = changes.filter((c) => c.date < addDays(today, 5));
    expect(sick.some((c) => c.before.length > 0)).toBe(true);
    for (const c of sick) expect(c.after).toEqual([]);
    // The first days back: easy, short, nothing fast.
    const back = changes.filter((c) => c.date >= addDays(today, 5) && c.date < addDays(today, 8)).flatMap((c) => c.after);
    expect(back.length).toBeGreaterThan(0);
    for (const w of back) {
      expect(w.workout_type).toBe('easy');
      expect(w.estimated_distance_meters).toBeLessThanOrEqual(8000);
      expect(JSON.stringify(w.structure)).not.toMatch(/threshold|tempo|interval"|repetition|marathon/);
    }
    // The acceptance waits on the phone with the report (sent when back online).
    await recordAcceptedReplan(db, { planId: preview.planId, report: { kind: 'illness', date: today, days: 5 }, words: preview.whatIf?.words ?? null });
    expect(await acceptedReplan(db)).toMatchObject({ planId: 'p1', report: { kind: 'illness', days: 5 } });
  });

  it("'I missed it' after a week of no runs: the phone re-plans without a report, and says why", async () => {
    const { db } = await phone(addDays(today, -8));
    const preview = await deviceReplanPreview(db, undefined, now);
    if ('blocker' in preview) throw new Error(preview.blocker);
    expect(preview.changed).toBe(true);
    expect(preview.reasons.join(' ')).toMatch(/no runs for \d+ days: back at about 90%/);
    // A missed-week acceptance carries no report.
    await recordAcceptedReplan(db, { planId: preview.planId, words: null });
    expect((await acceptedReplan(db))?.report).toBeUndefined();
  });

  it("'I'm injured' with 'Achilles sore': walk-runs first, the note kept", async () => {
    const { db } = await phone();
    const preview = await deviceReplanPreview(db, { kind: 'injury', date: today, days: 3, notes: 'Achilles sore' }, now);
    if ('blocker' in preview) throw new Error(preview.blocker);
    expect(preview.changed).toBe(true);
    const changes = await replanChanges(db, preview, today);
    const firstWeek = changes.filter((c) => c.date >= addDays(today, 3) && c.date < addDays(today, 10)).flatMap((c) => c.after);
    expect(firstWeek.length).toBeGreaterThan(0);
    for (const w of firstWeek) expect(w.title.startsWith('Walk-run') || w.workout_type === 'cross_training').toBe(true);
  });

  it('judges a goal on the phone the moment it is saved: a sub-2:00 marathon in 4 weeks is unrealistic', async () => {
    const { db } = await phone();
    const row: GoalRow = {
      id: 'g2',
      user_id: 'u1',
      goal_type: 'race',
      title: 'Sub-2',
      description: null,
      target_race_distance_meters: 42_195,
      target_race_date: addDays(today, 28),
      target_time_seconds: 7100,
      target_weekly_mileage_miles: null,
      end_date: null,
      status: 'active',
      flagged_reason: null,
      deleted: false,
      created_at: today,
      updated_at: today,
    };
    const verdict = judgeGoalOnDevice(row, await db.view('user_profiles').get('u1'), today);
    expect(verdict?.verdict).toBe('unrealistic');
    expect(verdict?.sentence).toMatch(/km a week/);
    expect(judgeGoalOnDevice(row, undefined, today)).toBeNull();
  });
});
