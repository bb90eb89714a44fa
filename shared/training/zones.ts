/**
 * The runner's fitness and training zones from the order of sources in docs/TRAINING.md §Fitness: a recent
 * race, then the best sustained effort among recent runs, then the typed easy pace. Pure: the
 * day and the runs are arguments, so the phone and the server show the same zones.
 */
import type { CompletedRun, TrainingProfile } from '../schema/plan.ts';
import { daysBetween } from './dates.ts';
import { DANIELS_FRACTIONS, heartRateBasis, heartRateTable, paceZones, type HeartRateInput, type HeartRateSource, type Zone } from './paces.ts';
import { worldRecord } from './race-time.ts';
import { formatDistance, formatDuration, perMileToPerKm } from './units.ts';
import { vdotFromEasyPace, vdotFromRace, vo2AtSpeed } from './vdot.ts';

export type VdotSource = 'race' | 'runs' | 'easy_pace';

/** A race speaks for today's fitness for ~8 weeks; runs of the same window are the next source. */
export const RACE_WINDOW_DAYS = 8 * 7;
export const RUN_WINDOW_DAYS = 8 * 7;
/** An older race still says more than a typed easy pace, for half a year. */
const OLD_RACE_DAYS = 182;
/** Sustained: at least 3 km and 10 minutes; shorter bursts say more about speed than about VDOT. */
const MIN_EFFORT_METERS = 3000;
const MIN_EFFORT_SECONDS = 600;
/**
 * A run is a hard effort when its figure is at least this share of what the easy pace suggests:
 * an easy 40-minute run lands near 0.7 of the runner's VDOT (64% of VO2 held at ~91%), a
 * 30-minute tempo near 0.95, a race at 1.
 */
const HARD_SHARE = 0.85;
/** Without an easy pace to compare with: a hard run is this far above the runner's median run. */
const HARD_OVER_MEDIAN = 1.15;
/**
 * A training run is not a race: moving time leaves out an interval session's standing rests and
 * GPS tracks measure 1–3% long, both of which make a session look faster than any continuous
 * effort. The best run is discounted by 3%, and not scaled up to the race it might imply: a
 * slightly low VDOT gives slightly slow paces, the safe side.
 */
const RUN_DISCOUNT = 0.97;
const VDOT_RANGE = { min: 20, max: 85 } as const;

export interface FitnessEstimate {
  vdot: number;
  source: VdotSource;
  /** The honest range of an easy-pace guess (low, high); null for a race or runs. */
  range: { low: number; high: number } | null;
  /** What the VDOT was read from, in a runner's words. */
  note: string;
}

const clampVdot = (vdot: number) => Math.min(VDOT_RANGE.max, Math.max(VDOT_RANGE.min, vdot));

/**
 * The easy-pace guess: the typed pace taken as the slow half of Daniels' E range (62–66% of VDOT;
 * the fast end of E gives figures that run high), so the VDOT lies between VO2/0.66 and VO2/0.62.
 * The low end is the one paces use (the safe side); the range is shown.
 */
export function vdotRangeFromEasyPace(easySecondsPerKm: number): { vdot: number; low: number; high: number } {
  const low = clampVdot(vdotFromEasyPace(easySecondsPerKm));
  const high = clampVdot(vo2AtSpeed(60_000 / easySecondsPerKm) / DANIELS_FRACTIONS.easySlow);
  return { vdot: low, low, high };
}

/** A run's own figure: the VDOT its distance and moving time would give as a race; null when it is no sustained, plausible effort. */
function runFigure(run: CompletedRun): number | null {
  const seconds = run.duration_seconds;
  if (!seconds || run.distance_meters < MIN_EFFORT_METERS || seconds < MIN_EFFORT_SECONDS) return null;
  // Faster than the world record is a GPS or typing slip, not fitness.
  if (seconds < worldRecord(run.distance_meters).seconds) return null;
  const vdot = vdotFromRace(run.distance_meters, seconds);
  return vdot >= 15 && vdot <= VDOT_RANGE.max ? vdot : null;
}

/**
 * The best hard, sustained effort among the runs of the last 8 weeks, discounted as a non-race
 * effort (RUN_DISCOUNT); null when none was hard enough to speak for the runner's fitness.
 * `easyVdot` (the easy-pace guess) tells a hard run from an easy one; without it the runner's
 * median run does.
 */
