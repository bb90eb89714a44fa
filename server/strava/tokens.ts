import { eq, sql } from 'drizzle-orm';
import type { Database, DatabaseKind, Executor } from '../db/database.ts';
import { stravaConnections, stravaTokens } from '../db/schema.ts';
import { isStravaError, needsRefresh, refreshTokens, type StravaConnection, type StravaHttpOptions } from './api/index.ts';
import type { Config } from '../lib/config.ts';
import { AppError } from '../lib/errors.ts';
import { decryptToken, encryptToken } from './token-crypto.ts';
import { RetryLater } from '../jobs/run.ts';
import { notifyStravaDisconnected } from '../notifications/create.ts';

// Strava tokens at rest (docs/STRAVA.md §OAuth): AES-256-GCM, bound to the user and the column so a
// ciphertext copied elsewhere does not decrypt. Refresh ~5 min before expiry, one at a time per
// athlete, storing the rotated pair atomically, never blindly retrying one that timed out.

/** What the token functions need: the database, the config, the app clock and Strava transport options. */
export interface StravaCallContext {
  db: Database;
  dbKind: DatabaseKind;
  config: Config;
  now: () => Date;
  http: StravaHttpOptions;
  /** After a refresh timed out, wait this long (app clock) before trying the refresh token again. */
  uncertainRefreshWaitMs: number;
}

/** The user has no Strava connection (never connected, or disconnected meanwhile). */
export class StravaNotConnected extends AppError {
  constructor() {
    super('strava_not_connected', { message: 'Strava is not connected. Connect it in Settings.' });
  }
}

/** Strava no longer accepts our tokens: the runner must connect again. */
export class StravaNeedsReconnect extends AppError {
  constructor() {
    super('strava_reconnect_needed', { message: 'Strava no longer accepts our access. Please connect Strava again in Settings.' });
  }
}

const context = (column: 'access' | 'refresh', userId: string) => `strava:${column}:${userId}`;

/** Stores a new connection's tokens (encrypted) and resets its state; returns the new backfill generation. */
export async function saveConnection(db: Executor, key: Buffer, userId: string, connection: StravaConnection, scope: string, now: Date): Promise<number> {
  const values = {
    strava_athlete_id: connection.athleteId,
    access_token: encryptToken(key, connection.accessToken, context('access', userId)),
    refresh_token: encryptToken(key, connection.refreshToken, context('refresh', userId)),
    expires_at: connection.expiresAt,
    scope,
    updated_at: now,
  };
  await db
    .insert(stravaTokens)
    .values({ user_id: userId, ...values, created_at: now })
    .onConflictDoUpdate({ target: stravaTokens.user_id, set: values });
  const fresh = {
    backfill_status: 'pending' as const,
    backfill_next_page: 1,
    backfill_activities: 0,
    backfill_started_at: now,
    backfill_finished_at: null,
    backfill_after: null,
    refresh_uncertain_at: null,
    needs_reconnect: false,
    last_error: null,
    last_error_at: null,
    updated_at: now,
  };
  const [row] = await db
    .insert(stravaConnections)
    .values({ user_id: userId, ...fresh, created_at: now })
    .onConflictDoUpdate({ target: stravaConnections.user_id, set: { ...fresh, backfill_generation: sql`${stravaConnections.backfill_generation} + 1` } })
    .returning({ generation: stravaConnections.backfill_generation });
  return row!.generation;
}

/** The user owning a Strava athlete id (the webhook `owner_id`), or null. */
export async function userForAthlete(db: Executor, athleteId: string): Promise<string | null> {
  const [row] = await db.select({ userId: stravaTokens.user_id }).from(stravaTokens).where(eq(stravaTokens.strava_athlete_id, athleteId));
  return row?.userId ?? null;
}

/** The stored token row, or null when the user is not connected. */
export async function loadTokens(db: Executor, userId: string) {
  const [row] = await db.select().from(stravaTokens).where(eq(stravaTokens.user_id, userId));
  return row ?? null;
}

/** Records what went wrong for the status screen; `needsReconnect` when only a new connection helps. */
export async function recordConnectionError(
  db: Executor,
  userId: string,
  code: string,
  now: Date,
  options: { needsReconnect?: boolean; refreshUncertain?: boolean } = {},
): Promise<void> {
  const [state] = await db
    .update(stravaConnections)
    .set({
      last_error: code,
      last_error_at: now,
      updated_at: now,
      ...(options.needsReconnect ? { needs_reconnect: true } : {}),
      ...(options.refreshUncertain ? { refresh_uncertain_at: now } : {}),
    })
    .where(eq(stravaConnections.user_id, userId))
    .returning({ created: stravaConnections.created_at, generation: stravaConnections.backfill_generation });
  // Only a new connection helps: the runner hears of it once per connection.
  if (options.needsReconnect && state) await notifyStravaDisconnected(db, userId, 'token_revoked', `${state.created.getTime()}-${state.generation}`, now);
}

