import { describe, expect, it } from 'vitest';
import { budgetExceededError, estimateTokens, localDay, nextMidnight, remainingBudget } from './budget.ts';

describe('budget', () => {
  it('counts what is left, never below zero', () => {
    expect(remainingBudget(150_000, 200_000)).toBe(50_000);
    expect(remainingBudget(250_000, 200_000)).toBe(0);
    expect(remainingBudget(0, 0)).toBe(0);
    expect(remainingBudget(-5, 100)).toBe(100);
  });

  it('estimates about four characters per token, rounding up', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('abcd'.repeat(10))).toBe(10);
    expect(estimateTokens('abcde')).toBe(2);
  });

  it('finds the runner’s next midnight in their own zone', () => {
    const now = new Date('2026-03-02T07:00:00Z');
    expect(nextMidnight(now, 'Europe/Berlin').toISOString()).toBe('2026-03-02T23:00:00.000Z');
    expect(nextMidnight(now, 'America/New_York').toISOString()).toBe('2026-03-03T05:00:00.000Z');
    expect(nextMidnight(new Date('2026-03-02T03:00:00Z'), 'America/New_York').toISOString()).toBe('2026-03-02T05:00:00.000Z');
    expect(nextMidnight(now, 'Asia/Kolkata').toISOString()).toBe('2026-03-02T18:30:00.000Z');
    expect(nextMidnight(now, 'UTC').toISOString()).toBe('2026-03-03T00:00:00.000Z');
  });

  it('follows daylight saving changes', () => {
    // Berlin moves to summer time at 02:00 on 29 March 2026.
    expect(nextMidnight(new Date('2026-03-28T12:00:00Z'), 'Europe/Berlin').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(nextMidnight(new Date('2026-03-29T10:00:00Z'), 'Europe/Berlin').toISOString()).toBe('2026-03-29T22:00:00.000Z');
    // Santiago skips midnight on 6 September 2026 (00:00 → 01:00): the day starts at 01:00.
    expect(nextMidnight(new Date('2026-09-05T16:00:00Z'), 'America/Santiago').toISOString()).toBe('2026-09-06T04:00:00.000Z');
  });

  it('treats an unknown zone as UTC rather than failing', () => {
    expect(nextMidnight(new Date('2026-03-02T07:00:00Z'), 'Mars/Olympus').toISOString()).toBe('2026-03-03T00:00:00.000Z');
    expect(localDay(new Date('2026-03-02T23:30:00Z'), 'Mars/Olympus')).toBe('2026-03-02');
  });

  it('names the runner’s local day', () => {
    expect(localDay(new Date('2026-03-02T23:30:00Z'), 'Europe/Berlin')).toBe('2026-03-03');
    expect(localDay(new Date('2026-03-02T23:30:00Z'), 'America/Los_Angeles')).toBe('2026-03-02');
  });

  it('says when the allowance comes back', () => {
    const error = budgetExceededError({ now: new Date('2026-03-02T07:00:00Z'), timeZone: 'Europe/Berlin' });
    expect(error.status).toBe(429);
    expect(error.code).toBe('coach_budget_spent');
    expect(error.message).toContain('midnight (Europe/Berlin time), in 16 h 0 min');
    expect(error.extra).toEqual({ resets_at: '2026-03-02T23:00:00.000Z' });
    expect(error.headers).toEqual({ 'Retry-After': '57600' });
    const soon = budgetExceededError({ now: new Date('2026-03-02T22:48:30Z'), timeZone: 'Europe/Berlin' });
    expect(soon.message).toContain('in 12 min');
  });
});
