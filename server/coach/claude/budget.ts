import { addDays } from '#shared/training/dates.ts';
import { dateInZone, zonedInstant } from '#shared/time/zone.ts';
import { AppError } from '../../lib/errors.ts';

// The per-user daily token budget (COACH_DAILY_TOKEN_BUDGET). A runner's day is their own: it
// starts at midnight in their time zone, so the allowance resets when they would expect it to.
// Pure: the clock and the zone are arguments.

/** Tokens left today; never negative. */
export function remainingBudget(usedToday: number, budget: number): number {
  return Math.max(0, budget - Math.max(0, usedToday));
}

/** A rough token count (~4 characters per token), for checking a prompt against the budget before sending it. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** The runner's calendar day at `now`, as YYYY-MM-DD in `timeZone` (UTC when the zone is unknown). */
export function localDay(now: Date, timeZone: string): string {
  return dateInZone(now, safeZone(timeZone));
}

/** The first instant of the runner's next day: when today's budget resets. */
export function nextMidnight(now: Date, timeZone: string): Date {
  const zone = safeZone(timeZone);
  // Where clocks jump over midnight (e.g. America/Santiago), the day starts at 01:00.
  return zonedInstant(addDays(dateInZone(now, zone), 1), '00:00', zone);
}

/** The 429 a coach route answers when the runner's tokens for today are spent, saying when they come back. */
export function budgetExceededError({ now, timeZone }: { now: Date; timeZone: string }): AppError {
  const zone = safeZone(timeZone);
  const resetsAt = nextMidnight(now, zone);
  const seconds = Math.max(1, Math.ceil((resetsAt.getTime() - now.getTime()) / 1000));
  const minutes = Math.ceil(seconds / 60);
  const wait = minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
  return new AppError('coach_budget_spent', {
    message: `You’ve used today’s coaching allowance. It resets at midnight (${zone} time), in ${wait}. The plan and workouts still work meanwhile.`,
    extra: { resets_at: resetsAt.toISOString() },
    headers: { 'Retry-After': String(seconds) },
  });
}

function safeZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return timeZone;
  } catch {
    // A stale or mistyped profile zone must not break the coach; UTC is a sane day boundary.
    return 'UTC';
  }
}
