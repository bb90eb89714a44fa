import { z } from 'zod';
import { Text } from './text.ts';
import { WEEKDAYS, type Weekday } from './plan.ts';
import { isIsoDate } from '../training/dates.ts';
import { worldRecord } from '../training/race-time.ts';
import { formatDuration } from '../training/units.ts';
import { DEFAULT_LOAD_CONSTANTS, type LoadConstants } from '../training/load-series.ts';

/** True when `zone` is an IANA time zone the runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const UnitsSchema = z.enum(['mi', 'km']);
export const TargetTypeSchema = z.enum(['pace', 'heart_rate']);

/**
 * Sane ranges for the runner's own numbers (issue 23 §1–2, issue 17 §1). Heart rates cover trained
 * and untrained adults (a max of 250 is a typing slip); time constants keep fitness a matter of
 * weeks and fatigue a matter of days (the usual 42 and 7 sit inside). Ages are checked from the
 * birth year on the day in question; a recent race from 800 m to 100 km, the engine's range.
 */
export const PROFILE_LIMITS = {
  max_heart_rate: { min: 120, max: 230 },
  resting_heart_rate: { min: 30, max: 110 },
  threshold_heart_rate: { min: 100, max: 220 },
  birth_year: { min: 1900, max: 2100 },
  age: { min: 10, max: 100 },
  ctl_days: { min: 21, max: 60 },
  atl_days: { min: 3, max: 14 },
  recent_race_distance_meters: { min: 800, max: 100_000 },
  recent_race_time_seconds: { min: 60, max: 24 * 3600 },
} as const;

/** Resting heart rate sits at least this far below max: heart-rate zones need the room (shared/training/load.ts). */
export const MIN_HEART_RATE_RESERVE = 20;

type Range = { readonly min: number; readonly max: number };

function beatsPerMinute(label: string, { min, max }: Range) {
  const words = `${label} is between ${min} and ${max} beats per minute`;
  return z.number({ error: words }).int(`${label} is a whole number of beats per minute`).min(min, words).max(max, words);
}

function days(label: 'Fitness' | 'Fatigue', { min, max }: Range) {
  const words = `${label} is averaged over ${min} to ${max} days`;
  return z.number({ error: words }).int(`${label} is averaged over a whole number of days`).min(min, words).max(max, words);
}

const WEEKDAY_NAMES: Record<Weekday, string> = {
  sun: 'Sunday',
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
};

/** A weekday as a runner reads it: `sat` → Saturday. */
export function weekdayName(day: Weekday): string {
  return WEEKDAY_NAMES[day];
}

const DAY_WORDS = 'Pick days of the week, like mon or sat';
const RACE_DISTANCE_WORDS = 'Race distance is between 800 m and 100 km';
const RACE_TIME_WORDS = 'Race time is a whole number of seconds, at most 24 hours';

