/**
 * Fitness (CTL), fatigue (ATL) and form (TSB) per day, as TrainingPeaks' Performance Manager
 * defines them (Coggan/Allen, after Banister's impulse-response model):
 *   CTL_d = CTL_{d−1} + (load_d − CTL_{d−1}) / ctl_days   (42 by default)
 *   ATL_d = ATL_{d−1} + (load_d − ATL_{d−1}) / atl_days   (7 by default)
 *   TSB_d = CTL_{d−1} − ATL_{d−1}: form at the START of day d, before its run (so race-day form
 *           is what the runner toes the line with);
 *   ramp_d = CTL_d − CTL_{d−7}: fitness points gained over the last week.
 * From `today` on, the plan's open workouts stand in for runs: that stretch is the forecast.
 */
import type { FormBand, LoadDay } from '../schema/load.ts';
import { fromDayNumber, toDayNumber } from './dates.ts';

export interface LoadConstants {
  ctl_days: number;
  atl_days: number;
}

export const DEFAULT_LOAD_CONSTANTS: LoadConstants = { ctl_days: 42, atl_days: 7 };

/** Days of history before a range that make its first CTL right to within ~0.3% (e^−6). */
export function warmupDays(constants: LoadConstants = DEFAULT_LOAD_CONSTANTS): number {
  return Math.ceil(6 * constants.ctl_days);
}

/** A load on a day (several on one day add up). */
export interface DatedLoad {
  date: string;
  load: number;
}

export interface LoadSeriesInput {
  /** First and last day returned (both included). */
  from: string;
  to: string;
  /** Loads of done runs; those before `from` build up the starting fitness. */
  done: readonly DatedLoad[];
  /** The plan's open workouts: counted from `today` on (before it they were missed). */
  planned?: readonly DatedLoad[];
  /** The day the forecast starts; without it every planned load counts. */
  today?: string;
  constants?: Partial<LoadConstants>;
  /** CTL and ATL at the end of the day before the first day computed (both 0 by default). */
  start?: { ctl: number; atl: number };
}

/**
 * Form bands (TSB), thresholds as TrainingPeaks/Friel and intervals.icu draw them: above +25,
 * +5 < TSB ≤ +25, −10 ≤ TSB ≤ +5, −30 ≤ TSB < −10, below −30. A band holds TSB ≥ `min` (> when
 * `exclusive`); `words` is what the app says, `why` the one-line reason for the edge.
 */
export const FORM_BAND_TABLE: readonly { band: FormBand; min: number; exclusive: boolean; words: string; why: string }[] = [
  {
    band: 'detraining',
    min: 25,
    exclusive: true,
    words: 'very fresh: rested so long that fitness is fading',
    why: 'a week or more of little load: CTL falls faster than fatigue can clear further',
  },
  {
    band: 'fresh',
    min: 5,
    exclusive: true,
    words: 'fresh: ready to race or test yourself',
    why: 'fatigue well below fitness: the band most runners race best in (+5…+25)',
  },
  { band: 'neutral', min: -10, exclusive: false, words: 'neutral: keeping fitness, no big gains', why: 'load close to what you are used to: maintenance' },
  {
    band: 'productive',
    min: -30,
    exclusive: false,
    words: 'productive: training is building fitness',
    why: 'a bit more load than you are used to: the stress that makes you fitter',
  },
  {
    band: 'overreaching',
    min: -Infinity,
    exclusive: false,
    words: 'overreaching: rest soon, injury and illness risk rise',
    why: 'fatigue far above fitness for long: rest days or a recovery week needed',
  },
];

/** The form band of a TSB. */
export function formBand(tsb: number): FormBand {
  for (const row of FORM_BAND_TABLE) if (row.exclusive ? tsb > row.min : tsb >= row.min) return row.band;
  return 'overreaching';
}

/** What a band means, in a runner's words. */
export function formWords(band: FormBand): string {
  return FORM_BAND_TABLE.find((row) => row.band === band)?.words ?? band;
}

/** The days `from`..`to` with load, planned load, CTL, ATL, TSB, ramp and form band. */
export function loadSeries(input: LoadSeriesInput): LoadDay[] {
  const constants = { ...DEFAULT_LOAD_CONSTANTS, ...input.constants };
  const fromDay = toDayNumber(input.from);
  const toDay = toDayNumber(input.to);
  const todayDay = input.today === undefined ? null : toDayNumber(input.today);
  const done = new Map<number, number>();
  let firstDay = fromDay;
  for (const item of input.done) {
    const day = toDayNumber(item.date);
    if (day > toDay || !(item.load > 0)) continue;
    done.set(day, (done.get(day) ?? 0) + item.load);
    if (day < firstDay) firstDay = day;
  }
  const planned = new Map<number, number>();
  for (const item of input.planned ?? []) {
    const day = toDayNumber(item.date);
    if (day > toDay || !(item.load > 0) || (todayDay !== null && day < todayDay)) continue;
    planned.set(day, (planned.get(day) ?? 0) + item.load);
    if (day < firstDay) firstDay = day;
  }

  const kCtl = 1 / constants.ctl_days;
  const kAtl = 1 / constants.atl_days;
  let ctl = input.start?.ctl ?? 0;
  let atl = input.start?.atl ?? 0;
  // CTL at the end of each of the last 7 days, for the ramp (the start value stands before day one).
  const lastWeek = new Array<number>(7).fill(ctl);
  const out: LoadDay[] = [];
  for (let day = firstDay; day <= toDay; day++) {
    const doneLoad = done.get(day) ?? 0;
    const plannedLoad = planned.get(day) ?? 0;
    const total = doneLoad + plannedLoad;
    const tsb = ctl - atl;
    ctl += (total - ctl) * kCtl;
    atl += (total - atl) * kAtl;
    const slot = (((day - firstDay) % 7) + 7) % 7;
    const ramp = ctl - lastWeek[slot]!;
    lastWeek[slot] = ctl;
    if (day < fromDay) continue;
    out.push({
      date: fromDayNumber(day),
      load: doneLoad,
      planned: plannedLoad,
      ctl,
      atl,
      tsb,
      ramp,
      band: formBand(tsb),
      forecast: todayDay !== null && day >= todayDay,
    });
  }
  return out;
}
