import { z } from 'zod';
import { Text } from './text.ts';

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
