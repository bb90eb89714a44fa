import { WEEKDAYS, type Weekday } from '#shared/schema/plan.ts';
import { ProfileFieldsSchema, profileConflicts, type Profile, type ProfileUpdate } from '#shared/schema/profile.ts';
import { toIssues } from '#shared/schema/issues.ts';
import { readDecimal, readRaceTime } from '#shared/training/race-time.ts';
import { formatDuration } from '#shared/training/units.ts';

const KM_PER_MILE = 1.609344;

/** The profile form's fields as the runner types them, in their display units. */
export interface ProfileFormValues {
  units: 'mi' | 'km';
  weekly_distance: string;
  days_available_per_week: string;
  easy_pace: string;
  injury_notes: string;
  target_type: 'pace' | 'heart_rate';
  time_zone: string;
  /** Heart rate and training load (the Profile screen has them; onboarding does not ask). Empty: unknown, or the default constant. */
  heart?: HeartFormValues;
  /** The runner's week: the days they can run (none ticked: any `days_available_per_week` of them) and the long run's day. */
  week?: WeekFormValues;
  /** A recent race or time trial; all empty: none. */
  race?: RaceFormValues;
}

/** The runner's week as ticked. */
export interface WeekFormValues {
  available_days: Weekday[];
  long_run_day: Weekday;
}

/** A recent race as typed: a distance in metres (as the select holds it), a time (h:mm:ss), a date (YYYY-MM-DD). */
export interface RaceFormValues {
  distance_meters: string;
  time: string;
  date: string;
}

/** The heart-rate and load fields as typed: whole numbers, or empty. */
export interface HeartFormValues {
  max_heart_rate: string;
  resting_heart_rate: string;
  threshold_heart_rate: string;
  birth_year: string;
  ctl_days: string;
  atl_days: string;
}

const HEART_FIELDS = ['max_heart_rate', 'resting_heart_rate', 'threshold_heart_rate', 'birth_year', 'ctl_days', 'atl_days'] as const;
/** What an empty box means: unknown for the heart rates, the usual 42 and 7 for the time constants. */
const EMPTY_MEANS = { max_heart_rate: null, resting_heart_rate: null, threshold_heart_rate: null, birth_year: null, ctl_days: 42, atl_days: 7 } as const;
const HeartFieldsSchema = ProfileFieldsSchema.pick({
  max_heart_rate: true,
  resting_heart_rate: true,
  threshold_heart_rate: true,
  birth_year: true,
  ctl_days: true,
  atl_days: true,
});

type HeartProfile = Partial<Pick<Profile, (typeof HEART_FIELDS)[number]>>;

/** The stored heart-rate and load fields as the form shows them. */
export function toHeartValues(profile: HeartProfile): HeartFormValues {
  const text = (value: number | null | undefined) => (value === null || value === undefined ? '' : String(value));
  return {
    max_heart_rate: text(profile.max_heart_rate),
    resting_heart_rate: text(profile.resting_heart_rate),
    threshold_heart_rate: text(profile.threshold_heart_rate),
    birth_year: text(profile.birth_year),
    ctl_days: text(profile.ctl_days ?? EMPTY_MEANS.ctl_days),
    atl_days: text(profile.atl_days ?? EMPTY_MEANS.atl_days),
  };
}

/**
 * The heart-rate and load fields as an update, checked here with the server's own rules (ranges,
 * resting below max, the threshold between them, the age a birth year gives on `today`), so the
 * runner reads the problem beside the box before anything is sent.
 */
function heartUpdate(values: HeartFormValues, today: string, errors: Record<string, string>): Partial<ProfileUpdate> {
  const update: Record<string, number | null> = {};
  for (const field of HEART_FIELDS) {
    const typed = values[field].trim();
    if (typed === '') update[field] = EMPTY_MEANS[field];
    else if (/^\d{1,4}$/.test(typed)) update[field] = Number(typed);
    else errors[field] = field === 'birth_year' ? 'Enter a year, like 1985.' : 'Enter a whole number.';
  }
  const parsed = HeartFieldsSchema.partial().safeParse(update);
  if (!parsed.success) for (const issue of toIssues(parsed.error)) errors[issue.path] ??= issue.message;
  else for (const issue of profileConflicts(update, HEART_FIELDS, today)) errors[issue.path] ??= issue.message;
  return update as Partial<ProfileUpdate>;
}

/** Formats seconds as m:ss. */
function formatClock(seconds: number): string {
  const rounded = Math.round(seconds);
  return `${Math.floor(rounded / 60)}:${String(rounded % 60).padStart(2, '0')}`;
}