/** The fields a runner edits, stored in the seed's units (miles, seconds per mile) whatever they display. */
export const ProfileFieldsSchema = z.object({
  current_weekly_mileage_miles: z.number().min(0).max(250, 'must be at most 250 miles a week').nullable(),
  days_available_per_week: z.number().int('must be a whole number').min(1).max(7).nullable(),
  // 4:00/mi to 20:00/mi covers every runner's easy pace, from elite to walk-run.
  easy_pace_per_mile_seconds: z
    .number()
    .int('must be a whole number of seconds')
    .min(240, 'must be at least 240 s/mi (4:00/mi)')
    .max(1200, 'must be at most 1200 s/mi (20:00/mi)')
    .nullable(),
  injury_notes: Text.max(2000, 'must be at most 2000 characters').nullable(),
  units: UnitsSchema,
  target_type: TargetTypeSchema,
  time_zone: Text.max(64).refine(isTimeZone, { message: 'is not an IANA time zone (e.g. Europe/Paris)' }),
  /** The weekdays the runner can run; null: any `days_available_per_week` of them (the engine picks). */
  available_days: z
    .array(z.enum(WEEKDAYS, { error: DAY_WORDS }), { error: DAY_WORDS })
    .min(1, 'Pick at least one day you can run')
    .max(7, DAY_WORDS)
    .refine((list) => new Set(list).size === list.length, { message: 'Each day counts once' })
    .nullable(),
  long_run_day: z.enum(WEEKDAYS, { error: DAY_WORDS }),
  max_heart_rate: beatsPerMinute('Max heart rate', PROFILE_LIMITS.max_heart_rate).nullable(),
  resting_heart_rate: beatsPerMinute('Resting heart rate', PROFILE_LIMITS.resting_heart_rate).nullable(),
  threshold_heart_rate: beatsPerMinute('Threshold heart rate', PROFILE_LIMITS.threshold_heart_rate).nullable(),
  birth_year: z
    .number({ error: 'Birth year is a year, like 1985' })
    .int('Birth year is a year, like 1985')
    .min(PROFILE_LIMITS.birth_year.min, 'Birth year is a year, like 1985')
    .max(PROFILE_LIMITS.birth_year.max, 'Birth year is a year, like 1985')
    .nullable(),
  ctl_days: days('Fitness', PROFILE_LIMITS.ctl_days),
  atl_days: days('Fatigue', PROFILE_LIMITS.atl_days),
  /** A recent race or time trial (docs/TRAINING.md §Fitness, source 1): distance, time and date together, or none. */
  recent_race_distance_meters: z
    .number({ error: RACE_DISTANCE_WORDS })
    .min(PROFILE_LIMITS.recent_race_distance_meters.min, RACE_DISTANCE_WORDS)
    .max(PROFILE_LIMITS.recent_race_distance_meters.max, RACE_DISTANCE_WORDS)
    .nullable(),
  recent_race_time_seconds: z
    .number({ error: RACE_TIME_WORDS })
    .int(RACE_TIME_WORDS)
    .min(PROFILE_LIMITS.recent_race_time_seconds.min, RACE_TIME_WORDS)
    .max(PROFILE_LIMITS.recent_race_time_seconds.max, RACE_TIME_WORDS)
    .nullable(),
  recent_race_date: z.string({ error: 'Race date is a date, like 2026-03-01' }).refine(isIsoDate, 'Race date is a date, like 2026-03-01').nullable(),
});

/**
 * The heart-rate fields' names before issue 17 (migration 0013's columns). profile.update@1
 * mutations queued on a phone before the upgrade still speak them; they mean the new fields.
 */
export const LEGACY_PROFILE_NAMES: Readonly<Record<string, keyof z.infer<typeof ProfileFieldsSchema>>> = {
  max_hr: 'max_heart_rate',
  resting_hr: 'resting_heart_rate',
  lthr: 'threshold_heart_rate',
};

/** `set` with legacy field names read as today's (a new name given beside its old one wins). */
export function renameLegacyProfileFields(set: unknown): unknown {
  if (typeof set !== 'object' || set === null || Array.isArray(set)) return set;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(set)) {
    const renamed = LEGACY_PROFILE_NAMES[key];
    if (renamed === undefined) out[key] = value;
    else if (!(renamed in set)) out[renamed] = value;
  }
  return out;
}

/** Any subset of the fields, nothing else; the pre-issue-17 heart-rate names are read as aliases. */
export const ProfileSetSchema = z.preprocess(renameLegacyProfileFields, ProfileFieldsSchema.partial().strict());

/** PUT /api/profile: any subset of the fields, nothing else. */
export const ProfileUpdateSchema = ProfileSetSchema.refine((update) => Object.keys(update).length > 0, { message: 'send at least one field' });
export type ProfileUpdate = z.infer<typeof ProfileUpdateSchema>;

export const ProfileSchema = ProfileFieldsSchema.extend({
  user_id: z.string(),
  updated_at: z.string(),
  calendar_url: z.string().optional(),
});
export type Profile = z.infer<typeof ProfileSchema>;

/** A profile row (a server row, a device row, a form's update); a device row from before a migration lacks the newer fields. */
export type ProfileLikeFields = object;
/** The fields of a profile-like value, read by name. */
const fieldsOf = (profile: ProfileLikeFields | null | undefined): Readonly<Record<string, unknown>> => (profile ?? {}) as Record<string, unknown>;

type HeartRateField = 'max_heart_rate' | 'resting_heart_rate' | 'threshold_heart_rate';
const HEART_RATE_WORDS: Record<HeartRateField, string> = {
  max_heart_rate: 'max heart rate',
  resting_heart_rate: 'resting heart rate',
  threshold_heart_rate: 'threshold heart rate',
};
// Lower field, upper field, the least gap between them.
const ORDER: [HeartRateField, HeartRateField, number][] = [
  ['resting_heart_rate', 'max_heart_rate', MIN_HEART_RATE_RESERVE],
  ['resting_heart_rate', 'threshold_heart_rate', 1],
  ['threshold_heart_rate', 'max_heart_rate', 1],
];
const RACE_FIELDS = ['recent_race_distance_meters', 'recent_race_time_seconds', 'recent_race_date'] as const;
const RACE_FIELD_WORDS: Record<(typeof RACE_FIELDS)[number], string> = {
  recent_race_distance_meters: 'distance',
  recent_race_time_seconds: 'time',
  recent_race_date: 'date',
};
const capital = (words: string) => words[0]!.toUpperCase() + words.slice(1);

