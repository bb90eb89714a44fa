import type { Profile, ProfileUpdate } from '#shared/schema/profile.ts';

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
    weekly_distance:
      profile.current_weekly_mileage_miles === null ? '' : String(Math.round((profile.current_weekly_mileage_miles / perUnit) * 10) / 10),
    days_available_per_week: profile.days_available_per_week === null ? '' : String(profile.days_available_per_week),
    easy_pace: profile.easy_pace_per_mile_seconds === null ? '' : formatClock(profile.easy_pace_per_mile_seconds * perUnit),
    injury_notes: profile.injury_notes ?? '',
    target_type: profile.target_type,
    time_zone: profile.time_zone,
  };
}

/** The form converted back to the stored units; a field the runner left unreadable is reported by name. */
export function toProfileUpdate(values: ProfileFormValues): { update: ProfileUpdate; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const milesPerUnit = values.units === 'km' ? 1 / KM_PER_MILE : 1;
  const distance = values.weekly_distance.trim() === '' ? null : Number(values.weekly_distance);
  if (distance !== null && !Number.isFinite(distance)) errors.current_weekly_mileage_miles = 'Enter a number.';
  const days = values.days_available_per_week === '' ? null : Number(values.days_available_per_week);
  let pace: number | null = null;
  if (values.easy_pace.trim() !== '') {
    const match = /^(\d{1,2}):([0-5]\d)$/.exec(values.easy_pace.trim());
    if (!match) errors.easy_pace_per_mile_seconds = `Enter a pace as minutes:seconds per ${values.units}, e.g. 9:30.`;
    else pace = Math.round((Number(match[1]) * 60 + Number(match[2])) / milesPerUnit);
  }
  return {
    errors,
    update: {
      units: values.units,
      // Unrounded: rounding here would drift the runner's figure on every save in km.
      current_weekly_mileage_miles: distance === null ? null : distance * milesPerUnit,
      days_available_per_week: days,
      easy_pace_per_mile_seconds: pace,
      injury_notes: values.injury_notes.trim() === '' ? null : values.injury_notes.trim(),
      target_type: values.target_type,
      time_zone: values.time_zone,
    },
  };
}
