/** Benchmark: generating and checking a plan, the work behind POST /api/plans/generate. */
import { generatePlan } from '../shared/training/engine.ts';
import { checkPlan, isSavable } from '../shared/training/guardrails.ts';
import { LOAD_RULES } from '../shared/training/load-plan.ts';
import type { GenerateInput } from '../shared/training/engine.ts';
import { medianMs, type BenchFigure } from './lib.ts';

/** Median time to generate AND check an 18-week marathon plan. */
export async function benchTraining(): Promise<BenchFigure[]> {
  let n = 0;
  const input: GenerateInput = {
    profile: { current_weekly_mileage_miles: 30, days_available_per_week: 5, easy_pace_per_mile_seconds: 570, injury_notes: null },
    goal: { kind: 'race', target_race_distance_meters: 42_195, target_race_date: '2026-06-07', target_time_seconds: 4 * 3600 },
    start_date: '2026-02-01',
    today: '2026-02-01',
    methodology: 'pfitzinger',
    newId: () => `w${++n}`,
  };
  const once = () => {
    const r = generatePlan(input);
    if (!r.ok) throw new Error('bench input is invalid');
    const violations = checkPlan(r.plan, { profile: input.profile, goal: input.goal, today: input.today });
    // Soft findings (the load forecast's advice on race-day form) are part of the report, not a failure.
    if (!isSavable(violations) || violations.some((v) => v.severity === 'soft' && !LOAD_RULES.has(v.rule))) throw new Error('bench plan broke a guardrail');
  };
  const ms = await medianMs(once, 200, 20);
  return [{ name: 'plan: generate + check 18-week marathon', value: Math.round(ms * 100) / 100, unit: 'ms', target: '< 50 ms', ok: ms < 50 }];
}
