import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readStravaFixture } from '../../test/strava-standin.ts';
import { nextQuarterHour, nextUtcMidnight, parseRateLimit, pauseUntil, retryAtFor, type RateLimitState } from './rate-limit.ts';

type Recorded = Record<string, { headers: Record<string, string[]>; recorded_at: string }>;
const recorded = JSON.parse(readStravaFixture('rate_limit_headers.json')) as Recorded;
const headersOf = (name: string) => new Headers(Object.entries(recorded[name]!.headers).map(([k, v]) => [k, v[0]!] as [string, string]));

const at = (iso: string) => new Date(iso);
const state = (
  overall: [number, number, number, number],
  read: [number, number, number, number] | null = null,
  observedAt = at('2026-03-02T10:07:00Z'),
): RateLimitState => ({
  overall: { limit15: overall[0], limitDaily: overall[1], usage15: overall[2], usageDaily: overall[3] },
  read: read && { limit15: read[0], limitDaily: read[1], usage15: read[2], usageDaily: read[3] },
  observedAt,
});

describe('parseRateLimit', () => {
  it('reads the recorded headers (Strava sends X-Ratelimit-*, names are case-insensitive)', () => {
    const observedAt = at(recorded.activity!.recorded_at);
    expect(parseRateLimit(headersOf('activity'), observedAt)).toEqual({
      overall: { limit15: 200, limitDaily: 2000, usage15: 5, usageDaily: 148 },
      read: { limit15: 100, limitDaily: 1000, usage15: 5, usageDaily: 148 },
      observedAt,
    });
    expect(parseRateLimit(headersOf('list'), observedAt)?.read).toEqual({ limit15: 100, limitDaily: 1000, usage15: 9, usageDaily: 152 });
  });

  it('returns null without the headers and ignores malformed ones', () => {
    expect(parseRateLimit(new Headers(), new Date())).toBeNull();
    const partial = new Headers({
      'X-RateLimit-Limit': '200,2000',
      'X-RateLimit-Usage': 'lots',
      'X-ReadRateLimit-Limit': '100,1000',
      'X-ReadRateLimit-Usage': '1, 2',
    });
    expect(parseRateLimit(partial, new Date())).toMatchObject({ overall: null, read: { usage15: 1, usageDaily: 2 } });
  });
});

describe('window boundaries', () => {
  it('the next quarter hour is :00/:15/:30/:45, strictly later, within 15 minutes', () => {
    expect(nextQuarterHour(at('2026-03-02T10:07:30Z'))).toEqual(at('2026-03-02T10:15:00Z'));
    expect(nextQuarterHour(at('2026-03-02T10:15:00Z'))).toEqual(at('2026-03-02T10:30:00Z'));
    expect(nextQuarterHour(at('2026-03-02T23:59:59Z'))).toEqual(at('2026-03-03T00:00:00Z'));
    fc.assert(
      fc.property(fc.date({ min: at('2000-01-01T00:00:00Z'), max: at('2100-01-01T00:00:00Z'), noInvalidDate: true }), (now) => {
        const next = nextQuarterHour(now);
        expect(next.getTime()).toBeGreaterThan(now.getTime());
        expect(next.getTime() - now.getTime()).toBeLessThanOrEqual(15 * 60_000);
        expect([0, 15, 30, 45]).toContain(next.getUTCMinutes());
        expect(next.getUTCSeconds() + next.getUTCMilliseconds()).toBe(0);
      }),
    );
  });

  it('the next UTC midnight is the start of the next UTC day', () => {
    expect(nextUtcMidnight(at('2026-03-02T10:07:30Z'))).toEqual(at('2026-03-03T00:00:00Z'));
    expect(nextUtcMidnight(at('2026-12-31T23:59:59.999Z'))).toEqual(at('2027-01-01T00:00:00Z'));
  });

  it('a 429 retries at the next quarter hour, or at midnight when a daily limit is spent', () => {
    const now = at('2026-03-02T10:07:00Z');
    expect(retryAtFor(state([200, 2000, 201, 900]), now)).toEqual(at('2026-03-02T10:15:00Z'));
    expect(retryAtFor(state([200, 2000, 20, 900], [100, 1000, 10, 1000]), now)).toEqual(at('2026-03-03T00:00:00Z'));
    expect(retryAtFor(null, now)).toEqual(at('2026-03-02T10:15:00Z'));
  });
});

describe('pauseUntil', () => {
  const now = at('2026-03-02T10:08:00Z');
  it('carries on with room left (the recorded usage)', () => {
    expect(pauseUntil(parseRateLimit(headersOf('list'), now), now)).toBeNull();
    expect(pauseUntil(state([200, 2000, 189, 1999]), now)).toBeNull();
    expect(pauseUntil(null, now)).toBeNull();
  });

  it('pauses to the next quarter hour at 95% of either 15-minute window', () => {
    expect(pauseUntil(state([200, 2000, 190, 500]), now)).toEqual(at('2026-03-02T10:15:00Z'));
    expect(pauseUntil(state([200, 2000, 96, 500], [100, 1000, 95, 500]), now)).toEqual(at('2026-03-02T10:15:00Z'));
    expect(pauseUntil(state([200, 2000, 150, 500]), now, 0.75)).toEqual(at('2026-03-02T10:15:00Z'));
  });

  it('pauses to midnight UTC at a daily limit, even when the 15-minute window is also full', () => {
    expect(pauseUntil(state([200, 2000, 200, 2000]), now)).toEqual(at('2026-03-03T00:00:00Z'));
    expect(pauseUntil(state([200, 2000, 5, 1500], [100, 1000, 5, 1000]), now)).toEqual(at('2026-03-03T00:00:00Z'));
  });

  it('ignores counters from a window that has since reset', () => {
    expect(pauseUntil(state([200, 2000, 199, 500], null, at('2026-03-02T10:14:59Z')), at('2026-03-02T10:15:00Z'))).toBeNull();
    expect(pauseUntil(state([200, 2000, 5, 2000], null, at('2026-03-01T23:50:00Z')), at('2026-03-02T00:01:00Z'))).toBeNull();
  });
});
