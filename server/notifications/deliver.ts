import { and, eq, isNotNull, isNull } from 'drizzle-orm';
import type { NotificationKind, PreferenceFields } from '#shared/schema/notifications.ts';
import type { Database } from '../db/database.ts';
import { notificationPreferences, notifications, userProfiles, users } from '../db/schema.ts';
import type { Config } from '../lib/config.ts';
import type { Logger } from '../lib/log.ts';
import { localDate } from '../lib/write-stamp.ts';
import type { Payload } from './kinds.ts';
import { DeliveryError, type EmailChannel, type OutgoingEmail } from './mail.ts';
import { fieldsOf, kindEnabled, quietHoursOf } from './preferences.ts';
import { staleReason } from './relevance.ts';
import { renderBodies, subjectFor } from './render.ts';
import { bareAddress } from './smtp.ts';
import { unsubscribeUrl } from './unsubscribe.ts';
import { quietHoursEnd } from '#shared/time/zone.ts';

// One delivery attempt of one notification: pending → sent | failed | skipped, or back to
// pending with a later scheduled_for (quiet hours, a retry's back-off).
//
// Exactly once. An attempt first claims the row: `attempts` goes up by one in a conditional
// update, which only one worker can win, and that number fences every later write of the
// attempt. Just before the message can first be complete at the provider (SMTP: before the last
// byte of DATA; Resend: before the request), the attempt sets `handed_over_at`, fenced by its
// number and, for SMTP, by the marker still being unset. Hence:
//   - SMTP: at most one attempt ever completes DATA for a notification, whatever crashes or
//     overlaps; a later attempt that finds the marker without an outcome knows the earlier one
//     died between hand-over and record, and records `sent` (unconfirmed) instead of sending.
//     The one residual risk is the reverse loss: a crash after the marker but before the mail
//     server received the final "." leaves an e-mail recorded as sent (unconfirmed) that never went.
//   - Resend: every attempt sends the same body under the same Idempotency-Key, so a retry after
//     any crash or lost answer gets the first e-mail's id back instead of a second e-mail, for the
//     24 h Resend keeps keys; our retries all fall well inside that window.

/** What a delivery needs. */
export interface DeliveryEnv {
  db: Database;
  config: Config;
  now: () => Date;
  log: Logger;
  channel: EmailChannel | null;
  /** How long a claim holds (app clock); longer than a send's deadline. */
  leaseMs: number;
  /** Test seam: runs after the provider answered, before the outcome is recorded (a crash there). */
  afterSend?: (notificationId: string) => Promise<void>;
}

/** How an attempt ended. */
export type DeliveryOutcome = 'sent' | 'sent_unconfirmed' | 'failed' | 'skipped' | 'retry_scheduled' | 'deferred' | 'not_due' | 'already_done' | 'busy';

/** Attempts before a temporary failure becomes `failed`. */
export const MAX_ATTEMPTS = 8;

/** The wait before attempt `attempts + 1`: 1, 2, 4 … minutes, at most an hour (~2 h in all). */
export function backoffMs(attempts: number): number {
  return Math.min(60, 2 ** Math.max(0, attempts - 1)) * 60_000;
}

type Row = typeof notifications.$inferSelect;
type Update = Partial<typeof notifications.$inferInsert>;

/** Runs one attempt of notification `id`. Unexpected errors (the database) are thrown for the job to retry. */
export async function deliver(env: DeliveryEnv, id: string): Promise<DeliveryOutcome> {
  const now = env.now();
  const [row] = await env.db.select().from(notifications).where(eq(notifications.id, id));
  if (!row || row.status !== 'pending') return 'already_done';
  if (row.scheduled_for.getTime() > now.getTime()) return 'not_due';
  if (row.claimed_at && now.getTime() - row.claimed_at.getTime() < env.leaseMs) return 'busy';
  const ctx = await recipient(env.db, row.user_id);
  const kind = row.notification_type as NotificationKind;
  // Before anything can have reached a provider, the runner's settings and the facts decide;
  // after a hand-over the message may be out already, and only the outcome is left to settle.
  if (!row.handed_over_at) {
    if (!ctx || !kindEnabled(ctx.prefs, kind))
      return settle(env, row, row.attempts, 'skipped', { status: 'skipped', error: 'Turned off in your notification settings.' });
    const quietEnd = quietHoursEnd(now, quietHoursOf(ctx.prefs), ctx.zone);
    if (quietEnd) return settle(env, row, row.attempts, 'deferred', { scheduled_for: quietEnd });
    if (!env.channel)
      return settle(env, row, row.attempts, 'skipped', {
        status: 'skipped',
        error: 'No e-mail channel configured: the server has neither SMTP_URL nor RESEND_API_KEY.',
      });
    const stale = await staleReason(env.db, row.user_id, kind, row.payload as Payload, localDate(now, ctx.zone));
    if (stale) return settle(env, row, row.attempts, 'skipped', { status: 'skipped', error: stale });
  }
  const channel = env.channel;
  const claimed = await claim(env, row, channel?.name ?? null);
  if (claimed === null) return 'busy';
  if (!ctx || !channel || (row.handed_over_at && !channel.dedupes)) {
    return settle(env, row, claimed, 'sent_unconfirmed', {
      status: 'sent',
      sent_at: now,
      error: 'Unconfirmed: an earlier attempt stopped after handing the e-mail to the mail server; it was not sent again, to avoid a duplicate.',
    });
  }
  const mail = compose(env.config, row, ctx);
  const handOver = async () => {
    // Fenced by this attempt's claim: once the attempt settled (or lost the row), a late marker cannot land.
    const fence = and(
      eq(notifications.id, row.id),
      eq(notifications.status, 'pending'),
      eq(notifications.attempts, claimed),
      isNotNull(notifications.claimed_at),
      ...(channel.dedupes ? [] : [isNull(notifications.handed_over_at)]),
    );
    const marked = await env.db.update(notifications).set({ handed_over_at: env.now() }).where(fence).returning({ id: notifications.id });
    if (marked.length === 0) throw new LostClaim();
  };
  let response: string;
  try {
    response = await channel.send(mail, { handOver });
  } catch (error) {
    if (error instanceof LostClaim || (error as { cause?: unknown }).cause instanceof LostClaim) return 'busy';
    if (!(error instanceof DeliveryError)) {
      // Not the provider's answer (our bug, the database): the claim lapses and the job retries.
      throw error;
    }
    return failed(env, row, claimed, error, channel.dedupes);
  }
  await env.afterSend?.(row.id);
  return settle(env, row, claimed, 'sent', { status: 'sent', sent_at: env.now(), error: null, provider_response: response });
}

