import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { userIdByEmail } from './users.ts';
import { refundAttempt, takeAttempt, type AttemptTicket, type ThrottleRule } from './throttle-store.ts';
import type { AppDeps } from '../context.ts';
import { keyedHash, randomToken, safeEqual } from '../lib/crypto.ts';
import { AppError } from '../lib/errors.ts';

// Why a known-device cookie: a hard limit per e-mail lets anyone who knows a runner's address
// lock them out with five wrong passwords. The runner's own browsers are recognised instead by
// a signed cookie set at each sign-up and sign-in; their guesses count against that device's
// budget, which a stranger, lacking the cookie and the server's secret to forge one, can never
// spend. A stranger meanwhile stays limited per e-mail (and per address, against sprays); a
// copied device cookie buys only that device's own five guesses per window. Chosen over
// progressive delay, which slows the owner as much as the stranger, and over bypass by session,
// which does not help a runner who signed out.

export const DEVICE_COOKIE = 'rc_device';
const DEVICE_DAYS = 400;

/** A device that signed in to an account before. */
export interface KnownDevice {
  userId: string;
  deviceId: string;
}

function deviceMac(secret: string, userId: string, deviceId: string): string {
  return keyedHash(secret, `known-device:${userId}.${deviceId}`);
}

/** The device in the request's cookie, when it is genuine and belongs to the account of `email`. */
export async function knownDeviceFor(c: Context, deps: AppDeps, email: string): Promise<KnownDevice | null> {
  const value = getCookie(c, DEVICE_COOKIE);
  if (!value || value.length > 200) return null;
  const [userId, deviceId, mac] = value.split('.');
  if (!userId || !deviceId || !mac || !safeEqual(mac, deviceMac(deps.config.sessionSecret, userId, deviceId))) return null;
  return (await userIdByEmail(deps.db, email)) === userId ? { userId, deviceId } : null;
}

/** Marks this browser as a known device of `userId` for 400 days (keeping its id when it has one). */
export function setKnownDevice(c: Context, deps: AppDeps, userId: string, device?: KnownDevice | null): void {
  const deviceId = device?.userId === userId ? device.deviceId : randomToken(16);
  const value = `${userId}.${deviceId}.${deviceMac(deps.config.sessionSecret, userId, deviceId)}`;
  // Only sign-in reads it, and no other site ever needs to send it: Strict, on /api/auth alone.
  setCookie(c, DEVICE_COOKIE, value, {
    httpOnly: true,
    sameSite: 'Strict',
    secure: deps.config.secureCookies,
    path: '/api/auth',
    maxAge: DEVICE_DAYS * 24 * 3600,
  });
}

/** Forgets the known-device cookie (the account is gone). */
export function clearKnownDevice(c: Context, deps: AppDeps): void {
  deleteCookie(c, DEVICE_COOKIE, { path: '/api/auth', secure: deps.config.secureCookies, httpOnly: true, sameSite: 'Strict' });
}

/**
 * Counts one attempt under each rule, in order, before any password work; when one is full the
 * attempts already counted are handed back and the answer is the seconds to wait.
 */
export async function takeAttempts(deps: AppDeps, checks: [ThrottleRule, string][]): Promise<{ tickets: AttemptTicket[] } | { retryAfterSeconds: number }> {
  const tickets: AttemptTicket[] = [];
  for (const [rule, value] of checks) {
    const attempt = await takeAttempt(deps.db, rule, value, deps.now());
    if (!attempt.allowed) {
      for (const ticket of tickets) await refundAttempt(deps.db, ticket);
      return { retryAfterSeconds: attempt.retryAfterSeconds };
    }
    tickets.push(attempt.ticket);
  }
  return { tickets };
}

/** The 429 for a full limit: `what` names the attempts ("sign-in attempts"). */
export function tooManyAttempts(what: string, seconds: number): AppError {
  return new AppError('too_many_attempts', {
    message: `Too many ${what}. Try again in ${Math.ceil(seconds / 60)} min.`,
    extra: { retry_after_seconds: seconds },
    headers: { 'Retry-After': String(seconds) },
  });
}