/** The age a runner born in `birthYear` reaches in the year of `today` (an ISO date), or null. */
export function ageIn(birthYear: number | null | undefined, today: string): number | null {
  return typeof birthYear === 'number' ? Number(today.slice(0, 4)) - birthYear : null;
}

type Issue = { path: string; message: string };

function heartRateConflicts(profile: Readonly<Record<string, unknown>>, changed: readonly string[], add: (path: string, message: string) => void): void {
  for (const [lower, upper, gap] of ORDER) {
    const low = profile[lower];
    const high = profile[upper];
    if (typeof low !== 'number' || typeof high !== 'number' || high - low >= gap) continue;
    if (changed.includes(lower)) {
      add(lower, `${capital(HEART_RATE_WORDS[lower])} must be ${gap > 1 ? `at least ${gap} beats ` : ''}below your ${HEART_RATE_WORDS[upper]} (${high})`);
    } else if (changed.includes(upper)) {
      add(upper, `${capital(HEART_RATE_WORDS[upper])} must be ${gap > 1 ? `at least ${gap} beats ` : ''}above your ${HEART_RATE_WORDS[lower]} (${low})`);
    }
  }
}

function weekConflicts(profile: Readonly<Record<string, unknown>>, changed: readonly string[], add: (path: string, message: string) => void): void {
  const available = Array.isArray(profile.available_days) ? (profile.available_days as Weekday[]) : null;
  const count = profile.days_available_per_week;
  if (available && typeof count === 'number' && count !== available.length && changed.includes('days_available_per_week')) {
    add('days_available_per_week', `You picked ${available.length} day${available.length === 1 ? '' : 's'} you can run; the number of days must match them`);
  }
  const longDay = profile.long_run_day as Weekday | undefined;
  if (!available || typeof longDay !== 'string' || available.includes(longDay)) return;
  const words = `Your long-run day (${weekdayName(longDay)}) must be one of the days you can run`;
  if (changed.includes('long_run_day')) add('long_run_day', words);
  else if (changed.includes('available_days')) add('available_days', `${words}: add ${weekdayName(longDay)} or choose another long-run day`);
}

function raceConflicts(
  profile: Readonly<Record<string, unknown>>,
  changed: readonly string[],
  today: string,
  add: (path: string, message: string) => void,
): void {
  if (!RACE_FIELDS.some((field) => changed.includes(field))) return;
  const given = RACE_FIELDS.filter((field) => profile[field] !== null && profile[field] !== undefined);
  if (given.length === 0) return;
  const missing = RACE_FIELDS.filter((field) => !given.includes(field));
  for (const field of missing) add(field, `Enter the race's ${RACE_FIELD_WORDS[field]} too: a recent race needs its distance, time and date`);
  if (missing.length > 0) return;
  const meters = profile.recent_race_distance_meters as number;
  const seconds = profile.recent_race_time_seconds as number;
  const record = worldRecord(meters);
  if (seconds < record.seconds) {
    add(
      'recent_race_time_seconds',
      `${formatDuration(seconds)} is faster than the world record for the ${record.name} (${formatDuration(record.seconds)}); check the time and the distance`,
    );
  }
  const date = profile.recent_race_date as string;
  if (date > today) add('recent_race_date', `The race date ${date} is in the future; enter a race you have run`);
}

/**
 * What the single-field ranges cannot say, checked on the profile as an update leaves it:
 * resting below max (by 20), a threshold between them, a birth year giving an age of 10–100,
 * the long-run day among the available days (and their count matching), a recent race whole,
 * run already and not faster than the world record. Only rules touching a `changed` field are
 * checked, and the issue names the field the runner changed, so an old inconsistency never
 * blocks an unrelated edit. Empty when all is well.
 */