class LostClaim extends Error {
  override name = 'LostClaim';
  constructor() {
    super('another attempt holds this notification');
  }
}

/** Records a failed attempt: stop (permanent), retry later, or (SMTP, uncertain) never again. */
async function failed(env: DeliveryEnv, row: Row, attempt: number, error: DeliveryError, dedupes: boolean): Promise<DeliveryOutcome> {
  const now = env.now();
  if (error.kind === 'permanent') return settle(env, row, attempt, 'failed', { status: 'failed', error: error.message });
  if (error.kind === 'uncertain' && !dedupes) {
    return settle(env, row, attempt, 'sent_unconfirmed', {
      status: 'sent',
      sent_at: now,
      error: `Unconfirmed: ${error.message} It was not sent again, to avoid a duplicate.`,
    });
  }
  if (attempt >= MAX_ATTEMPTS) return settle(env, row, attempt, 'failed', { status: 'failed', error: `Gave up after ${attempt} attempts. ${error.message}` });
  // A definite refusal means nothing was accepted: the marker goes. An uncertain one (Resend) stays.
  const marker = error.kind === 'temporary' ? { handed_over_at: null } : {};
  return settle(env, row, attempt, 'retry_scheduled', { ...marker, scheduled_for: new Date(now.getTime() + backoffMs(attempt)), error: error.message });
}

/** Takes the row for one attempt; returns the attempt's number, or null when another worker won. */
async function claim(env: DeliveryEnv, row: Row, channel: string | null): Promise<number | null> {
  const now = env.now();
  const [claimed] = await env.db
    .update(notifications)
    .set({
      attempts: row.attempts + 1,
      claimed_at: now,
      channel: channel ?? row.channel,
      message_id: row.message_id ?? messageIdFor(env.config, row.id),
      updated_at: now,
    })
    .where(and(eq(notifications.id, row.id), eq(notifications.status, 'pending'), eq(notifications.attempts, row.attempts)))
    .returning({ attempts: notifications.attempts });
  return claimed?.attempts ?? null;
}

/** Writes an outcome, fenced by the attempt number; the claim is released. */
async function settle(env: DeliveryEnv, row: Row, attempt: number, outcome: DeliveryOutcome, update: Update): Promise<DeliveryOutcome> {
  const written = await env.db
    .update(notifications)
    .set({ ...update, claimed_at: null, updated_at: env.now() })
    .where(and(eq(notifications.id, row.id), eq(notifications.status, 'pending'), eq(notifications.attempts, attempt)))
    .returning({ id: notifications.id });
  if (written.length === 0) return 'busy';
  const fields = { notification: row.id, user_id: row.user_id, kind: row.notification_type, attempt, outcome };
  if (outcome === 'failed' || outcome === 'retry_scheduled') env.log.warn('notification not delivered', { ...fields, reason: update.error });
  else env.log.info('notification', fields);
  return outcome;
}

interface Recipient {
  email: string;
  name: string;
  zone: string;
  prefs: PreferenceFields;
}

async function recipient(db: Database, userId: string): Promise<Recipient | null> {
  const [row] = await db
    .select({ email: users.email, name: users.name, zone: userProfiles.time_zone, prefs: notificationPreferences })
    .from(users)
    .innerJoin(userProfiles, eq(userProfiles.user_id, users.id))
    .leftJoin(notificationPreferences, eq(notificationPreferences.user_id, users.id))
    .where(eq(users.id, userId));
  return row ? { email: row.email, name: row.name, zone: row.zone, prefs: fieldsOf(row.prefs) } : null;
}

/** `<notification-id@sender domain>`: the same on every attempt. */
export function messageIdFor(config: Config, id: string): string {
  const domain = bareAddress(config.email.from).split('@')[1] ?? new URL(config.publicUrl).hostname;
  return `<${id}@${domain}>`;
}

/** The e-mail of a notification: subject and payload from the row, the one-click unsubscribe headers (RFC 8058). */
export function compose(config: Config, row: Row, to: { email: string; name: string }): OutgoingEmail {
  const kind = row.notification_type as NotificationKind;
  const payload = row.payload as Payload;
  const unsubscribe = unsubscribeUrl(config.publicUrl, config.sessionSecret, row.user_id, kind);
  const { text, html } = renderBodies(kind, payload, { name: to.name, publicUrl: config.publicUrl, unsubscribeUrl: unsubscribe });
  return {
    notificationId: row.id,
    messageId: row.message_id ?? messageIdFor(config, row.id),
    idempotencyKey: `runcoach-notification/${row.id}`,
    from: config.email.from,
    to: to.email,
    subject: row.subject ?? subjectFor(kind, payload),
    text,
    html,
    headers: { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
}
