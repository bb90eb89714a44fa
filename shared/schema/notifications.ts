import { z } from 'zod';

// E-mail notifications (issue 9): the kinds, the runner's preferences (REST, and the
// notifications.preferences.update@1 mutation) and the log entries GET /api/notifications shows.

/** Every kind of notification, in the order Settings lists them. */
export const NOTIFICATION_KINDS = ['workout_reminder', 'weekly_journal', 'goal_unrealistic', 'strava_disconnected', 'coach_proposal'] as const;
export const NotificationKindSchema = z.enum(NOTIFICATION_KINDS);
/** One of NOTIFICATION_KINDS. */
export type NotificationKind = z.infer<typeof NotificationKindSchema>;

/** What each kind is called in Settings, e-mails and the unsubscribe page. */
export const KIND_LABELS: Record<NotificationKind, string> = {
  workout_reminder: 'Tomorrow’s workout reminders',
  weekly_journal: 'Weekly journal e-mails',
  goal_unrealistic: 'Goal feasibility warnings',
  strava_disconnected: 'Strava connection alerts',
  coach_proposal: 'Coach proposal reminders',
};

/** pending → sent | failed | skipped (ARCHITECTURE §5 log). */
export const NOTIFICATION_STATUSES = ['pending', 'sent', 'failed', 'skipped'] as const;
/** One of NOTIFICATION_STATUSES. */
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/** A local wall-clock time, `HH:MM` (24 h). */
export const LocalTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time as HH:MM (24 h), e.g. 19:00');

/** The editable fields, as stored (one column each, so sync merges them field by field). */
export const PreferenceFieldsSchema = z.object({
  workout_reminder: z.boolean(),
  weekly_journal: z.boolean(),
  goal_unrealistic: z.boolean(),
  strava_disconnected: z.boolean(),
  coach_proposal: z.boolean(),
  /** When tomorrow's workout reminder goes out, in the runner's time zone. */
  reminder_time: LocalTimeSchema,
  /** Also remind on the evening before a rest day. */
  remind_rest_days: z.boolean(),
  /** Nothing is sent between start and end (local; may span midnight); both set or both null. */
  quiet_hours_start: LocalTimeSchema.nullable(),
  quiet_hours_end: LocalTimeSchema.nullable(),
});
export type PreferenceFields = z.infer<typeof PreferenceFieldsSchema>;

/** A runner who never changed anything gets these. */
export const DEFAULT_PREFERENCES: PreferenceFields = {
  workout_reminder: true,
  weekly_journal: true,
  goal_unrealistic: true,
  strava_disconnected: true,
  coach_proposal: true,
  reminder_time: '19:00',
  remind_rest_days: false,
  quiet_hours_start: null,
  quiet_hours_end: null,
};

/** PUT /api/notifications/preferences and the mutation's `set`: any subset of the fields. */
export const PreferencesUpdateSchema = PreferenceFieldsSchema.partial()
  .strict()
  .refine((update) => Object.keys(update).length > 0, { message: 'send at least one field' });
export type PreferencesUpdate = z.infer<typeof PreferencesUpdateSchema>;

/** The problem with a merged set of preferences, or null; checked after merging a partial update. */
export function preferencesProblem(p: Pick<PreferenceFields, 'quiet_hours_start' | 'quiet_hours_end'>): { path: string; message: string } | null {
  if ((p.quiet_hours_start === null) !== (p.quiet_hours_end === null)) {
    return { path: p.quiet_hours_start === null ? 'quiet_hours_start' : 'quiet_hours_end', message: 'quiet hours need both a start and an end (or neither)' };
  }
  if (p.quiet_hours_start !== null && p.quiet_hours_start === p.quiet_hours_end) {
    return { path: 'quiet_hours_end', message: 'quiet hours must end at another time than they start' };
  }
  return null;
}

/** The preferences as the API answers them. */
export const PreferencesSchema = PreferenceFieldsSchema.extend({
  user_id: z.string(),
  updated_at: z.string().nullable(),
  /** Which e-mail channel the server has ('smtp', 'resend'), or null: nothing is e-mailed then. */
  email_channel: z.enum(['smtp', 'resend']).nullable(),
});
export type Preferences = z.infer<typeof PreferencesSchema>;

/** One entry of GET /api/notifications. */
export const NotificationSchema = z.object({
  id: z.string(),
  notification_type: NotificationKindSchema,
  status: z.enum(NOTIFICATION_STATUSES),
  channel: z.string(),
  subject: z.string().nullable(),
  content: z.string(),
  scheduled_for: z.string(),
  sent_at: z.string().nullable(),
  /** Why it failed or was skipped, in words a runner reads (or a note on an unconfirmed send). */
  error: z.string().nullable(),
  attempts: z.number().int(),
  created_at: z.string(),
});
export type Notification = z.infer<typeof NotificationSchema>;

/** GET /api/notifications: newest first. */
export const NotificationsQuerySchema = z
  .object({
    status: z.enum(NOTIFICATION_STATUSES).optional(),
    notification_type: NotificationKindSchema.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