export function profileConflicts(row: ProfileLikeFields, changed: readonly string[], today: string): Issue[] {
  const profile = fieldsOf(row);
  const issues: Issue[] = [];
  const seen = new Set<string>();
  const add = (path: string, message: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    issues.push({ path, message });
  };
  heartRateConflicts(profile, changed, add);
  const age = typeof profile.birth_year === 'number' ? ageIn(profile.birth_year, today) : null;
  if (changed.includes('birth_year') && age !== null && (age < PROFILE_LIMITS.age.min || age > PROFILE_LIMITS.age.max)) {
    add(
      'birth_year',
      `Birth year ${String(profile.birth_year)} makes you ${age}; RunCoach's heart-rate estimates are for ages ${PROFILE_LIMITS.age.min} to ${PROFILE_LIMITS.age.max}`,
    );
  }
  weekConflicts(profile, changed, add);
  raceConflicts(profile, changed, today, add);
  return issues;
}

/**
 * The update as it is applied to `current`: the count of days follows `available_days` when they
 * are given, and a count given alone that no longer matches the stored days drops them (the
 * engine then picks that many days itself, as it did before days could be named). Server and
 * phone both apply this, so they store the same row.
 */
export function withDerivedDays<T extends object>(current: ProfileLikeFields, set: T): T {
  const given = fieldsOf(set);
  const out: Record<string, unknown> = { ...given };
  if (Array.isArray(given.available_days)) {
    if (!('days_available_per_week' in given)) out.days_available_per_week = given.available_days.length;
  } else if (!('available_days' in given) && typeof given.days_available_per_week === 'number') {
    const stored = fieldsOf(current).available_days;
    if (Array.isArray(stored) && stored.length !== given.days_available_per_week) out.available_days = null;
  }
  return out as T;
}

/** `profileConflicts` as a zod error, for the server's validation answer; null when there are none. */
export function profileConflictError(profile: ProfileLikeFields, changed: readonly string[], today: string): z.ZodError | null {
  const issues = profileConflicts(profile, changed, today);
  if (issues.length === 0) return null;
  return new z.ZodError(issues.map(({ path, message }) => ({ code: 'custom' as const, path: [path], message, input: fieldsOf(profile)[path] })));
}

/** The runner's heart-rate figures as the engine takes them (heartRateZones, heartRateTable): unknown as null. */
export function runnerHeartRate(
  profile: ProfileLikeFields | null | undefined,
  today: string,
): { max_heart_rate: number | null; resting_heart_rate: number | null; threshold_heart_rate: number | null; age: number | null } {
  const n = (value: unknown) => (typeof value === 'number' ? value : null);
  const p = fieldsOf(profile);
  return {
    max_heart_rate: n(p.max_heart_rate),
    resting_heart_rate: n(p.resting_heart_rate),
    threshold_heart_rate: n(p.threshold_heart_rate),
    age: ageIn(n(p.birth_year), today),
  };
}

/** The runner's recent race as the engine takes it (TrainingProfile.recent_race); null unless all three parts are there. */
export function runnerRecentRace(profile: ProfileLikeFields | null | undefined): { distance_meters: number; time_seconds: number; date: string } | null {
  const { recent_race_distance_meters: meters, recent_race_time_seconds: seconds, recent_race_date: date } = fieldsOf(profile);
  if (typeof meters !== 'number' || typeof seconds !== 'number' || typeof date !== 'string') return null;
  return { distance_meters: meters, time_seconds: seconds, date };
}

/** The runner's week as the engine takes it: the available days (null: any) and the long-run day (Sunday by default). */
export function runnerWeek(profile: ProfileLikeFields | null | undefined): { available_days: Weekday[] | null; long_run_day: Weekday } {
  const { available_days: days, long_run_day: long } = fieldsOf(profile);
  return {
    available_days: Array.isArray(days) && days.length > 0 ? (days as Weekday[]) : null,
    long_run_day: typeof long === 'string' && (WEEKDAYS as readonly string[]).includes(long) ? (long as Weekday) : 'sun',
  };
}

/** The runner's fitness and fatigue time constants; the defaults (42 and 7) where a row has none in range. */
export function runnerLoadConstants(profile: Partial<Record<'ctl_days' | 'atl_days', unknown>> | null | undefined): LoadConstants {
  const pick = (value: unknown, range: Range, fallback: number) =>
    typeof value === 'number' && Number.isInteger(value) && value >= range.min && value <= range.max ? value : fallback;
  return {
    ctl_days: pick(profile?.ctl_days, PROFILE_LIMITS.ctl_days, DEFAULT_LOAD_CONSTANTS.ctl_days),
    atl_days: pick(profile?.atl_days, PROFILE_LIMITS.atl_days, DEFAULT_LOAD_CONSTANTS.atl_days),
  };
}
