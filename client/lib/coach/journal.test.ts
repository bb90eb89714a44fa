import { describe, expect, it } from 'vitest';
import { mondayOf, trendLabel } from './journal.ts';

describe('journal helpers', () => {
  it('finds the Monday of any day of the week', () => {
    expect(mondayOf('2026-11-16')).toBe('2026-11-16');
    expect(mondayOf('2026-11-21')).toBe('2026-11-16');
    expect(mondayOf('2026-11-22')).toBe('2026-11-16');
    expect(mondayOf('2026-11-23')).toBe('2026-11-23');
  });

  it('labels week-over-week trends', () => {
    expect(trendLabel({ value: 11, previous: 10, change: 1, change_pct: 10 })).toEqual({ text: '▲ 10% vs last week', direction: 'up' });
    expect(trendLabel({ value: 9, previous: 10, change: -1, change_pct: -10 })).toEqual({ text: '▼ 10% vs last week', direction: 'down' });
    expect(trendLabel({ value: 5, previous: 0, change: 5, change_pct: null })).toEqual({ text: '▲ none last week', direction: 'up' });
    expect(trendLabel({ value: 10, previous: 10, change: 0, change_pct: 0 }).text).toBe('same as last week');
    expect(trendLabel({ value: null, previous: null, change: null, change_pct: null }).text).toBe('');
    // A week in progress is compared with the same days of the week before (issue 18 §10).
    expect(trendLabel({ value: 8000, previous: 5000, change: 3000, change_pct: 60 }, true).text).toBe('▲ 60% vs the same days last week');
  });
});
