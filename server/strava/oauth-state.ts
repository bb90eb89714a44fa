import { eq } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { stravaOauthStates } from '../db/schema.ts';
import { keyedHash, randomToken, safeEqual } from '../lib/crypto.ts';

// The OAuth `state` (docs/STRAVA.md §OAuth): a one-time CSRF value bound to the session that asked to
// connect. Only its keyed hash is stored; it expires quickly and is deleted when used, valid or not.

/** How long the runner has to approve on Strava. */
export const STATE_TTL_MS = 10 * 60 * 1000;

/** Creates a state for this user and session; returns the value to send to Strava. */
export async function createOauthState(db: Executor, secret: string, userId: string, sessionHash: string, now: Date): Promise<string> {
  const state = randomToken(24);
  await db.insert(stravaOauthStates).values({
    state_hash: keyedHash(secret, `strava-state:${state}`),
    user_id: userId,
    session_hash: sessionHash,
    created_at: now,
    expires_at: new Date(now.getTime() + STATE_TTL_MS),
  });
  return state;
}

/** Uses up a state: true only when it exists, is unexpired and belongs to this user and session. */
export async function consumeOauthState(db: Executor, secret: string, state: string, userId: string, sessionHash: string, now: Date): Promise<boolean> {
  if (state.length === 0 || state.length > 100) return false;
  const [row] = await db
    .delete(stravaOauthStates)
    .where(eq(stravaOauthStates.state_hash, keyedHash(secret, `strava-state:${state}`)))
    .returning();
  if (!row) return false;
  return row.user_id === userId && safeEqual(row.session_hash, sessionHash) && row.expires_at.getTime() > now.getTime();
}
