import { and, eq, gt, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { authThrottle } from '../db/schema.ts';
import { sha256 } from '../lib/crypto.ts';

// Attempt counters in the database, so every instance on it shares one limit. An attempt is
// counted BEFORE the password work it guards, in one atomic upsert: concurrent attempts queue
// on the row and the (limit + 1)th sees the count full, however many race. Attempts that turn
// out not to be failures are handed back with `refundAttempt`, so a limit counts failures
// (plus attempts still in flight), not use.

const MINUTE = 60 * 1000;

/** A limit: at most `limit` attempts per key in a window of `windowMs` from the first one. */
export interface ThrottleRule {
  /** Prefix of the key, so one value (an address) counts separately per purpose. */
  scope: string;
  limit: number;
  windowMs: number;
}

/** The limits; README states the sign-in ones. */
export const THROTTLE_RULES = {
  /** Password guesses at one account from devices that have never signed in to it. */
  signInEmail: { scope: 'sign-in:email', limit: 5, windowMs: 15 * MINUTE },
  /** Password guesses from one known device (its own budget: strangers cannot spend it). */
  signInDevice: { scope: 'sign-in:device', limit: 5, windowMs: 15 * MINUTE },
  /** Failed sign-ins from one address, whatever the account: stops sprays over many accounts. */
  signInAddress: { scope: 'sign-in:address', limit: 20, windowMs: 15 * MINUTE },
  /** Failed sign-ups from one address: unknown invite codes, taken e-mails. */
  signUpAddress: { scope: 'sign-up:address', limit: 10, windowMs: 60 * MINUTE },
  /** Wrong passwords when deleting one account. */
  accountPassword: { scope: 'account-password:user', limit: 5, windowMs: 15 * MINUTE },
  /** Reset links asked for from one address, whatever the e-mail. */
  resetRequestAddress: { scope: 'reset-request:address', limit: 10, windowMs: 60 * MINUTE },
  /** Reset links asked for one e-mail address (known or not): an inbox is not flooded. */
  resetRequestEmail: { scope: 'reset-request:email', limit: 3, windowMs: 60 * MINUTE },
} as const satisfies Record<string, ThrottleRule>;

/** A counted attempt, to hand back when it was not a failure. */
export interface AttemptTicket {
  key: string;
  windowEndsAt: Date;
}

export type Attempt = { allowed: true; ticket: AttemptTicket } | { allowed: false; retryAfterSeconds: number };

// Hashed: keys stay short whatever was typed, and the table holds no e-mail or address.
function keyOf(rule: ThrottleRule, value: string): string {
  return `${rule.scope}:${sha256(value)}`;
}

/** Counts one attempt for `value` under `rule`, unless its window is already full. */
export async function takeAttempt(db: Executor, rule: ThrottleRule, value: string, now: Date): Promise<Attempt> {
  const key = keyOf(rule, value);
  const windowEndsAt = new Date(now.getTime() + rule.windowMs);
  const expired = sql`${authThrottle.window_ends_at} <= ${now}`;
  // ON CONFLICT DO UPDATE locks the row and evaluates `setWhere` on its latest version, on
  // Postgres as on PGlite: a full window updates nothing and returns no row.
  const [row] = await db
    .insert(authThrottle)
    .values({ key, count: 1, window_ends_at: windowEndsAt })
    .onConflictDoUpdate({
      target: authThrottle.key,
      set: {
        count: sql`case when ${expired} then 1 else ${authThrottle.count} + 1 end`,
        window_ends_at: sql`case when ${expired} then excluded.window_ends_at else ${authThrottle.window_ends_at} end`,
      },
      setWhere: sql`${expired} or ${authThrottle.count} < ${rule.limit}`,
    })
    .returning({ window_ends_at: authThrottle.window_ends_at });
  if (row) return { allowed: true, ticket: { key, windowEndsAt: row.window_ends_at } };
  const [full] = await db.select({ window_ends_at: authThrottle.window_ends_at }).from(authThrottle).where(eq(authThrottle.key, key));
  const waitMs = (full?.window_ends_at.getTime() ?? windowEndsAt.getTime()) - now.getTime();
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
}

/** Hands back a counted attempt that was not a failure (same window only). */
export async function refundAttempt(db: Executor, ticket: AttemptTicket): Promise<void> {
  await db
    .update(authThrottle)
    .set({ count: sql`${authThrottle.count} - 1` })
    .where(and(eq(authThrottle.key, ticket.key), eq(authThrottle.window_ends_at, ticket.windowEndsAt), gt(authThrottle.count, 0)));
}

/** Forgets every attempt counted for `value` under `rule`. */
export async function clearAttempts(db: Executor, rule: ThrottleRule, value: string): Promise<void> {
  await db.delete(authThrottle).where(eq(authThrottle.key, keyOf(rule, value)));
}

/** Deletes counters whose window has passed; returns how many. */
export async function purgeExpiredThrottles(db: Executor, now: Date): Promise<number> {
  const result = await db
    .delete(authThrottle)
    .where(sql`${authThrottle.window_ends_at} <= ${now}`)
    .returning({ key: authThrottle.key });
  return result.length;
}
