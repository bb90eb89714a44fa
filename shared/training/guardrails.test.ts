import { describe, expect, it } from 'vitest';
import type { Goal } from '../schema/goal.ts';
import type { TrainingProfile, Violation } from '../schema/plan.ts';
import type { Segment, WorkoutType } from '../schema/workout.ts';
import { addDays } from './dates.ts';
import { checkPlan, isSavable, newFindings } from './guardrails.ts';
import type { GuardrailContext } from './timeline.ts';

const START = '2026-03-01';
const profile: TrainingProfile = {
  current_weekly_mileage_miles: 20,
  days_available_per_week: 4,
  easy_pace_per_mile_seconds: 540,
  injury_notes: null,
  longest_recent_run_meters: 10_000,
};
const mileage: Goal = { kind: 'mileage', target_weekly_mileage_miles: 25 };
const ctx = (over: Partial<GuardrailContext> = {}): GuardrailContext => ({ profile, goal: mileage, today: START, ...over });

interface W {
  id: string;
  scheduled_date: string;
  workout_type: WorkoutType;
  structure: { segments: Segment[] };
  edited_by_user?: boolean;
}
const DAYS = [0, 2, 4, 5];
const easy = (meters: number): { segments: Segment[] } => ({ segments: [{ type: 'steady', distance_meters: Math.round(meters), pace_target: 'easy' }] });

/** A plan of equal easy runs on 4 days a week, week volumes in km. */
function plan(volumesKm: number[]): { start_date: string; workouts: W[] } {
  const workouts: W[] = [];
  volumesKm.forEach((km, week) => {
    for (const d of DAYS) {
      if (km > 0)
        workouts.push({ id: `w${week}-${d}`, scheduled_date: addDays(START, week * 7 + d), workout_type: 'easy', structure: easy((km * 1000) / DAYS.length) });
    }
  });
  return { start_date: START, workouts };
}
const GOOD = [32, 34, 36, 27, 36, 38, 40, 30];
const rules = (v: Violation[]) => [...new Set(v.map((x) => x.rule))].sort();
const find = (v: Violation[], rule: Violation['rule']) => v.filter((x) => x.rule === rule);
const replace = (p: ReturnType<typeof plan>, id: string, w: Partial<W>) => {
  const i = p.workouts.findIndex((x) => x.id === id);
  p.workouts[i] = { ...p.workouts[i]!, ...w };
  return p;
};

