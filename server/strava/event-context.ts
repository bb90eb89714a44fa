import { eq } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { stravaEvents } from '../db/schema.ts';
import type { StravaClient } from './api/index.ts';
import type { Logger } from '../lib/log.ts';
import type { StravaCallContext } from './tokens.ts';

// What the event job's parts share (strava-events.ts, strava-deauthorization.ts).

export type EventStatus = 'processed' | 'ignored' | 'not_found' | 'failed';

/** A stored event, as the job reads it. */
export type StoredEvent = typeof stravaEvents.$inferSelect;

/** What processing an event needs: token access, a Strava client, the app clock, 404 retry delays. */
export interface EventContext {
  call: StravaCallContext;
  client: StravaClient;
  log: Logger;
  notFoundDelaysMs: number[];
  /** Told after a confirmed deauthorization purged the runner's Strava data (for the audit log). */
  onDeauthorized?: (userId: string) => Promise<void>;
}

/** Settles an event with its final status (and why, for the status screen and operators). */
export async function finish(db: Executor, id: string, status: EventStatus, now: Date, error: string | null = null): Promise<EventStatus> {
  await db.update(stravaEvents).set({ status, processed_at: now, error }).where(eq(stravaEvents.id, id));
  return status;
}
