import { describe, expect, it } from 'vitest';
import { dateText, dayText, momentText, weekText } from './format.ts';

describe('one date format family (issue 18 §15)', () => {
  it('writes days, weeks and moments the same way', () => {
    expect(dayText('2026-12-07')).toBe('Mon 7 Dec');
    expect(dayText('2027-01-04', 2026)).toBe('Mon 4 Jan 2027');
    expect(dateText('2026-12-15')).toBe('15 Dec');
    expect(weekText('2026-12-07')).toBe('7–13 Dec');
    expect(weekText('2026-12-28')).toBe('28 Dec – 3 Jan');
    expect(momentText('2026-12-07T10:51:25Z', 'UTC')).toBe('Mon 7 Dec, 10:51');
    expect(momentText('2026-12-07T23:30:00Z', 'Europe/Berlin')).toBe('Tue 8 Dec, 00:30');
  });
});
