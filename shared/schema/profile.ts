import { z } from 'zod';
import { Text } from './text.ts';
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
 * Sane ranges for the runner's own numbers (issue 23 §1–2). Heart rates cover trained and untrained
 * adults; time constants keep fitness a matter of weeks and fatigue a matter of days (the usual
 * 42 and 7 sit inside). Ages are checked from the birth year on the day in question.
 */
export const PROFILE_LIMITS = {
  max_hr: { min: 120, max: 230 },
  resting_hr: { min: 30, max: 110 },
  lthr: { min: 100, max: 220 },
  birth_year: { min: 1900, max: 2100 },
  age: { min: 10, max: 100 },
  ctl_days: { min: 21, max: 60 },
  atl_days: { min: 3, max: 14 },
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
  max_hr: beatsPerMinute('Max heart rate', PROFILE_LIMITS.max_hr).nullable(),
  resting_hr: beatsPerMinute('Resting heart rate', PROFILE_LIMITS.resting_hr).nullable(),
  lthr: beatsPerMinute('Threshold heart rate', PROFILE_LIMITS.lthr).nullable(),
  birth_year: z
    .number({ error: 'Birth year is a year, like 1985' })
    .int('Birth year is a year, like 1985')
    .min(PROFILE_LIMITS.birth_year.min, 'Birth year is a year, like 1985')
    .max(PROFILE_LIMITS.birth_year.max, 'Birth year is a year, like 1985')
    .nullable(),
  ctl_days: days('Fitness', PROFILE_LIMITS.ctl_days),
  atl_days: days('Fatigue', PROFILE_LIMITS.atl_days),
});

/** PUT /api/profile: any subset of the fields, nothing else. */
export const ProfileUpdateSchema = ProfileFieldsSchema.partial()
  .strict()
  .refine((update) => Object.keys(update).length > 0, { message: 'send at least one field' });
export type ProfileUpdate = z.infer<typeof ProfileUpdateSchema>;

export const ProfileSchema = ProfileFieldsSchema.extend({
  user_id: z.string(),
  updated_at: z.string(),
  calendar_url: z.string().optional(),
});
export type Profile = z.infer<typeof ProfileSchema>;

/** A profile row with its heart-rate fields (a server row, a device row, a form's update); a device row from before migration 0013 lacks them. */
export type HeartRateFields = Partial<Record<'max_hr' | 'resting_hr' | 'lthr' | 'birth_year', unknown>> | Readonly<Record<string, unknown>>;

type HeartRateField = 'max_hr' | 'resting_hr' | 'lthr';
const HEART_RATE_WORDS: Record<HeartRateField, string> = { max_hr: 'max heart rate', resting_hr: 'resting heart rate', lthr: 'threshold heart rate' };
// Lower field, upper field, the least gap between them.
const ORDER: [HeartRateField, HeartRateField, number][] = [
  ['resting_hr', 'max_hr', MIN_HEART_RATE_RESERVE],
  ['resting_hr', 'lthr', 1],
  ['lthr', 'max_hr', 1],
];
const capital = (words: string) => words[0]!.toUpperCase() + words.slice(1);

/** The age a runner born in `birthYear` reaches in the year of `today` (an ISO date), or null. */
export function ageIn(birthYear: number | null | undefined, today: string): number | null {
  return typeof birthYear === 'number' ? Number(today.slice(0, 4)) - birthYear : null;
}

/**
 * What the single-field ranges cannot say, checked on the profile as an update leaves it:
 * resting below max (by 20), a threshold between them, a birth year giving an age of 10–100.
 * Only rules touching a `changed` field are checked, and the issue names the field the runner
 * changed, so an old inconsistency never blocks an unrelated edit. Empty when all is well.
 */
export function profileConflicts(profile: HeartRateFields, changed: readonly string[], today: string): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  const seen = new Set<string>();
  const add = (path: string, message: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    issues.push({ path, message });
  };
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
  const age = typeof profile.birth_year === 'number' ? ageIn(profile.birth_year, today) : null;
  if (changed.includes('birth_year') && age !== null && (age < PROFILE_LIMITS.age.min || age > PROFILE_LIMITS.age.max)) {
    add(
      'birth_year',
      `Birth year ${profile.birth_year} makes you ${age}; RunCoach's heart-rate estimates are for ages ${PROFILE_LIMITS.age.min} to ${PROFILE_LIMITS.age.max}`,
    );
  }
  return issues;
}

/** `profileConflicts` as a zod error, for the server's validation answer; null when there are none. */
export function profileConflictError(profile: HeartRateFields, changed: readonly string[], today: string): z.ZodError | null {
  const issues = profileConflicts(profile, changed, today);
  if (issues.length === 0) return null;
  return new z.ZodError(issues.map(({ path, message }) => ({ code: 'custom' as const, path: [path], message, input: profile[path as keyof HeartRateFields] })));
}

/** The runner's heart-rate figures as the engine takes them (heartRateZones, heartRateTable): unknown as null. */
export function runnerHeartRate(
  profile: HeartRateFields | null | undefined,
  today: string,
): { max_hr: number | null; resting_hr: number | null; lthr: number | null; age: number | null } {
  const n = (value: unknown) => (typeof value === 'number' ? value : null);
  return { max_hr: n(profile?.max_hr), resting_hr: n(profile?.resting_hr), lthr: n(profile?.lthr), age: ageIn(n(profile?.birth_year), today) };
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
