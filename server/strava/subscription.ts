import type { Executor } from '../db/database.ts';
import { stravaSettings } from '../db/schema.ts';
import { createSubscription, deleteSubscription, viewSubscriptions, type StravaHttpOptions } from './api/index.ts';
import type { Config } from '../lib/config.ts';
import { readStravaSettings } from './pause.ts';

// The app's one push subscription (docs/STRAVA.md §Webhooks), for the operator command. The id we
// created is recorded so webhook events naming another subscription are ignored.

export type SubscriptionAction = 'create' | 'view' | 'delete';

export interface SubscriptionResult {
  action: SubscriptionAction;
  /** The subscriptions Strava lists (view), or the one created or deleted. */
  subscriptions: { id: string; callback_url?: string | undefined }[];
  /** The id recorded in our database after the action. */
  recorded: string | null;
}

/** The webhook URL Strava should call: PUBLIC_URL + /api/strava/webhook. */
export function defaultCallbackUrl(config: Config): string {
  return `${config.publicUrl}/api/strava/webhook`;
}

async function record(db: Executor, id: string | null, callbackUrl: string | null, now: Date): Promise<void> {
  const values = { subscription_id: id, callback_url: callbackUrl, updated_at: now };
  await db
    .insert(stravaSettings)
    .values({ id: 1, ...values })
    .onConflictDoUpdate({ target: stravaSettings.id, set: values });
}

/**
 * Creates, lists or deletes the push subscription at Strava and records the result. Creating
 * needs the server to be serving the callback already: Strava validates it before answering.
 */
export async function manageSubscription(
  db: Executor,
  config: Config,
  action: SubscriptionAction,
  options: { callbackUrl?: string | undefined; id?: string | undefined; now: Date; http?: StravaHttpOptions },
): Promise<SubscriptionResult> {
  const call = { ...options.http, config: config.strava };
  if (action === 'create') {
    const callbackUrl = options.callbackUrl ?? defaultCallbackUrl(config);
    const { id } = await createSubscription({ ...call, callbackUrl, verifyToken: config.strava.webhookVerifyToken });
    await record(db, id, callbackUrl, options.now);
    return { action, subscriptions: [{ id, callback_url: callbackUrl }], recorded: id };
  }
  const listed = await viewSubscriptions(call);
  const settings = await readStravaSettings(db);
  if (action === 'view') {
    // Strava knows best: adopt the one it lists, so events are checked against the live id.
    const live = listed[0];
    if (live && live.id !== settings.subscription_id) await record(db, live.id, live.callback_url ?? null, options.now);
    if (!live && settings.subscription_id) await record(db, null, null, options.now);
    return { action, subscriptions: listed.map((s) => ({ id: s.id, callback_url: s.callback_url })), recorded: live?.id ?? null };
  }
  const id = options.id ?? settings.subscription_id ?? listed[0]?.id;
  if (!id) return { action, subscriptions: [], recorded: settings.subscription_id };
  await deleteSubscription({ ...call, id });
  if (settings.subscription_id === id || !settings.subscription_id) await record(db, null, null, options.now);
  return { action, subscriptions: [{ id }], recorded: settings.subscription_id === id ? null : settings.subscription_id };
}
