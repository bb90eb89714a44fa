/**
 * The published reference ranges the plan-quality report judges a plan by, in one table with
 * its sources (docs/TRAINING.md §Methodologies, §"Safety guardrails" and §"Beginner floor"). These
 * are the published plans "as commonly summarised": approximate, for judging shape.
 */
import type { Methodology } from '../schema/plan.ts';
import type { PlanFigures, QualityRunner } from './plan-quality.ts';
import { raceBucket, type RaceBucket } from './rules.ts';

export type FigureName = Exclude<keyof PlanFigures, 'easy_pace_per_mile'>;

/** A reference range for one figure: inclusive bounds (either may be open) and where it comes from. */
export interface Reference {
  min?: number;
  max?: number;
  source: string;
}

type Distance = RaceBucket | '5k';
type PerMethod = Record<Methodology, [number, number]>;

/** Sources, named once. */
const SRC = {
  daniels: "Daniels' Running Formula",
  pfitz: 'Pfitzinger & Douglas, Advanced Marathoning / Faster Road Racing',
  fitz: 'Fitzgerald, 80/20 Running',
  higdon: 'Higdon Novice plans (docs/TRAINING.md §"Beginner floor")',
  guard: 'docs/TRAINING.md §"Safety guardrails"',
  sessions: 'docs/TRAINING.md §Sessions (sessions progress; no two identical weeks in a row)',
  taper: 'docs/TRAINING.md §Taper (by distance)',
} as const;

/**
 * THE TABLE. Miles, minutes and fractions. `peak` is the lowest peak week of the methodology's
 * published plans for the distance (the plan climbs to at least this, or holds the runner's own
 * volume when that is higher); `long` the longest run; `first` the beginner floor's values.
 */
export const REFERENCE = {
  peak_week: {
    marathon: { daniels: 40, pfitzinger: 55, '80/20': 40 } as Record<Methodology, number>, // 18/55 is Pfitzinger's lowest plan
    half: { daniels: 30, pfitzinger: 35, '80/20': 30 } as Record<Methodology, number>,
    short: { daniels: 25, pfitzinger: 30, '80/20': 25 } as Record<Methodology, number>,
    '5k': { daniels: 20, pfitzinger: 25, '80/20': 20 } as Record<Methodology, number>,
    first: { marathon: [35, 45], half: [18, 30], short: [15, 25], '5k': [10, 20] } as Record<Distance, [number, number]>,
    /** How far above the floor (or the runner's volume) a peak may sit. */
    headroom: 1.2,
  },
  long_run: {
    marathon: { daniels: [15, 18], pfitzinger: [19.5, 21], '80/20': [15, 20] } as PerMethod, // 80/20: ~2:30–3:00; Pfitzinger 20 mi
    marathon_70: [20.5, 22.5] as [number, number], // Pfitzinger 18/70: 22 mi
    half: { daniels: [11, 15], pfitzinger: [13, 17], '80/20': [11, 16] } as PerMethod,
    short: { daniels: [8, 13], pfitzinger: [10, 15], '80/20': [8, 14] } as PerMethod,
    '5k': { daniels: [6, 12], pfitzinger: [8, 13], '80/20': [6, 12] } as PerMethod,
    first: { marathon: [18, 20.5], half: [10, 12.5], short: [6, 9], '5k': [3.5, 7] } as Record<Distance, [number, number]>,
    /** Daniels: the long run ≤ min(25–30% of the week, 150 min). */
    danielsShare: 0.3,
    danielsMinutes: 150,
  },
  // "Two or three runs ≥ 18 mi" (18/55); 18/70 runs 17–22 mi most build weekends.
  runs_18_plus: { pfitzinger: [2, 5] as [number, number], pfitzinger_70: [3, 8] as [number, number], first: [1, 4] as [number, number] },
  medium_long: { pfitzinger: [0.7, 2.2] as [number, number], pfitzinger_70: [1.2, 2.2] as [number, number] },
  quality: { daniels: [1.8, 2.2], pfitzinger: [1.5, 3], '80/20': [2, 3] } as PerMethod,
  quality_few_days: [1, 2.5] as [number, number], // ≤ 4 days a week (a fast-finish long run is one of them)
  quality_first: [0, 2.5] as [number, number], // Higdon's Novice plans have none; 80/20's level 1 has 2–3
  threshold_minutes: { daniels: [20, 40], pfitzinger: [25, 50], '80/20': [20, 40] } as PerMethod, // tempo 20 → 40 min; LT 4–7 mi
  threshold_minutes_first: [0, 30] as [number, number],
  marathon_pace_miles: { daniels: [6, 14], pfitzinger: [8, 14], '80/20': [4, 14] } as PerMethod, // M segments 6 → 14 mi; MP long runs 8–14 mi
  marathon_pace_first: [2, 10] as [number, number],
  // Daniels' two Q days (T ≤ 10%, I ≤ 8%, R ≤ 5% of the week) and Pfitzinger's LT and MP runs come to
  // 10–20% of the time, warm-ups and jogs counted easy; 80/20 is ~80% by its name.
  easy_share: { daniels: [0.75, 0.9], pfitzinger: [0.75, 0.9], '80/20': [0.75, 0.85] } as PerMethod,
  easy_share_first: [0.8, 1] as [number, number],
  identical_week_streak: 1,
  worst_ramp: 0.1,
  taper_cut: { marathon: [0.4, 0.6], half: [0.3, 0.55], short: [0.2, 0.45], '5k': [0.2, 0.45] } as Record<Distance, [number, number]>,
  first_week: [0.8, 1.2] as [number, number],
} as const;