export function fitnessFromRuns(runs: readonly CompletedRun[], today: string, easyVdot: number | null = null): { vdot: number; run: CompletedRun } | null {
  const figures = runs
    .filter((run) => {
      const age = daysBetween(run.date, today);
      return age >= 0 && age <= RUN_WINDOW_DAYS;
    })
    .map((run) => ({ run, vdot: runFigure(run) }))
    .filter((f): f is { run: CompletedRun; vdot: number } => f.vdot !== null);
  if (figures.length === 0) return null;
  const sorted = figures.map((f) => f.vdot).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const hardFrom = easyVdot !== null ? HARD_SHARE * easyVdot : HARD_OVER_MEDIAN * median;
  const best = figures.reduce((a, b) => (b.vdot > a.vdot ? b : a));
  if (best.vdot < hardFrom) return null;
  return { vdot: clampVdot(best.vdot * RUN_DISCOUNT), run: best.run };
}

/** What a stored activity tells fitness: its source, type, day, distance and moving time. */
export interface FitnessActivity {
  source: string;
  activity_type: string;
  local_date: string;
  distance_meters: number;
  moving_time_seconds: number;
}

/**
 * The runs fitness may be read from: road runs (a trail's pace is the terrain's) from the runner's
 * own watch files and logs. Strava's runs are shown beside the plan but do not feed the rule
 * engine's figures (docs/STRAVA.md §Policy). The server and the phone read the same runs.
 */
export function fitnessRunsOf(activities: readonly FitnessActivity[]): CompletedRun[] {
  return activities
    .filter((a) => a.source !== 'strava' && (a.activity_type === 'Run' || a.activity_type === 'VirtualRun'))
    .map((a) => ({ date: a.local_date, distance_meters: a.distance_meters, duration_seconds: a.moving_time_seconds }));
}

/**
 * The engine's `fitness_runs` from stored activities of any age: fitnessRunsOf's runs of the 8
 * weeks up to `today`, the only ones fitnessFromRuns reads. The server and the phone call this
 * with the same rows, so they compute the same paces.
 */
export function recentFitnessRuns(activities: readonly FitnessActivity[], today: string): CompletedRun[] {
  return fitnessRunsOf(activities).filter((run) => {
    const age = daysBetween(run.date, today);
    return age >= 0 && age <= RUN_WINDOW_DAYS;
  });
}

export interface FitnessInput {
  recent_race?: TrainingProfile['recent_race'];
  easy_pace_per_mile_seconds?: number | null;
}

function raceName(meters: number): string {
  const named: Record<number, string> = { 5000: '5K', 10_000: '10K', 21_097.5: 'half marathon', 21_098: 'half marathon', 42_195: 'marathon' };
  return named[meters] ?? formatDistance(meters, 'km');
}

/** The runner's VDOT by the order of sources in docs/TRAINING.md §Fitness: a race of the last ~8 weeks, the best recent effort, an older race, the easy pace. */
export function fitnessFromSources(input: FitnessInput, today: string, runs: readonly CompletedRun[] = []): FitnessEstimate {
  const race = input.recent_race;
  const raceAge = race ? daysBetween(race.date, today) : null;
  const fromRace = (old: boolean): FitnessEstimate => ({
    vdot: clampVdot(vdotFromRace(race!.distance_meters, race!.time_seconds)),
    source: 'race',
    range: null,
    note: `From your ${formatDuration(race!.time_seconds)} ${raceName(race!.distance_meters)} on ${race!.date}${old ? ', more than 8 weeks ago: enter a newer race to sharpen it' : ''}`,
  });
  if (race && raceAge !== null && raceAge >= 0 && raceAge <= RACE_WINDOW_DAYS) return fromRace(false);
  const easy = input.easy_pace_per_mile_seconds ? vdotRangeFromEasyPace(perMileToPerKm(input.easy_pace_per_mile_seconds)) : null;
  const best = fitnessFromRuns(runs, today, easy?.vdot ?? null);
  if (best) {
    const { run } = best;
    return {
      vdot: best.vdot,
      source: 'runs',
      range: null,
      note: `From your best run of the last 8 weeks: ${formatDistance(run.distance_meters, 'km')} in ${formatDuration(run.duration_seconds!)} on ${run.date}`,
    };
  }
  if (race && raceAge !== null && raceAge >= 0 && raceAge <= OLD_RACE_DAYS) return fromRace(true);
  if (easy)
    return {
      vdot: easy.vdot,
      source: 'easy_pace',
      range: { low: easy.low, high: easy.high },
      note: 'Estimated from your easy pace — enter a recent race to sharpen it',
    };
  // Nothing at all: a beginner's figure, said as a guess.
  return { vdot: 30, source: 'easy_pace', range: { low: 25, high: 35 }, note: 'A beginner’s estimate — enter your easy pace or a recent race to sharpen it' };
}

