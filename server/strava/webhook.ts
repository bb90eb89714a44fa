import { eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { stravaEvents, stravaSettings, stravaTokens } from '../db/schema.ts';
import { dedupeKey, type StravaWebhookEvent } from './api/index.ts';
import { ATHLETE_EVENTS_PER_RUNNER_PER_HOUR, EVENTS_PER_RUNNER_PER_HOUR, windowStart } from './event-guards.ts';
import { readStravaSettings } from './pause.ts';
import { userForAthlete } from './tokens.ts';

// Receiving webhook events (docs/STRAVA.md §Webhooks): stored at once and deduplicated on
// (subscription, object, aspect, event time); a job processes each (strava-events.ts). Nothing
// is changed on an event's word: a delete or a deauthorization is confirmed with Strava by the
// job first (events carry no signature). Events are refused while no subscription is recorded,
// when they name another subscription or an unknown owner, and past a runner's hourly cap.

export type IgnoredReason = 'no_subscription' | 'unknown_subscription' | 'unknown_owner' | 'too_many_events';

export type ReceiveOutcome = { kind: 'stored'; eventId: string; userId: string } | { kind: 'duplicate' } | { kind: 'ignored'; reason: IgnoredReason };

/**
 * The webhook's path for every event, many at once (a group commit: the events of concurrent
 * webhook requests share one statement). One statement finds each owner, checks the recorded
 * subscription and the owner's hourly cap, and stores the new events; only for events it did not
 * store does a second look say why. Outcomes are in input order.
 */
export async function storeEvents(db: Executor, events: StravaWebhookEvent[], now: Date): Promise<ReceiveOutcome[]> {
  const keys = events.map(dedupeKey);
  const rows = [...new Map(events.map((e, i) => [keys[i]!, e])).entries()].map(([key, e], ord) => ({
    ord,
    dedupe_key: key,
    subscription_id: e.subscription_id,
    owner_id: e.owner_id,
    object_type: e.object_type,
    object_id: e.object_id,
    aspect_type: e.aspect_type,
    updates: e.updates,
    event_time: new Date(e.event_time * 1000).toISOString(),
  }));
  // `nth` numbers a runner's new events in this batch, so a burst in one batch meets the cap too;
  // athlete events (deauthorizations) have a cap of their own, so forged creates cannot crowd one out.
  const inserted = await db.execute(sql`
    with batch as (
      select v.*, t.user_id, v.object_type = 'athlete' as athlete, row_number() over (partition by t.user_id, v.object_type = 'athlete' order by v.ord) as nth
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(ord int, dedupe_key text, subscription_id text, owner_id text, object_type text, object_id text, aspect_type text, updates jsonb, event_time timestamptz)
      join ${stravaTokens} t on t.strava_athlete_id = v.owner_id
      join ${stravaSettings} s on s.id = 1 and s.subscription_id = v.subscription_id
      where not exists (select 1 from ${stravaEvents} d where d.dedupe_key = v.dedupe_key)
    ), recent as (
      select e.user_id, e.object_type = 'athlete' as athlete, count(*)::int as n from ${stravaEvents} e
      where e.user_id in (select user_id from batch) and e.received_at > ${windowStart(now).toISOString()}::timestamptz
      group by e.user_id, e.object_type = 'athlete'
    )
    insert into ${stravaEvents} (dedupe_key, user_id, subscription_id, owner_id, object_type, object_id, aspect_type, updates, event_time, received_at, status)
    select b.dedupe_key, b.user_id, b.subscription_id, b.owner_id, b.object_type, b.object_id, b.aspect_type, b.updates, b.event_time, ${now.toISOString()}::timestamptz, 'received'
    from batch b left join recent r on r.user_id = b.user_id and r.athlete = b.athlete
    where coalesce(r.n, 0) + b.nth <= case when b.athlete then ${ATHLETE_EVENTS_PER_RUNNER_PER_HOUR}::int else ${EVENTS_PER_RUNNER_PER_HOUR}::int end
    on conflict (dedupe_key) do nothing
    returning id, user_id, dedupe_key`);
  const stored = new Map((inserted as unknown as { rows: { id: string; user_id: string; dedupe_key: string }[] }).rows.map((r) => [r.dedupe_key, r]));
  const claimed = new Set<string>();
  const missing = events.filter((_, i) => !stored.has(keys[i]!));
  const why = missing.length ? await whyNotStored(db, missing) : null;
  return events.map((e, i): ReceiveOutcome => {
    const row = stored.get(keys[i]!);
    // The same event twice in one batch: the first is stored, the second is a repeat.
    if (row && !claimed.has(row.dedupe_key)) {
      claimed.add(row.dedupe_key);
      return { kind: 'stored', eventId: row.id, userId: row.user_id };
    }
    if (row) return { kind: 'duplicate' };
    const reason = why!(e, keys[i]!);
    return reason === 'duplicate' ? { kind: 'duplicate' } : { kind: 'ignored', reason };
  });
}

/** For events the insert left out: read once per batch, and only when there are such events. */
async function whyNotStored(db: Executor, missing: StravaWebhookEvent[]): Promise<(event: StravaWebhookEvent, key: string) => IgnoredReason | 'duplicate'> {
  const { subscription_id: subscription } = await readStravaSettings(db);
  const owners = new Set<string>();
  for (const e of missing) if (!owners.has(e.owner_id) && (await userForAthlete(db, e.owner_id))) owners.add(e.owner_id);
  const keys = missing.map(dedupeKey);
  const known = new Set((await db.select({ key: stravaEvents.dedupe_key }).from(stravaEvents).where(inArray(stravaEvents.dedupe_key, keys))).map((r) => r.key));
  return (e, key) => {
    if (!subscription) return 'no_subscription';
    if (subscription !== e.subscription_id) return 'unknown_subscription';
    if (!owners.has(e.owner_id)) return 'unknown_owner';
    return known.has(key) ? 'duplicate' : 'too_many_events';
  };
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