const METHOD_SOURCE: Record<Methodology, string> = { daniels: SRC.daniels, pfitzinger: SRC.pfitz, '80/20': SRC.fitz };

function distanceOf(meters: number): Distance {
  return meters <= 6000 ? '5k' : raceBucket(meters);
}

/** The reference range of every figure that has one, for this runner and the plan's own peak week. */
export function referenceRanges(runner: QualityRunner, figures: PlanFigures): Partial<Record<FigureName, Reference>> {
  const out: Partial<Record<FigureName, Reference>> = {};
  const m = runner.methodology;
  const first = runner.first_at_distance;
  const current = runner.profile.current_weekly_mileage_miles;
  const few = runner.profile.days_available_per_week <= 4;
  const range = ([min, max]: readonly [number, number], source: string): Reference => ({ min, max, source });

  if (runner.goal.kind === 'race') {
    const d = distanceOf(runner.goal.target_race_distance_meters);
    const methodSource = first ? SRC.higdon : METHOD_SOURCE[m];
    if (first) out.peak_week_miles = range(REFERENCE.peak_week.first[d], SRC.higdon);
    else {
      const floor = Math.max(REFERENCE.peak_week[d][m], 0.95 * current);
      out.peak_week_miles = {
        min: floor,
        max: Math.max(floor, current) * REFERENCE.peak_week.headroom,
        source: `${methodSource}; never below your current volume`,
      };
    }
    let long: [number, number] = first
      ? [...REFERENCE.long_run.first[d]]
      : d === 'marathon' && m === 'pfitzinger' && current >= 65
        ? [...REFERENCE.long_run.marathon_70]
        : [...REFERENCE.long_run[d][m]];
    if (m === 'daniels' && !first) {
      const cap = Math.min(REFERENCE.long_run.danielsShare * figures.peak_week_miles, (REFERENCE.long_run.danielsMinutes * 60) / figures.easy_pace_per_mile);
      // Daniels caps the long run at min(25–30% of the week, 150 min): the range ends at the cap.
      // Every methodology honours the beginner floor (docs/TRAINING.md §"Beginner floor"): it may lift the end of the range.
      long = [Math.min(long[0], 0.85 * cap), Math.max(Math.min(long[1], cap + 0.25), REFERENCE.long_run.first[d][0] + 0.5)];
    }
    out.longest_run_miles = range(long, first ? SRC.higdon : METHOD_SOURCE[m]);
    if (d === 'marathon') {
      if (first) out.runs_18_plus = range(REFERENCE.runs_18_plus.first, SRC.higdon);
      else if (m === 'pfitzinger')
        out.runs_18_plus = range(current >= 65 ? REFERENCE.runs_18_plus.pfitzinger_70 : REFERENCE.runs_18_plus.pfitzinger, SRC.pfitz);
      if (m === 'pfitzinger' && !first)
        out.medium_long_per_build_week = range(current >= 65 ? REFERENCE.medium_long.pfitzinger_70 : REFERENCE.medium_long.pfitzinger, SRC.pfitz);
      out.max_marathon_pace_miles = range(first ? REFERENCE.marathon_pace_first : REFERENCE.marathon_pace_miles[m], methodSource);
    }
    out.taper_cut = range(REFERENCE.taper_cut[d], SRC.taper);
  }
  out.quality_per_build_week = first
    ? range(REFERENCE.quality_first, SRC.higdon)
    : range(few ? REFERENCE.quality_few_days : REFERENCE.quality[m], few ? `${METHOD_SOURCE[m]} (4 days a week or fewer)` : METHOD_SOURCE[m]);
  out.max_threshold_minutes = range(first ? REFERENCE.threshold_minutes_first : REFERENCE.threshold_minutes[m], first ? SRC.higdon : METHOD_SOURCE[m]);
  out.easy_share = range(first ? REFERENCE.easy_share_first : REFERENCE.easy_share[m], first ? SRC.higdon : `${METHOD_SOURCE[m]}; ${SRC.guard}`);
  out.identical_week_streak = { max: REFERENCE.identical_week_streak, source: SRC.sessions };
  out.worst_ramp = { max: REFERENCE.worst_ramp, source: SRC.guard };
  out.first_week_ratio = range(REFERENCE.first_week, SRC.guard);
  return out;
}

/** One judged figure: its value beside its range, and whether it is inside. */
export interface JudgedFigure {
  figure: FigureName;
  value: number | null;
  reference: Reference | null;
  ok: boolean | null;
}

/** Figures are rounded estimates: half a percent of the bound (at least 0.005) is within it. */
const slack = (bound: number) => Math.max(0.005, 0.005 * Math.abs(bound));

/** Judges every figure against its reference (figures without one are reported with ok null). */
export function judgeFigures(figures: PlanFigures, refs: Partial<Record<FigureName, Reference>>): JudgedFigure[] {
  const names = Object.keys(figures).filter((k): k is FigureName => k !== 'easy_pace_per_mile');
  return names.map((figure) => {
    const value = figures[figure];
    const reference = refs[figure] ?? null;
    if (reference === null || value === null) return { figure, value, reference, ok: null };
    const ok =
      (reference.min === undefined || value >= reference.min - slack(reference.min)) &&
      (reference.max === undefined || value <= reference.max + slack(reference.max));
    return { figure, value, reference, ok };
  });
}