const ZONES: readonly Zone[] = ['E', 'M', 'T', 'I', 'R'];
const ZONE_TARGETS = { E: 'easy', M: 'marathon', T: 'threshold', I: 'interval', R: 'repetition' } as const;
const METERS_PER_MILE = 1609.344;

export interface PaceZone {
  slow_seconds_per_km: number;
  fast_seconds_per_km: number;
  /** The same in the runner's unit (per mile or per km). */
  slow_seconds_per_unit: number;
  fast_seconds_per_unit: number;
}

export interface HeartRateZones {
  source: HeartRateSource;
  max_heart_rate: number | null;
  resting_heart_rate: number | null;
  threshold_heart_rate: number | null;
  /** Set when the max is predicted from the age, or resting is unknown: what the runner can add. */
  note: string | null;
  zones: Record<Zone, { low_bpm: number; high_bpm: number }>;
}

export interface RunnerZones {
  vdot: number;
  vdot_source: VdotSource;
  vdot_range: { low: number; high: number } | null;
  note: string;
  units: 'mi' | 'km';
  pace: Record<Zone, PaceZone>;
  /** Null when neither max, threshold nor age is known: no heart-rate zones of the runner's own. */
  heart_rate: HeartRateZones | null;
}

/** Heart-rate zones E–R from the runner's figures, with their source and a note for an age-predicted max; null with nothing known. */
export function heartRateZonesOf(input: HeartRateInput): HeartRateZones | null {
  const basis = heartRateBasis(input);
  if (!basis) return null;
  const table = heartRateTable(input);
  let note: string | null = null;
  if (basis.source === 'age') {
    note = `Max heart rate ${basis.max} is predicted from your age (Tanaka: 208 − 0.7 × age); enter your own max for zones that fit you`;
  } else if (basis.source === 'karvonen' && basis.rest === null) {
    note = 'Zones are shares of your max; add your resting heart rate for Karvonen (heart-rate reserve) zones';
  }
  const zones = {} as HeartRateZones['zones'];
  for (const zone of ZONES) zones[zone] = table[ZONE_TARGETS[zone]];
  return {
    source: basis.source,
    max_heart_rate: basis.max,
    resting_heart_rate: basis.rest,
    threshold_heart_rate: basis.threshold,
    note,
    zones,
  };
}

/** The runner's zones (GET /api/profile `zones`, the Fitness screen): VDOT and its source, paces E–R in s/km and the runner's unit, heart-rate zones. */
export function runnerZones(input: FitnessInput & HeartRateInput & { units: 'mi' | 'km' }, today: string, runs: readonly CompletedRun[] = []): RunnerZones {
  const fitness = fitnessFromSources(input, today, runs);
  const zones = paceZones(fitness.vdot);
  const perUnit = input.units === 'mi' ? METERS_PER_MILE / 1000 : 1;
  const pace = {} as Record<Zone, PaceZone>;
  for (const zone of ZONES) {
    const range = zones[zone];
    pace[zone] = {
      slow_seconds_per_km: range.slow_seconds_per_km,
      fast_seconds_per_km: range.fast_seconds_per_km,
      slow_seconds_per_unit: range.slow_seconds_per_km * perUnit,
      fast_seconds_per_unit: range.fast_seconds_per_km * perUnit,
    };
  }
  return {
    vdot: Math.round(fitness.vdot * 10) / 10,
    vdot_source: fitness.source,
    vdot_range: fitness.range,
    note: fitness.note,
    units: input.units,
    pace,
    heart_rate: heartRateZonesOf(input),
  };
}