describe('checkPlan on hand-made plans', () => {
  it('passes a sensible plan with no violations (the baseline for every case below)', () => {
    expect(checkPlan(plan(GOOD), ctx())).toEqual([]);
  });

  it('refuses a plan that is not plan-shaped', () => {
    const v = checkPlan({ workouts: 'no' }, ctx());
    expect(v[0]).toMatchObject({ rule: 'structure_invalid', severity: 'hard' });
  });

  it('structure_invalid: a workout whose structure fails the schema', () => {
    const p = replace(plan(GOOD), 'w1-2', { structure: { segments: [] } });
    expect(find(checkPlan(p, ctx()), 'structure_invalid')[0]).toMatchObject({ severity: 'hard', workout_id: 'w1-2' });
  });

  it('weekly_ramp: +15% over the higher of the two blocks before is soft', () => {
    const v = find(checkPlan(plan([32, 34, 39, 27]), ctx()), 'weekly_ramp');
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ week: 2, severity: 'soft', date: addDays(START, 14) });
    expect(v[0]!.reason).toMatch(/15% more than 34\.0 km/);
  });

  // Issue 18 §7: a miles runner's findings are in miles (34 km = 21.1 mi), a km runner's in km.
  it('words a finding in the runner’s unit', () => {
    const [inMiles] = find(checkPlan(plan([32, 34, 39, 27]), ctx({ units: 'mi' })), 'weekly_ramp');
    expect(inMiles!.reason).toMatch(/15% more than 21\.1 mi/);
    expect(inMiles!.reason).not.toMatch(/\bkm\b/);
    const [inKm] = find(checkPlan(plan([32, 34, 39, 27]), ctx({ units: 'km' })), 'weekly_ramp');
    expect(inKm!.reason).not.toMatch(/\bmi\b/);
  });

  // Issue 17 §4: the hard limit is 20% over the two blocks before (it was 30% over two weeks).
  it('weekly_ramp: more than 20% over the higher of the two blocks before is hard', () => {
    const v = find(checkPlan(plan([32, 34, 42, 30]), ctx()), 'weekly_ramp');
    expect(v[0]).toMatchObject({ week: 2, severity: 'hard' });
    expect(v[0]!.reason).toMatch(/24% more than 34\.0 km.*injuries/);
  });

  it('weekly_ramp: back to full volume straight after a three-week layoff is hard', () => {
    const v = find(checkPlan(plan([32, 0, 0, 0, 32]), ctx()), 'weekly_ramp');
    expect(v[0]).toMatchObject({ week: 4, severity: 'hard' });
  });

  it("weekly_ramp: counted over 7-day blocks from the plan's first day, not the plan's own weeks", () => {
    // The plan's weeks begin three days before its first day (on the race weekday, as the engine's do).
    const p = { ...plan([32, 34, 39, 27]), weeks: [0, 1, 2, 3, 4].map((i) => ({ index: i, start_date: addDays(START, 7 * i - 3) })) };
    const v = find(checkPlan(p, ctx()), 'weekly_ramp');
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ week: 2, date: addDays(START, 14) });
  });

  it('weekly_ramp: the rebound after a recovery week is measured against the week before the cut', () => {
    expect(find(checkPlan(plan([32, 34, 36, 27, 39]), ctx()), 'weekly_ramp')).toEqual([]);
    // A cut spread over two blocks: 39 is judged against the 36 before it, not the 28 or 30.
    expect(find(checkPlan(plan([32, 34, 36, 30, 28, 39]), ctx()), 'weekly_ramp')).toEqual([]);
    expect(find(checkPlan(plan([32, 34, 36, 27, 41]), ctx()), 'weekly_ramp')[0]).toMatchObject({ week: 4, severity: 'soft' });
  });

  it("first_week: a first block well under the runner's current volume is pointed out", () => {
    const v = find(checkPlan(plan([20, 22, 24]), ctx()), 'first_week');
    expect(v).toEqual([expect.objectContaining({ week: 0, severity: 'soft' })]);
    expect(v[0]!.reason).toMatch(/first 7 days hold 20\.0 km, well below the 32\.2 km a week you run now/);
    expect(find(checkPlan(plan([26, 28, 30]), ctx()), 'first_week')).toEqual([]);
    // A mileage goal below today's volume starts at the goal; a runner whose longest run is short cannot hold more.
    expect(find(checkPlan(plan([14, 15, 16]), ctx({ goal: { kind: 'mileage', target_weekly_mileage_miles: 10 } })), 'first_week')).toEqual([]);
    expect(find(checkPlan(plan([14, 15, 16]), ctx({ profile: { ...profile, longest_recent_run_meters: 4000 } })), 'first_week')).toEqual([]);
    // Once the plan is under way its first week is the past, not a finding.
    expect(find(checkPlan(plan([20, 22, 24]), ctx({ today: addDays(START, 3) })), 'first_week')).toEqual([]);
  });

  it('available_days: a run on a weekday the runner has not given is refused; one they moved there is pointed out', () => {
    // The plan runs Sun, Tue, Thu and Fri; this runner runs Sun, Tue, Thu and Sat.
    const runner: TrainingProfile = { ...profile, available_days: ['sun', 'tue', 'thu', 'sat'], long_run_day: 'sun' };
    const v = find(checkPlan(plan(GOOD), ctx({ profile: runner })), 'available_days');
    expect(v).toHaveLength(GOOD.length);
    expect(v[0]).toMatchObject({ severity: 'hard', workout_id: 'w0-5', date: addDays(START, 5) });
    expect(v[0]!.reason).toMatch(/^Friday 2026-03-06 is not one of your running days \(Sunday, Tuesday, Thursday, Saturday\)/);
    const moved = replace(plan(GOOD), 'w0-5', { edited_by_user: true });
    const mine = find(checkPlan(moved, ctx({ profile: runner })), 'available_days');
    expect(mine.find((x) => x.workout_id === 'w0-5')).toMatchObject({ severity: 'soft' });
  });

  it('long_run_day: a long run off the runner’s long-run day is refused', () => {
    const runner: TrainingProfile = { ...profile, available_days: ['sun', 'tue', 'thu', 'fri'], long_run_day: 'fri' };
    const p = replace(plan(GOOD), 'w1-0', { workout_type: 'long' });
    const v = find(checkPlan(p, ctx({ profile: runner })), 'long_run_day');
    expect(v).toEqual([expect.objectContaining({ severity: 'hard', workout_id: 'w1-0' })]);
    expect(v[0]!.reason).toMatch(/Your long run is on Fridays, but this one falls on Sunday/);
    expect(find(checkPlan(p, ctx({ profile: { ...runner, long_run_day: 'sun' } })), 'long_run_day')).toEqual([]);
    expect(find(checkPlan(p, ctx()), 'long_run_day')).toEqual([]);
  });

  it("the first week is judged against the runner's current mileage", () => {
    expect(find(checkPlan(plan([37]), ctx()), 'weekly_ramp')).toHaveLength(1);
    expect(find(checkPlan(plan([35]), ctx()), 'weekly_ramp')).toHaveLength(0);
  });

  it('single_run_spike: a run 20% past the longest of the last 30 days', () => {
    const p = replace(plan(GOOD), 'w1-0', { structure: easy(12_000) });
    const v = find(checkPlan(p, ctx()), 'single_run_spike');
    expect(v[0]).toMatchObject({ workout_id: 'w1-0', severity: 'soft' });
    expect(v[0]!.reason).toContain('10.0 km');
  });

  it('single_run_spike: done runs in the history count toward the longest run', () => {
    const p = replace(plan(GOOD), 'w1-0', { structure: easy(12_000) });
    const history = [{ date: addDays(START, -3), distance_meters: 11_500 }];
    expect(find(checkPlan(p, ctx({ history })), 'single_run_spike')).toHaveLength(0);
  });

  it('long_run_cap: one run over 30% of the week', () => {
    const p = plan(GOOD);
    for (const d of [2, 4, 5]) replace(p, `w1-${d}`, { structure: easy(6000) });
    replace(p, 'w1-0', { structure: easy(10_500) });
    const v = find(checkPlan(p, ctx()), 'long_run_cap');
    expect(v[0]).toMatchObject({ week: 1, workout_id: 'w1-0', severity: 'soft' });
    expect(v[0]!.reason).toMatch(/more than 30%/);
  });

  it('long_run_cap: over 150 minutes', () => {
    const big: TrainingProfile = { ...profile, current_weekly_mileage_miles: 70, longest_recent_run_meters: 30_000 };
    const p = {
      start_date: START,
      workouts: [0, 1, 2, 3, 4, 5].map((d) => ({
        id: `x${d}`,
        scheduled_date: addDays(START, d),
        workout_type: 'easy' as const,
        structure: d === 0 ? { segments: [{ type: 'steady' as const, duration_seconds: 170 * 60, pace_target: 'long' as const }] } : easy(15_000),
      })),
    };
    const v = find(checkPlan(p, ctx({ profile: { ...big, days_available_per_week: 6 } })), 'long_run_cap');
    expect(v[0]!.reason).toMatch(/150 min/);
  });

  it('easy_share: threshold running in half the sessions', () => {
    const p = plan(GOOD);
    for (const w of [1, 2, 3])
      for (const d of [2, 4])
        replace(p, `w${w}-${d}`, {
          workout_type: 'threshold',
          structure: { segments: [{ type: 'steady', duration_seconds: 1200, pace_target: 'threshold' }] },
        });
    const v = find(checkPlan(p, ctx()), 'easy_share');
    expect(v.length).toBeGreaterThan(0);
    expect(v[0]!.reason).toMatch(/^Only \d+% of your running time is easy in weeks \d+–\d+: keep at least 75–80% of it easy/);
  });

  it('session_limit: threshold over 10% of the week', () => {
    const p = replace(plan(GOOD), 'w4-2', {
      workout_type: 'threshold',
      structure: {
        segments: [
          { type: 'warmup', distance_meters: 2000 },
          { type: 'steady', distance_meters: 4500, pace_target: 'threshold' },
          { type: 'cooldown', distance_meters: 2000 },
        ],
      },
    });
    const v = find(checkPlan(p, ctx()), 'session_limit');
    expect(v[0]).toMatchObject({ workout_id: 'w4-2', severity: 'soft' });
    expect(v[0]!.reason).toMatch(/^4\.5 km at threshold pace on 2026-03-31 is more than 10% of that week's .*: shorten the threshold part/);
  });

  it('bout_length: interval bouts over 5 min, and repetitions without 2× rest', () => {
    const p = plan(GOOD);
    replace(p, 'w4-2', {
      workout_type: 'intervals',
      structure: {
        segments: [
          { type: 'warmup', distance_meters: 2000 },
          { type: 'interval', repeats: 2, work: { duration_seconds: 420, pace_target: 'interval' }, recovery: { duration_seconds: 180, pace_target: 'jog' } },
          { type: 'cooldown', distance_meters: 2000 },
        ],
      },
    });
    replace(p, 'w5-2', {
      workout_type: 'repetition',
      structure: {
        segments: [
          { type: 'warmup', distance_meters: 3000 },
          { type: 'interval', repeats: 4, work: { duration_seconds: 40, pace_target: 'repetition' }, recovery: { duration_seconds: 40, pace_target: 'jog' } },
          { type: 'cooldown', distance_meters: 3000 },
        ],
      },
    });
    const v = find(checkPlan(p, ctx()), 'bout_length');
    expect(v.map((x) => x.reason)).toEqual([
      expect.stringMatching(/^The interval repeats on 2026-03-31 are longer than 5 min: interval repeats work best at 3–5 min each/),
      expect.stringMatching(/^The rests between the fast repeats on 2026-04-07 are too short: rest 2–3 times as long/),
    ]);
  });

  it('recovery_week: four building weeks in a row', () => {
    const v = find(checkPlan(plan([32, 33, 34, 35, 36]), ctx()), 'recovery_week');
    expect(v[0]).toMatchObject({ week: 3, severity: 'soft' });
  });

  it('recovery_week: interval work in a week marked as recovery', () => {
    const p = { ...plan(GOOD), weeks: GOOD.map((_, i) => ({ index: i, start_date: addDays(START, 7 * i), is_recovery: i === 3 })) };
    replace(p, 'w3-2', {
      workout_type: 'intervals',
      structure: {
        segments: [
          { type: 'warmup', distance_meters: 2000 },
          { type: 'interval', repeats: 3, work: { duration_seconds: 180, pace_target: 'interval' }, recovery: { duration_seconds: 150, pace_target: 'jog' } },
          { type: 'cooldown', distance_meters: 1500 },
        ],
      },
    });
    const v = find(checkPlan(p, ctx()), 'recovery_week');
    expect(v[0]).toMatchObject({ week: 3, workout_id: 'w3-2' });
    expect(v[0]!.reason).toContain('no R or I');
  });

  const race: Goal = { kind: 'race', target_race_distance_meters: 10_000, target_race_date: addDays(START, 42), target_time_seconds: 2700 };
  const raceDay = (p: ReturnType<typeof plan>) => {
    p.workouts.push({
      id: 'race',
      scheduled_date: race.kind === 'race' ? race.target_race_date : '',
      workout_type: 'race',
      structure: { segments: [{ type: 'steady', distance_meters: 10_000, pace_target: 'race' }] },
    });
    return p;
  };

  it('taper: no volume drop before the race is hard', () => {
    const v = find(checkPlan(raceDay(plan([32, 34, 36, 27, 36, 36])), ctx({ goal: race })), 'taper');
    expect(v[0]).toMatchObject({ severity: 'hard' });
    expect(v[0]!.reason).toMatch(/last 7 days/);
  });

  it('taper: a taper with no intensity at all is soft', () => {
    const v = find(checkPlan(raceDay(plan([32, 34, 36, 27, 34, 17])), ctx({ goal: race })), 'taper');
    expect(v).toEqual([expect.objectContaining({ severity: 'soft', reason: expect.stringContaining('Keep some faster running in the taper') })]);
  });

  const marathonIn = (weeks: number): Goal => ({
    kind: 'race',
    target_race_distance_meters: 42_195,
    target_race_date: addDays(START, 7 * weeks),
    target_time_seconds: null,
  });
  const withRace = (p: ReturnType<typeof plan>, goal: Goal) => {
    if (goal.kind !== 'race') return p;
    p.workouts.push({
      id: 'race',
      scheduled_date: goal.target_race_date,
      workout_type: 'race',
      structure: { segments: [{ type: 'steady', distance_meters: 42_195, pace_target: 'race' }] },
    });
    return p;
  };

  it('race_readiness: a marathon plan whose long run and weeks stay short says so, softly', () => {
    const goal = marathonIn(16);
    // 14 weeks from a 14 km long run can reach 18 mi; this plan never runs past 10 km.
    const runner = { ...profile, longest_recent_run_meters: 14_000 };
    const p = withRace(plan([32, 34, 36, 27, 36, 38, 40, 30, 40, 40, 40, 30, 40, 40, 30, 20]), goal);
    const v = find(checkPlan(p, ctx({ goal, profile: runner })), 'race_readiness');
    expect(v.map((x) => x.severity)).toEqual(['soft', 'soft']);
    expect(v[0]!.reason).toMatch(/^Your longest run before the marathon is 10\.0 km \(6\.2 mi\); a marathon plan builds it to at least 18 mi/);
    expect(v[1]!.reason).toMatch(/^Your biggest week before the marathon is 40\.0 km/);
    // A Pfitzinger plan is held to its own 20 mi.
    const pfitz = { ...withRace(plan([32, 34, 36]), goal), methodology: 'pfitzinger' };
    expect(find(checkPlan(pfitz, ctx({ goal, profile: runner })), 'race_readiness')[0]!.reason).toMatch(/a Pfitzinger marathon plan builds it to 20 mi/);
  });

  it('race_time_short: with too few weeks, a plan that builds as far as they allow is told why it stops short; one that stops well short is a race_readiness finding', () => {
    const goal = marathonIn(5);
    // Three weeks can build before a marathon taper: the 10 km long run to about 13.3 km, the week to about 40.6 km.
    const short = withRace(plan([34, 37, 42, 27, 20]), goal);
    replace(short, 'w2-0', { structure: easy(13_000) });
    const found = checkPlan(short, ctx({ goal }));
    expect(find(found, 'race_readiness')).toEqual([]);
    const why = find(found, 'race_time_short');
    expect(why.map((x) => x.severity)).toEqual(['soft', 'soft']);
    expect(why[0]!.reason).toMatch(
      /^A marathon calls for a long run of 18 mi; the 3 weeks to build allow about 13\.3 km \(8\.3 mi\) without a risky jump, and this plan reaches 13\.0 km .* A later race/,
    );
    const v = find(checkPlan(withRace(plan([16, 16, 16, 12, 10]), goal), ctx({ goal })), 'race_readiness');
    expect(v[0]!.reason).toMatch(
      /^Your longest run before the marathon is 4\.0 km .* cannot reach the 18 mi a marathon calls for, but they allow a long run of about 13\.3 km/,
    );
  });

  it('race_readiness: a plan made for a mileage goal is not judged against a race', () => {
    expect(find(checkPlan(plan(GOOD), ctx()), 'race_readiness')).toEqual([]);
  });

  // docs/TRAINING.md §Taper: 5–10 km cut the volume 20–30%; a marathon's last week is ~45% of peak.
  it('taper: a 10 km race may keep 75% of peak in its last 7 days; a marathon may not', () => {
    const tenK = find(checkPlan(raceDay(plan([32, 34, 36, 27, 36, 27])), ctx({ goal: race })), 'taper');
    expect(tenK.filter((v) => /last 7 days/.test(v.reason))).toEqual([]);
    const marathon: Goal = { ...race, target_race_distance_meters: 42_195 } as Goal;
    const p = raceDay(plan([32, 34, 36, 27, 36, 27]));
    const v = find(checkPlan(p, ctx({ goal: marathon })), 'taper').filter((x) => /last 7 days/.test(x.reason));
    expect(v[0]!.reason).toMatch(/^The last 7 days before the race hold 27\.0 km, 75% of your 36\.0 km peak week: cut them to 60% or less/);
  });

  it('race_day: a race goal without the race is hard', () => {
    const v = find(checkPlan(plan([32, 34, 36, 27, 34, 17]), ctx({ goal: race })), 'race_day');
    expect(v[0]).toMatchObject({ severity: 'hard', date: addDays(START, 42) });
  });

  it('days_available: five running days for a four-day runner', () => {
    const p = plan(GOOD);
    p.workouts.push({ id: 'extra', scheduled_date: addDays(START, 7 + 6), workout_type: 'easy', structure: easy(2000) });
    const v = find(checkPlan(p, ctx()), 'days_available');
    expect(v[0]).toMatchObject({ week: 1, severity: 'hard' });
  });

  it('hard_days_in_row: threshold then intervals the next day', () => {
    const p = plan(GOOD);
    replace(p, 'w5-4', {
      workout_type: 'threshold',
      structure: {
        segments: [
          { type: 'warmup', distance_meters: 2500 },
          { type: 'steady', distance_meters: 2000, pace_target: 'threshold' },
          { type: 'cooldown', distance_meters: 2500 },
        ],
      },
    });
    replace(p, 'w5-5', {
      workout_type: 'intervals',
      structure: {
        segments: [
          { type: 'warmup', distance_meters: 2500 },
          { type: 'interval', repeats: 3, work: { duration_seconds: 180, pace_target: 'interval' }, recovery: { duration_seconds: 150, pace_target: 'jog' } },
          { type: 'cooldown', distance_meters: 2000 },
        ],
      },
    });
    const v = find(checkPlan(p, ctx()), 'hard_days_in_row');
    expect(v[0]).toMatchObject({ workout_id: 'w5-5', date: addDays(START, 40) });
  });

  it('injury: strides are flagged and the ramp limit drops to 5%', () => {
    const hurt = { ...profile, injury_notes: 'sore achilles' };
    const p = replace(plan(GOOD), 'w1-2', {
      structure: {
        segments: [
          { type: 'steady', distance_meters: 7000 },
          { type: 'interval', repeats: 4, work: { duration_seconds: 20, pace_target: 'repetition' }, recovery: { duration_seconds: 60, pace_target: 'jog' } },
        ],
      },
    });
    expect(find(checkPlan(p, ctx()), 'injury')).toHaveLength(0);
    expect(find(checkPlan(p, ctx({ profile: hurt })), 'injury')[0]).toMatchObject({ workout_id: 'w1-2' });
    const ramp = find(checkPlan(plan([32, 34.5]), ctx({ profile: hurt })), 'weekly_ramp');
    expect(ramp[0]!.reason).toContain('injury');
  });

  it('ignores the past: violations before today are not reported', () => {
    const p = plan([32, 34, 45, 30, 31]);
    expect(find(checkPlan(p, ctx()), 'weekly_ramp')).not.toHaveLength(0);
    expect(find(checkPlan(p, ctx({ today: addDays(START, 21) })), 'weekly_ramp')).toHaveLength(0);
  });

  it('isSavable is false only with a hard violation', () => {
    expect(isSavable([{ rule: 'weekly_ramp', severity: 'soft', reason: '' }])).toBe(true);
    expect(isSavable([{ rule: 'race_day', severity: 'hard', reason: '' }])).toBe(false);
  });

  it('reports only the rules a case breaks', () => {
    expect(rules(checkPlan(plan([32, 34, 39, 31]), ctx()))).toEqual(['weekly_ramp']);
  });
});

describe('what a change brings that was not there before', () => {
  const ramp = (reason: string, date = '2026-04-06'): Violation => ({ rule: 'fitness_ramp', severity: 'soft', date, reason });
  const spike = (reason: string): Violation => ({ rule: 'single_run_spike', severity: 'hard', date: '2026-04-08', reason });

  it('is not warned again about a load finding whose numbers only moved, but is about one on a new date', () => {
    expect(newFindings([ramp('fitness rises 7.4 a week')], [ramp('fitness rises 7.9 a week')])).toEqual([]);
    expect(newFindings([ramp('fitness rises 7.4 a week')], [ramp('fitness rises 7.4 a week', '2026-04-13')])).toEqual([
      ramp('fitness rises 7.4 a week', '2026-04-13'),
    ]);
  });

  it('is warned (or refused) for a guardrail finding in new words: a worse spike is a new finding', () => {
    expect(newFindings([spike('12 km is 40% over your longest')], [spike('12 km is 40% over your longest')])).toEqual([]);
    expect(newFindings([spike('12 km is 40% over your longest')], [spike('16 km is 87% over your longest')])).toEqual([
      spike('16 km is 87% over your longest'),
    ]);
  });
});