// PGlite is one process (its lock file guarantees it) with one connection: a transaction held
// across the refresh's HTTP call would stall every other query, webhooks included, so the
// per-athlete lock is in memory there. On Postgres it is the token row's lock (FOR UPDATE).
const localLocks = new Map<string, Promise<unknown>>();

async function withAthleteLock<T>(ctx: StravaCallContext, userId: string, fn: (db: Executor) => Promise<T>): Promise<T> {
  if (ctx.dbKind === 'postgres') {
    return ctx.db.transaction(async (tx) => {
      await tx.select({ id: stravaTokens.user_id }).from(stravaTokens).where(eq(stravaTokens.user_id, userId)).for('update');
      return fn(tx);
    });
  }
  const run = (localLocks.get(userId) ?? Promise.resolve()).catch(() => undefined).then(() => fn(ctx.db));
  const tail = run.catch(() => undefined);
  localLocks.set(userId, tail);
  try {
    return await run;
  } finally {
    if (localLocks.get(userId) === tail) localLocks.delete(userId);
  }
}

type Outcome = { token: string } | { error: Error };

/**
 * A usable access token for the user, refreshed first when it expires within ~5 minutes.
 * Throws StravaNotConnected, StravaNeedsReconnect, RetryLater (a refresh's outcome is unknown
 * and the old token has expired) or the StravaError of a refresh Strava refused for now.
 */
export async function accessTokenFor(ctx: StravaCallContext, userId: string): Promise<string> {
  const key = ctx.config.tokenEncryptionKey;
  const first = await loadTokens(ctx.db, userId);
  if (!first) throw new StravaNotConnected();
  if (!needsRefresh(first.expires_at, ctx.now())) {
    try {
      return decryptToken(key, first.access_token, context('access', userId));
    } catch {
      // Another TOKEN_ENCRYPTION_KEY, or a tampered row: only a new connection helps.
      await recordConnectionError(ctx.db, userId, 'strava_reconnect_needed', ctx.now(), { needsReconnect: true });
      throw new StravaNeedsReconnect();
    }
  }
  const outcome = await withAthleteLock<Outcome>(ctx, userId, async (db) => {
    const now = ctx.now();
    const row = await loadTokens(db, userId);
    if (!row) return { error: new StravaNotConnected() };
    const access = () => decryptToken(key, row.access_token, context('access', userId));
    // Another job refreshed while this one waited for the lock.
    if (!needsRefresh(row.expires_at, now)) return { token: access() };
    const [state] = await db.select().from(stravaConnections).where(eq(stravaConnections.user_id, userId));
    if (state?.needs_reconnect) return { error: new StravaNeedsReconnect() };
    const stillValid = row.expires_at.getTime() > now.getTime();
    const uncertainUntil = state?.refresh_uncertain_at ? state.refresh_uncertain_at.getTime() + ctx.uncertainRefreshWaitMs : 0;
    if (uncertainUntil > now.getTime()) {
      return stillValid ? { token: access() } : { error: new RetryLater('strava_refresh_uncertain', { until: new Date(uncertainUntil) }) };
    }
    try {
      const refreshToken = decryptToken(key, row.refresh_token, context('refresh', userId));
      const tokens = await refreshTokens({ ...ctx.http, config: ctx.config.strava, refreshToken });
      // Both tokens in one statement: the old refresh token may already be dead at Strava.
      await db
        .update(stravaTokens)
        .set({
          access_token: encryptToken(key, tokens.accessToken, context('access', userId)),
          refresh_token: encryptToken(key, tokens.refreshToken, context('refresh', userId)),
          expires_at: tokens.expiresAt,
          updated_at: now,
        })
        .where(eq(stravaTokens.user_id, userId));
      await db.update(stravaConnections).set({ refresh_uncertain_at: null, updated_at: now }).where(eq(stravaConnections.user_id, userId));
      return { token: tokens.accessToken };
    } catch (error) {
      if (isStravaError(error, 'timeout') || isStravaError(error, 'network')) {
        // Strava may have rotated the pair before the answer got lost: a blind retry could burn the
        // new refresh token's only chance. Keep using the old access token while it lives, then wait.
        await recordConnectionError(db, userId, 'strava_refresh_uncertain', now, { refreshUncertain: true });
        const until = new Date(now.getTime() + ctx.uncertainRefreshWaitMs);
        return stillValid ? { token: access() } : { error: new RetryLater('strava_refresh_uncertain', { until }) };
      }
      if (isStravaError(error, 'invalid_grant') || isStravaError(error, 'unauthorized') || (error as Error).name === 'TokenDecryptionError') {
        await recordConnectionError(db, userId, 'strava_reconnect_needed', now, { needsReconnect: true });
        return { error: new StravaNeedsReconnect() };
      }
      // 429 or 5xx: Strava refused before rotating anything; the caller waits or backs off.
      return { error: error as Error };
    }
  });
  if ('error' in outcome) throw outcome.error;
  return outcome.token;
}
