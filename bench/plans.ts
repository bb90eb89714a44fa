/**
 * Benchmark: the plan-quality report (issue 17 §6). Every panel runner's plan, measured the way a
 * knowledgeable runner reads it, each figure beside the published reference range for that runner
 * (shared/training/plan-quality-reference.ts names the sources), with yes/no.
 */
import { generatePlan } from '../shared/training/engine.ts';
import { QUALITY_PANEL, panelInput } from '../shared/training/plan-quality-panel.ts';
import { judgeFigures, planFigures, referenceRanges, type FigureName, type Reference } from '../shared/training/plan-quality.ts';
import type { BenchFigure } from './lib.ts';

const UNITS: Record<FigureName, string> = {
  peak_week_miles: 'mi',
  longest_run_miles: 'mi',
  runs_18_plus: 'runs',
  medium_long_per_build_week: '/build wk',
  quality_per_build_week: '/build wk',
  max_threshold_minutes: 'min at T',
  max_marathon_pace_miles: 'mi at M',
  easy_share: 'of time',
  identical_week_streak: 'weeks',
  worst_ramp: '',
  taper_cut: '',
  first_week_ratio: '× current',
};

const LABELS: Record<FigureName, string> = {
  peak_week_miles: 'peak week',
  longest_run_miles: 'longest run',
  runs_18_plus: 'runs ≥ 18 mi',
  medium_long_per_build_week: 'medium-long runs',
  quality_per_build_week: 'quality sessions',
  max_threshold_minutes: 'T in one session',
  max_marathon_pace_miles: 'M in one session',
  easy_share: 'easy share by time',
  identical_week_streak: 'identical weeks in a row',
  worst_ramp: 'worst 7-day ramp',
  taper_cut: 'taper cut (last 7 days)',
  first_week_ratio: 'first week vs current',
};

const PERCENT = new Set<FigureName>(['easy_share', 'worst_ramp', 'taper_cut']);

function target(figure: FigureName, r: Reference): string {
  const f = (x: number) => (PERCENT.has(figure) ? `${Math.round(x * 100)}%` : `${Math.round(x * 100) / 100}`);
  if (r.min !== undefined && r.max !== undefined) return `${f(r.min)}–${f(r.max)}`;
  if (r.min !== undefined) return `≥ ${f(r.min)}`;
  return `≤ ${f(r.max!)}`;
}

/** The report: one line per figure per panel plan, plus how many figures are in range. */
export async function benchPlans(): Promise<BenchFigure[]> {
  const rows: BenchFigure[] = [];
  let inRange = 0;
  let judged = 0;
  for (const runner of QUALITY_PANEL) {
    const result = generatePlan(panelInput(runner));
    if (!result.ok) throw new Error(`panel runner "${runner.label}" is refused: ${JSON.stringify(result.issues)}`);
    const figures = planFigures(result.plan, runner.profile);
    for (const j of judgeFigures(figures, referenceRanges(runner, figures))) {
      // Figures without a reference for this runner (runs ≥ 18 mi outside a marathon) are left out.
      if (j.reference === null || j.value === null) continue;
      const scale = PERCENT.has(j.figure) ? 100 : 1;
      rows.push({
        name: `${runner.label}: ${LABELS[j.figure]}`,
        value: Math.round(j.value * scale * 100) / 100,
        unit: PERCENT.has(j.figure) ? '%' : UNITS[j.figure],
        target: target(j.figure, j.reference),
        ok: j.ok ?? false,
      });
      judged++;
      if (j.ok) inRange++;
    }
  }
  rows.push({
    name: 'plans: figures inside their reference range',
    value: inRange,
    unit: `of ${judged}`,
    target: `${judged} of ${judged}`,
    ok: inRange === judged,
  });
  return Promise.resolve(rows);
}
