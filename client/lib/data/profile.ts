import { profileConflicts, withDerivedDays } from '#shared/schema/profile.ts';
import { MUTATION_ARGS } from '#shared/sync/mutation-args.ts';
import type { LoadProfile } from '#shared/training/load-report.ts';
import type { ViewRow } from './db.ts';
import { defineMutation, setFields } from './define.ts';

/**
 * The profile row as devices hold it (the wire row of `user_profiles`): the fields the training
 * load reads (heart rate and time constants, absent on a row pulled before server migration 0013
 * until the next pull; the week and recent race likewise before 0014) and the rest of the row.
 */
export interface ProfileRow extends LoadProfile {
  /** The seed's row id (the device keys the profile by user_id); null until the first pull brings it. */
  id: string | null;
  user_id: string;
  units: 'mi' | 'km';
  target_type: 'pace' | 'heart_rate';
  time_zone: string;
  created_at: string;
  updated_at: string;
}

// The row registration creates on the server; used only if a write comes before the first pull.
function emptyProfile(userId: string, now: string): ViewRow {
  const row: ProfileRow = {
    id: null,
    user_id: userId,
    current_weekly_mileage_miles: null,
    days_available_per_week: null,
    easy_pace_per_mile_seconds: null,
    injury_notes: null,
    units: 'mi',
    target_type: 'pace',
    time_zone: 'UTC',
    max_heart_rate: null,
    resting_heart_rate: null,
    threshold_heart_rate: null,
    birth_year: null,
    ctl_days: 42,
    atl_days: 7,
    available_days: null,
    long_run_day: 'sun',
    recent_race_distance_meters: null,
    recent_race_time_seconds: null,
    recent_race_date: null,
    created_at: now,
    updated_at: now,
  };
  return { ...row, _hlc: {} };
}

export const profileUpdate = defineMutation({
  name: 'profile.update',
  v: 1,
  args: MUTATION_ARGS['profile.update@1'],
  keys: (_args, userId) => [{ entity: 'user_profiles', key: userId }],
  apply(ctx, { set: given }) {
    const row = ctx.get('user_profiles', ctx.userId) ?? emptyProfile(ctx.userId, ctx.now);
    // As the server does: the count of days follows the named days (withDerivedDays).
    const set = withDerivedDays(row, given);
    const next = setFields(row, set, ctx.hlc);
    // The server refuses an update that leaves resting above max (and the like): predict that.
    const changed = next ? Object.keys(set).filter((field) => next._hlc[field] === ctx.hlc) : [];
    if (next && profileConflicts(next, changed, ctx.now.slice(0, 10)).length === 0) ctx.put('user_profiles', { ...next, updated_at: ctx.now });
  },
});
