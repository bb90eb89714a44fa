import { describe, expect, it } from 'vitest';
import { DEFAULT_PREFERENCES, type PreferenceFields } from '#shared/schema/notifications.ts';
import type { userProfiles } from '../db/schema.ts';
import { dueFor } from '../reminders/schedule.ts';
import { localParts, quietHoursEnd, zonedInstant } from '#shared/time/zone.ts';

// Local wall time ↔ instant, DST-safe, and when the scheduled kinds fall due for runners in
// different zones (pure: no database).

const iso = (d: Date | null) => d?.toISOString() ?? null;

describe('zonedInstant', () => {
  it('maps 19:00 to the right instant on both sides of a DST change', () => {
    // Europe/Paris springs forward on 2026-03-29 (CET +1 → CEST +2).
    expect(iso(zonedInstant('2026-03-28', '19:00', 'Europe/Paris'))).toBe('2026-03-28T18:00:00.000Z');
    expect(iso(zonedInstant('2026-03-29', '19:00', 'Europe/Paris'))).toBe('2026-03-29T17:00:00.000Z');
    // …and falls back on 2026-10-25.
    expect(iso(zonedInstant('2026-10-24', '19:00', 'Europe/Paris'))).toBe('2026-10-24T17:00:00.000Z');
    expect(iso(zonedInstant('2026-10-25', '19:00', 'Europe/Paris'))).toBe('2026-10-25T18:00:00.000Z');
    // America/New_York changes on 2026-03-08; 19:00 there is already the next UTC day.
    expect(iso(zonedInstant('2026-03-07', '19:00', 'America/New_York'))).toBe('2026-03-08T00:00:00.000Z');
    expect(iso(zonedInstant('2026-03-08', '19:00', 'America/New_York'))).toBe('2026-03-08T23:00:00.000Z');
  });

  it('moves a time in the spring-forward gap forward and takes the first of a repeated hour', () => {
    expect(iso(zonedInstant('2026-03-08', '02:30', 'America/New_York'))).toBe('2026-03-08T07:30:00.000Z'); // 03:30 EDT
    expect(iso(zonedInstant('2026-11-01', '01:30', 'America/New_York'))).toBe('2026-11-01T05:30:00.000Z'); // 01:30 EDT, not EST
  });

  it('handles fractional offsets and zones east of the date line', () => {
    expect(iso(zonedInstant('2026-03-02', '19:00', 'Asia/Kolkata'))).toBe('2026-03-02T13:30:00.000Z');
    expect(iso(zonedInstant('2026-03-02', '08:00', 'Pacific/Auckland'))).toBe('2026-03-01T19:00:00.000Z');
    expect(localParts(new Date('2026-03-01T19:00:00Z'), 'Pacific/Auckland')).toEqual({ date: '2026-03-02', minutes: 8 * 60 });
  });
});

describe('quiet hours', () => {
  const overnight = { start: '22:00', end: '07:00' };
  it('defers a time inside an overnight window to its end, on the right day', () => {
    // 23:30 Paris on 2026-03-28 → 07:00 the next morning, which is already summer time.
    expect(iso(quietHoursEnd(new Date('2026-03-28T22:30:00Z'), overnight, 'Europe/Paris'))).toBe('2026-03-29T05:00:00.000Z');
    // 06:00 local → 07:00 the same day.
    expect(iso(quietHoursEnd(new Date('2026-03-02T05:00:00Z'), overnight, 'Europe/Paris'))).toBe('2026-03-02T06:00:00.000Z');
  });
  it('leaves times outside the window alone, and handles a daytime window', () => {
    expect(quietHoursEnd(new Date('2026-03-02T18:00:00Z'), overnight, 'Europe/Paris')).toBeNull();
    expect(quietHoursEnd(new Date('2026-03-02T06:00:00Z'), overnight, 'Europe/Paris')).toBeNull(); // 07:00 exactly: over
    expect(iso(quietHoursEnd(new Date('2026-03-02T13:00:00Z'), { start: '12:00', end: '14:00' }, 'Europe/London'))).toBe('2026-03-02T14:00:00.000Z');
    expect(quietHoursEnd(new Date('2026-03-02T13:00:00Z'), null, 'Europe/London')).toBeNull();
  });
});

describe('when scheduled notifications fall due', () => {
  const runner = (zone: string, prefs: Partial<PreferenceFields> = {}) => ({
    profile: { user_id: '00000000-0000-4000-8000-000000000001', time_zone: zone } as typeof userProfiles.$inferSelect,
    prefs: { ...DEFAULT_PREFERENCES, ...prefs },
  });
  const kinds = (zone: string, at: string, prefs?: Partial<PreferenceFields>) =>
    dueFor(runner(zone, prefs), new Date(at)).map((d) => `${d.kind} ${d.date} ${d.dueAt.toISOString()}`);

  it('reminds at 19:00 local about the next day, across the spring-forward change', () => {
    expect(kinds('Europe/Paris', '2026-03-28T17:59:00Z')).toEqual([]);
    expect(kinds('Europe/Paris', '2026-03-28T18:00:00Z')).toEqual(['workout_reminder 2026-03-29 2026-03-28T18:00:00.000Z']);
    // The day of the change: 19:00 is an hour earlier in UTC.
    expect(kinds('Europe/Paris', '2026-03-29T16:59:00Z')).toEqual([]);
    expect(kinds('Europe/Paris', '2026-03-29T17:00:00Z')).toEqual(['workout_reminder 2026-03-30 2026-03-29T17:00:00.000Z']);
  });

  it('uses each runner’s own zone and reminder time, and catches up for three hours only', () => {
    expect(kinds('America/New_York', '2026-03-09T00:30:00Z')).toEqual(['workout_reminder 2026-03-09 2026-03-08T23:00:00.000Z']);
    expect(kinds('Asia/Tokyo', '2026-03-03T12:15:00Z', { reminder_time: '21:15' })).toEqual(['workout_reminder 2026-03-04 2026-03-03T12:15:00.000Z']);
    expect(kinds('Europe/Paris', '2026-03-03T20:59:00Z')).toEqual(['workout_reminder 2026-03-04 2026-03-03T18:00:00.000Z']);
    expect(kinds('Europe/Paris', '2026-03-03T21:00:00Z')).toEqual([]);
    expect(kinds('Europe/Paris', '2026-03-03T18:30:00Z', { workout_reminder: false })).toEqual([]);
  });

  it('sends the weekly journal on Monday at 08:00 local, for the week before', () => {
    // 2026-03-02 is a Monday.
    expect(kinds('Europe/Paris', '2026-03-02T06:59:00Z')).toEqual([]);
    expect(kinds('Europe/Paris', '2026-03-02T07:00:00Z')).toEqual(['weekly_journal 2026-02-23 2026-03-02T07:00:00.000Z']);
    expect(kinds('Pacific/Auckland', '2026-03-01T19:00:00Z')).toEqual(['weekly_journal 2026-02-23 2026-03-01T19:00:00.000Z']);
    expect(kinds('Europe/Paris', '2026-03-03T07:00:00Z')).toEqual([]);
  });
});