/** The stored profile (miles, s/mi) shown in the runner's units. */
export function toFormValues(profile: Omit<Profile, 'calendar_url'>): ProfileFormValues {
  const perUnit = profile.units === 'km' ? 1 / KM_PER_MILE : 1;
  return {
    units: profile.units,
    weekly_distance: profile.current_weekly_mileage_miles === null ? '' : String(Math.round((profile.current_weekly_mileage_miles / perUnit) * 10) / 10),
    days_available_per_week: profile.days_available_per_week === null ? '' : String(profile.days_available_per_week),
    easy_pace: profile.easy_pace_per_mile_seconds === null ? '' : formatClock(profile.easy_pace_per_mile_seconds * perUnit),
    injury_notes: profile.injury_notes ?? '',
    target_type: profile.target_type,
    time_zone: profile.time_zone,
    heart: toHeartValues(profile),
    week: { available_days: profile.available_days ?? [], long_run_day: profile.long_run_day },
    race: {
      distance_meters: profile.recent_race_distance_meters === null ? '' : String(profile.recent_race_distance_meters),
      time: profile.recent_race_time_seconds === null ? '' : formatDuration(profile.recent_race_time_seconds),
      date: profile.recent_race_date ?? '',
    },
  };
}

/** The ticked days in week order, and the long-run day: an empty tick list means "any days" (null). */
function weekUpdate(values: WeekFormValues): Partial<ProfileUpdate> {
  const days = WEEKDAYS.filter((day) => values.available_days.includes(day));
  return { available_days: days.length === 0 ? null : days, long_run_day: values.long_run_day };
}

/** The recent race as an update: all three parts, or none; a time is read as runners type it (shared readRaceTime). */
function raceUpdate(values: RaceFormValues, errors: Record<string, string>): Partial<ProfileUpdate> {
  const meters = values.distance_meters === '' ? null : Number(values.distance_meters);
  const time = values.time.trim();
  const date = values.date.trim();
  if (meters === null && time === '' && date === '') return { recent_race_distance_meters: null, recent_race_time_seconds: null, recent_race_date: null };
  if (meters === null) errors.recent_race_distance_meters = 'Choose the race distance.';
  if (time === '') errors.recent_race_time_seconds = 'Enter your time, e.g. 1:40:00.';
  if (date === '') errors.recent_race_date = 'Enter the day you ran it.';
  let seconds: number | null = null;
  if (meters !== null && time !== '') {
    const reading = readRaceTime(time, meters);
    if (reading.ok) seconds = reading.seconds;
    else errors.recent_race_time_seconds = reading.message;
  }
  return { recent_race_distance_meters: meters, recent_race_time_seconds: seconds, recent_race_date: date === '' ? null : date };
}

/** The form converted back to the stored units; a field the runner left unreadable (or out of range) is reported by name. */
export function toProfileUpdate(
  values: ProfileFormValues,
  today: string = new Date().toISOString().slice(0, 10),
): { update: ProfileUpdate; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const milesPerUnit = values.units === 'km' ? 1 / KM_PER_MILE : 1;
  // readDecimal: "5,5" is 5.5, as a runner on a comma keyboard types it.
  const distance = values.weekly_distance.trim() === '' ? null : readDecimal(values.weekly_distance);
  if (distance === null && values.weekly_distance.trim() !== '') errors.current_weekly_mileage_miles = 'Enter a number, like 25 or 25.5.';
  const days = values.days_available_per_week === '' ? null : Number(values.days_available_per_week);
  let pace: number | null = null;
  if (values.easy_pace.trim() !== '') {
    const match = /^(\d{1,2}):([0-5]\d)$/.exec(values.easy_pace.trim());
    if (!match) errors.easy_pace_per_mile_seconds = `Enter a pace as minutes:seconds per ${values.units}, e.g. 9:30.`;
    else pace = Math.round((Number(match[1]) * 60 + Number(match[2])) / milesPerUnit);
  }
  const heart = values.heart ? heartUpdate(values.heart, today, errors) : {};
  const week = values.week ? weekUpdate(values.week) : {};
  const race = values.race ? raceUpdate(values.race, errors) : {};
  // Ticked days are the count: the select only speaks when no day is ticked.
  const ticked = week.available_days?.length;
  const update: ProfileUpdate = {
    units: values.units,
    // Unrounded: rounding here would drift the runner's figure on every save in km.
    current_weekly_mileage_miles: distance === null ? null : distance * milesPerUnit,
    days_available_per_week: ticked ?? days,
    easy_pace_per_mile_seconds: pace,
    injury_notes: values.injury_notes.trim() === '' ? null : values.injury_notes.trim(),
    target_type: values.target_type,
    time_zone: values.time_zone,
    ...heart,
    ...week,
    ...race,
  };
  // The rules between fields the server checks (long-run day among the days, a race not in the
  // future nor faster than the record), said beside the box before anything is sent.
  for (const issue of profileConflicts(update, [...Object.keys(week), ...Object.keys(race)], today)) errors[issue.path] ??= issue.message;
  return { errors, update };
}
