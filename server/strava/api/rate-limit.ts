// Strava's limits are per application, shared by all users (docs/STRAVA.md §"Rate limits"): the
// overall limit counts every request, the read limit counts GETs. Each header is
// "<15-minute>,<daily>". Windows reset at :00/:15/:30/:45 and at midnight UTC.

/** One limit as Strava reports it: limits and usage for the 15-minute and daily windows. */
export interface RateLimitWindow {
  limit15: number;
  usage15: number;
  limitDaily: number;
  usageDaily: number;
}

/** What the last response said about the app's budget; `observedAt` dates the counters. */
export interface RateLimitState {
  overall: RateLimitWindow | null;
  read: RateLimitWindow | null;
  observedAt: Date;
}

const QUARTER_HOUR_MS = 15 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The next 15-minute boundary (:00, :15, :30, :45 UTC) strictly after `now`. */
export function nextQuarterHour(now: Date): Date {
  return new Date((Math.floor(now.getTime() / QUARTER_HOUR_MS) + 1) * QUARTER_HOUR_MS);
}

/** The next midnight UTC strictly after `now`. */
export function nextUtcMidnight(now: Date): Date {
  return new Date((Math.floor(now.getTime() / DAY_MS) + 1) * DAY_MS);
}

function parsePair(value: string | null): [number, number] | null {
  if (value === null) return null;
  const match = /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(value);
  if (!match) return null;
  return [Number(match[1]), Number(match[2])];
}

function parseWindow(headers: Headers, limitName: string, usageName: string): RateLimitWindow | null {
  const limit = parsePair(headers.get(limitName));
  const usage = parsePair(headers.get(usageName));
  if (!limit || !usage) return null;
  return { limit15: limit[0], limitDaily: limit[1], usage15: usage[0], usageDaily: usage[1] };
}

/** Reads X-RateLimit-* and X-ReadRateLimit-* (case-insensitive); null when neither is present. */
export function parseRateLimit(headers: Headers, observedAt: Date): RateLimitState | null {
  const overall = parseWindow(headers, 'x-ratelimit-limit', 'x-ratelimit-usage');
  const read = parseWindow(headers, 'x-readratelimit-limit', 'x-readratelimit-usage');
  if (!overall && !read) return null;
  return { overall, read, observedAt };
}

function windows(state: RateLimitState): RateLimitWindow[] {
  return [state.overall, state.read].filter((w): w is RateLimitWindow => w !== null);
}

/** Whether any daily counter has reached its limit. */
export function isDailyExhausted(state: RateLimitState): boolean {
  return windows(state).some((w) => w.limitDaily > 0 && w.usageDaily >= w.limitDaily);
}

/** When a request refused with 429 may be tried again: UTC midnight if a daily limit is spent, else the next quarter hour. */
export function retryAtFor(state: RateLimitState | null, now: Date): Date {
  return state && isDailyExhausted(state) ? nextUtcMidnight(now) : nextQuarterHour(now);
}

/**
 * When to pause the job queue, or null to carry on: the next UTC midnight when a daily limit
 * is reached, the next quarter hour when a 15-minute window is at `threshold` (default 95%)
 * of its limit. The margin leaves room for interactive calls (OAuth, a user's refresh) that
 * share the budget. Counters observed in a window that has since reset no longer count.
 */
export function pauseUntil(state: RateLimitState | null, now: Date, threshold = 0.95): Date | null {
  if (!state) return null;
  const sameDay = nextUtcMidnight(state.observedAt).getTime() > now.getTime();
  const sameQuarter = nextQuarterHour(state.observedAt).getTime() > now.getTime();
  if (sameDay && isDailyExhausted(state)) return nextUtcMidnight(now);
  const near15 = windows(state).some((w) => w.limit15 > 0 && w.usage15 >= w.limit15 * threshold);
  if (sameQuarter && near15) return nextQuarterHour(now);
  return null;
}
