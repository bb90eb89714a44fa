import { and, desc, eq, gt } from 'drizzle-orm';
import type { NotificationKind, PreferenceFields } from '#shared/schema/notifications.ts';
import type { Executor } from '../db/database.ts';
import { notificationPreferences, notifications, userProfiles } from '../db/schema.ts';
import { localDate } from '../lib/write-stamp.ts';
import type { GoalPayload, Payload, ProposalPayload, StravaPayload } from './kinds.ts';
import { fieldsOf, kindEnabled, quietHoursOf } from './preferences.ts';
import { contentFor, subjectFor } from './render.ts';
import { quietHoursEnd } from '#shared/time/zone.ts';

// Creating a notification is only a row in `notifications` (status pending, due at
// scheduled_for): no I/O, so domain code calls it inside its own transaction and a rollback
// takes the notification with it. The dispatcher (jobs.ts) sends due rows. The idempotency key
// makes creation idempotent: the same event or the same evening never makes two rows.

/** A notification to record. */
export interface NewNotification {
  userId: string;
  kind: NotificationKind;
  /** Deterministic per event, e.g. `workout_reminder:<user>:<date>`. */
  key: string;
  dueAt: Date;
  payload: Payload;
}

/** What creation needs to know about the runner (loaded when not given). */
export interface RunnerSettings {
  prefs: PreferenceFields;
  zone: string;
}

/** The runner's preferences and time zone. */
export async function runnerSettings(db: Executor, userId: string): Promise<RunnerSettings | null> {
  const [row] = await db
    .select({ zone: userProfiles.time_zone, prefs: notificationPreferences })
    .from(userProfiles)
    .leftJoin(notificationPreferences, eq(notificationPreferences.user_id, userProfiles.user_id))
    .where(eq(userProfiles.user_id, userId));
  return row ? { zone: row.zone, prefs: fieldsOf(row.prefs) } : null;
}

/**
 * Records a notification unless the runner turned its kind off; one due inside quiet hours is
 * due at their end instead. Returns the new row's id, or null (kind off, or already recorded).
 */
export async function createNotification(db: Executor, n: NewNotification, settings?: RunnerSettings): Promise<string | null> {
  const runner = settings ?? (await runnerSettings(db, n.userId));
  if (!runner || !kindEnabled(runner.prefs, n.kind)) return null;
  const dueAt = quietHoursEnd(n.dueAt, quietHoursOf(runner.prefs), runner.zone) ?? n.dueAt;
  const [row] = await db
    .insert(notifications)
    .values({
      user_id: n.userId,
      notification_type: n.kind,
      status: 'pending',
      scheduled_for: dueAt,
      idempotency_key: n.key,
      subject: subjectFor(n.kind, n.payload),
      content: contentFor(n.kind, n.payload),
      payload: n.payload,
    })
    .onConflictDoNothing({ target: notifications.idempotency_key })
    .returning({ id: notifications.id });
  return row?.id ?? null;
}

/** The goal was just flagged unrealistic: tell the runner (at most once per goal and local day). */
export async function notifyGoalUnrealistic(
  db: Executor,
  userId: string,
  goal: { id: string; title: string; flagged_reason: string | null },
  now: Date,
): Promise<void> {
  const runner = await runnerSettings(db, userId);
  if (!runner) return;
  const payload: GoalPayload = { goal_id: goal.id, title: goal.title, reason: goal.flagged_reason };
  await createNotification(
    db,
    { userId, kind: 'goal_unrealistic', key: `goal_unrealistic:${goal.id}:${localDate(now, runner.zone)}`, dueAt: now, payload },
    runner,
  );
}

/**
 * Strava access ended without the runner asking us to disconnect: they revoked it on Strava
 * (deauthorization) or Strava refuses the tokens. `episode` tells one loss from the next.
 */
export async function notifyStravaDisconnected(db: Executor, userId: string, reason: StravaPayload['reason'], episode: string, now: Date): Promise<void> {
  // One disconnection, one message: a revoked token is often noticed twice within moments (a
  // refused refresh, then Strava's deauthorization event confirmed by its job). The confirmed
  // deauthorization is the better account of what happened, so it rewrites a message not yet sent.
  const [recent] = await db
    .select({ id: notifications.id, status: notifications.status, payload: notifications.payload })
    .from(notifications)
    .where(
      and(
        eq(notifications.user_id, userId),
        eq(notifications.notification_type, 'strava_disconnected'),
        gt(notifications.scheduled_for, new Date(now.getTime() - DISCONNECT_NOTICE_MS)),
      ),
    )
    .orderBy(desc(notifications.scheduled_for))
    .limit(1);
  if (recent) {
    if (reason === 'deauthorized' && recent.status === 'pending' && (recent.payload as StravaPayload).reason !== reason) {
      const payload: StravaPayload = { reason };
      await db
        .update(notifications)
        .set({ payload, subject: subjectFor('strava_disconnected', payload), content: contentFor('strava_disconnected', payload) })
        .where(and(eq(notifications.id, recent.id), eq(notifications.status, 'pending')));
    }
    return;
  }
  await createNotification(db, {
    userId,
    kind: 'strava_disconnected',
    key: `strava_disconnected:${userId}:${reason}:${episode}`,
    dueAt: now,
    payload: { reason },
  });
}

/** Within this long of a "Strava is disconnected" message, another disconnection signal adds none. */
const DISCONNECT_NOTICE_MS = 3600_000;

/** How long a proposal waits for the runner (who usually answers in the chat) before an e-mail nudges them. */
export const PROPOSAL_NUDGE_MS = 30 * 60_000;

const CHANGE_WORDS: Record<string, string> = {
  move: 'Move',
  shorten: 'Shorten',
  swap: 'Swap the day of',
  rest: 'Rest instead of',
  easy: 'Run easy instead of',
};

/** The coach proposed a change: nudge the runner if it is still unanswered after a while. */
export async function notifyProposalWaiting(
  db: Executor,
  userId: string,
  proposal: { id: string; kind: string; title: string; date: string; reason: string },
  now: Date,
): Promise<void> {
  const summary = `${CHANGE_WORDS[proposal.kind] ?? 'Change'} “${proposal.title}” (${proposal.date}): ${proposal.reason}`;
  const payload: ProposalPayload = { proposal_id: proposal.id, summary };
  await createNotification(db, {
    userId,
    kind: 'coach_proposal',
    key: `coach_proposal:${proposal.id}`,
    dueAt: new Date(now.getTime() + PROPOSAL_NUDGE_MS),
    payload,
  });
}
