/**
 * What the load forecast says about a plan (issue 23 §6), for the plan-quality report: a fitness
 * ramp steeper than the body adapts to, and race-day form outside the band runners race best in.
 * Soft findings only: they explain, they never block saving (the guardrails do that).
 */
import type { LoadDay, LoadFinding } from '../schema/load.ts';
import { formBand, formWords } from './load-series.ts';

export const LOAD_CHECK = {
  /** CTL points per week: ~5–7 is the usual ceiling (TrainingPeaks/Friel); 7 for a healthy runner. */
  maxRampPerWeek: 7,
  /** With injury notes, the lower end of that range. */
  maxRampPerWeekInjured: 5,
  /** Race-day form (TSB at the start of race day) runners race best in, at typical fitness (CTL ~60). */
  raceForm: { min: 5, max: 15 },
  /**
   * Form is fatigue measured against fitness (intervals.icu reads it as a share of CTL), so for
   * very low or very high fitness the band's edges move out to this share of CTL: a beginner at
   * CTL 8 cannot reach +5 without a week off (TSB ≤ CTL), and a runner at CTL 100 who tapers to
   * the 60%-of-peak the taper rule allows arrives near +25, the top of TrainingPeaks' race band.
   */
  raceFormShareOfFitness: 0.25,
} as const;

/** The race-day form band for a runner whose fitness (CTL) on race day is `ctl`. */
export function raceFormBand(ctl: number, band: { min: number; max: number } = LOAD_CHECK.raceForm): { min: number; max: number } {
  const share = LOAD_CHECK.raceFormShareOfFitness * Math.max(0, ctl);
  return { min: Math.min(band.min, share), max: Math.max(band.max, share) };
}

export interface LoadCheckOptions {
  /** Findings are about days from here on: the past cannot be changed. */
  today?: string;
  /** The goal race's day, for race plans. */
  raceDate?: string;
  injured?: boolean;
  maxRampPerWeek?: number;
  raceForm?: { min: number; max: number };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const signed = (x: number) => (x > 0 ? `+${round1(x)}` : `${round1(x)}`);

/** Reports a too-steep fitness ramp (one finding per stretch, at its peak) and race-day form outside the band. */
export function checkLoadForecast(days: readonly LoadDay[], options: LoadCheckOptions = {}): LoadFinding[] {
  const limit = options.maxRampPerWeek ?? (options.injured ? LOAD_CHECK.maxRampPerWeekInjured : LOAD_CHECK.maxRampPerWeek);
  const findings: LoadFinding[] = [];
  let peak: LoadDay | null = null;
  const flush = () => {
    if (!peak) return;
    findings.push({
      rule: 'fitness_ramp',
      severity: 'soft',
      date: peak.date,
      value: round1(peak.ramp),
      reason: `Around ${peak.date} your fitness climbs ${round1(peak.ramp)} points a week; more than ${limit} a week is more new load than the body adapts to safely. Spread the build over more weeks or add an easier week.`,
    });
    peak = null;
  };
  for (const day of days) {
    if (options.today !== undefined && day.date < options.today) continue;
    if (day.ramp > limit) {
      if (!peak || day.ramp > peak.ramp) peak = day;
    } else flush();
  }
  flush();

  if (options.raceDate !== undefined) {
    const race = days.find((d) => d.date === options.raceDate);
    if (race && (options.today === undefined || race.date >= options.today)) {
      const band = raceFormBand(race.ctl, options.raceForm);
      const words = formWords(formBand(race.tsb));
      if (race.tsb < band.min) {
        findings.push({
          rule: 'race_day_form',
          severity: 'soft',
          date: race.date,
          value: round1(race.tsb),
          reason: `On race day your form is forecast at ${signed(race.tsb)} (${words}): you would start the race still tired. A longer or deeper taper helps; aim for ${signed(Math.round(band.min))} to ${signed(Math.round(band.max))}.`,
        });
      } else if (race.tsb > band.max) {
        findings.push({
          rule: 'race_day_form',
          severity: 'soft',
          date: race.date,
          value: round1(race.tsb),
          reason: `On race day your form is forecast at ${signed(race.tsb)}: fresher than a race needs, so the taper gives back more fitness than it has to. A shorter or lighter taper keeps more of it; aim for ${signed(Math.round(band.min))} to ${signed(Math.round(band.max))}.`,
        });
      }
    }
  }
  return findings;
}
