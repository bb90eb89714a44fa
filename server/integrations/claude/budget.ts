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
  const p = localParts(now.getTime(), safeZone(timeZone));
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** The first instant of the runner's next day: when today's budget resets. */
export function nextMidnight(now: Date, timeZone: string): Date {
  const zone = safeZone(timeZone);
  const today = localParts(now.getTime(), zone);
  const wall = Date.UTC(today.year, today.month - 1, today.day + 1); // next midnight, as if the zone were UTC
  const target = new Date(wall).toISOString().slice(0, 10);
  // Two passes pick up an offset change (DST) between now and midnight.
  let instant = wall - offsetMs(wall, zone);
  instant = wall - offsetMs(instant, zone);
  // Where clocks jump over midnight (e.g. America/Santiago), the day starts at 01:00: step into it.
  for (let i = 0; i < 3 && localDay(new Date(instant), zone) < target; i++) instant += 3_600_000;
  return new Date(instant);
}

/** The 429 a coach route answers when the runner's tokens for today are spent, saying when they come back. */
export function budgetExceededError({ now, timeZone }: { now: Date; timeZone: string }): AppError {
  const zone = safeZone(timeZone);
  const resetsAt = nextMidnight(now, zone);
  const seconds = Math.max(1, Math.ceil((resetsAt.getTime() - now.getTime()) / 1000));
  const minutes = Math.ceil(seconds / 60);
  const wait = minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
  return new AppError(
    429,
    'coach_budget_spent',
    `You’ve used today’s coaching allowance. It resets at midnight (${zone} time), in ${wait}. The plan and workouts still work meanwhile.`,
    undefined,
    { resets_at: resetsAt.toISOString() },
    { 'Retry-After': String(seconds) },
  );
}

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function localParts(instant: number, timeZone: string): Parts {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(timeZone, format);
  }
  const values = Object.fromEntries(format.formatToParts(new Date(instant)).map((p) => [p.type, Number(p.value)]));
  return {
    year: values.year ?? 1970,
    month: values.month ?? 1,
    day: values.day ?? 1,
    hour: values.hour ?? 0,
    minute: values.minute ?? 0,
    second: values.second ?? 0,
  };
}

/** The zone's offset from UTC at `instant`, in ms (positive east of Greenwich). */
function offsetMs(instant: number, timeZone: string): number {
  const p = localParts(instant, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - (instant - (instant % 1000 + 1000) % 1000);
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

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
