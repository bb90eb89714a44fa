import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { stravaEvents, stravaSettings, stravaTokens } from '../db/schema.ts';
import { dedupeKey, isDeauthorization, type StravaWebhookEvent } from '../integrations/strava/index.ts';
import { deleteActivity } from './activities.ts';
import { rematchDays, userToday } from './matching.ts';
import { readStravaSettings } from './strava-pause.ts';
import { purgeUserStravaData } from './strava-purge.ts';
import { userForAthlete } from './strava-tokens.ts';
import { notifyStravaDisconnected } from '../notifications/create.ts';

// Receiving webhook events (STRAVA.md §webhooks): stored at once and deduplicated on
// (subscription, object, aspect, event time); a job processes each (strava-events.ts).
// Unknown subscriptions and owners are answered and ignored.

export type ReceiveOutcome =
  | { kind: 'stored'; eventId: string; userId: string }
  | { kind: 'duplicate' }
  | { kind: 'ignored'; reason: 'unknown_subscription' | 'unknown_owner' }
  | { kind: 'purged'; userId: string };

/**
 * The webhook's fast path for activity create/update events, many at once (a group commit: the
 * events of concurrent webhook requests share one statement). One statement finds each owner,
 * checks the subscription and stores the new events; only for events it did not store does a
 * second look say why (a repeat, an unknown owner or subscription). Outcomes are in input order.
 */
export async function storeEvents(db: Executor, events: StravaWebhookEvent[], now: Date): Promise<ReceiveOutcome[]> {
  const keys = events.map(dedupeKey);
  const rows = [...new Map(events.map((e, i) => [keys[i]!, e])).entries()].map(([key, e]) => ({
    dedupe_key: key,
    subscription_id: e.subscription_id,
    owner_id: e.owner_id,
    object_type: e.object_type,
    object_id: e.object_id,
    aspect_type: e.aspect_type,
    updates: e.updates,
    event_time: new Date(e.event_time * 1000).toISOString(),
  }));
  const inserted = await db.execute(sql`
    insert into ${stravaEvents} (dedupe_key, user_id, subscription_id, owner_id, object_type, object_id, aspect_type, updates, event_time, received_at, status)
    select v.dedupe_key, t.user_id, v.subscription_id, v.owner_id, v.object_type, v.object_id, v.aspect_type, v.updates, v.event_time, ${now.toISOString()}::timestamptz, 'received'
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(dedupe_key text, subscription_id text, owner_id text, object_type text, object_id text, aspect_type text, updates jsonb, event_time timestamptz)
    join ${stravaTokens} t on t.athlete_id = v.owner_id
    left join ${stravaSettings} s on s.id = 1
    where s.subscription_id is null or s.subscription_id = v.subscription_id
    on conflict (dedupe_key) do nothing
    returning id, user_id, dedupe_key`);
  const stored = new Map((inserted as unknown as { rows: { id: string; user_id: string; dedupe_key: string }[] }).rows.map((r) => [r.dedupe_key, r]));
  const claimed = new Set<string>();
  const missing = events.filter((_, i) => !stored.has(keys[i]!));
  // Why the others were not stored: read once per batch, and only when there are others.
  const { subscription_id: subscription } = missing.length ? await readStravaSettings(db) : { subscription_id: null };
  const owners = new Set<string>();
  for (const e of missing) if (!owners.has(e.owner_id) && (await userForAthlete(db, e.owner_id))) owners.add(e.owner_id);
  return events.map((e, i): ReceiveOutcome => {
    const row = stored.get(keys[i]!);
    // The same event twice in one batch: the first is stored, the second is a repeat.
    if (row && !claimed.has(row.dedupe_key)) {
      claimed.add(row.dedupe_key);
      return { kind: 'stored', eventId: row.id, userId: row.user_id };
    }
    if (row) return { kind: 'duplicate' };
    if (subscription && subscription !== e.subscription_id) return { kind: 'ignored', reason: 'unknown_subscription' };
    return owners.has(e.owner_id) ? { kind: 'duplicate' } : { kind: 'ignored', reason: 'unknown_owner' };
  });
}

/** Whether an event must change data at once (a delete, a deauthorization): receiveEvent, in a transaction. */
export function actsAtOnce(event: StravaWebhookEvent): boolean {
  return isDeauthorization(event) || (event.object_type === 'activity' && event.aspect_type === 'delete');
}

/**
 * Stores an event inside the webhook's transaction. A deauthorization purges the athlete's data
 * and an activity `delete` removes the activity here and now (STRAVA.md: at once); everything
 * else is left for the job the caller queues in the same transaction.
 */
export async function receiveEvent(tx: Executor, event: StravaWebhookEvent, now: Date): Promise<ReceiveOutcome> {
  const { subscription_id: subscription } = await readStravaSettings(tx);
  // With no subscription recorded (created outside our command), the owner check and the
  // refetch with the owner's own token are the trust (STRAVA.md: there is no signature).
  if (subscription && subscription !== event.subscription_id) return { kind: 'ignored', reason: 'unknown_subscription' };
  const userId = await userForAthlete(tx, event.owner_id);
  if (!userId) return { kind: 'ignored', reason: 'unknown_owner' };
  if (isDeauthorization(event)) {
    await purgeUserStravaData(tx, userId, now);
    await notifyStravaDisconnected(tx, userId, 'deauthorized', String(event.event_time), now);
    return { kind: 'purged', userId };
  }
  const [row] = await tx
    .insert(stravaEvents)
    .values({
      dedupe_key: dedupeKey(event),
      user_id: userId,
      subscription_id: event.subscription_id,
      owner_id: event.owner_id,
      object_type: event.object_type,
      object_id: event.object_id,
      aspect_type: event.aspect_type,
      updates: event.updates,
      event_time: new Date(event.event_time * 1000),
      received_at: now,
      status: 'received',
    })
    .onConflictDoNothing({ target: stravaEvents.dedupe_key })
    .returning({ id: stravaEvents.id });
  if (!row) return { kind: 'duplicate' };
  if (event.object_type === 'activity' && event.aspect_type === 'delete') {
    const date = await deleteActivity(tx, userId, 'strava', event.object_id);
    if (date) await rematchDays(tx, userId, [date], now, await userToday(tx, userId, now));
  }
  return { kind: 'stored', eventId: row.id, userId };
}

/**
 * Events stored but not yet processed. The queue re-sends them at start and hourly (job ids
 * derive from the event id, so one already queued is not queued twice): an event stored just
 * before a crash, or while no queue ran, is never lost.
 */
export async function pendingEvents(db: Executor): Promise<string[]> {
  const rows = await db.select({ id: stravaEvents.id }).from(stravaEvents).where(eq(stravaEvents.status, 'received'));
  return rows.map((r) => r.id);
}

