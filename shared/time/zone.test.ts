import { describe, expect, it } from 'vitest';
import { dateInZone } from './zone.ts';

describe('dateInZone', () => {
  const instant = new Date('2026-03-29T23:30:00Z');

  it('gives the calendar date on each side of the date line', () => {
    expect(dateInZone(instant, 'UTC')).toBe('2026-03-29');
    expect(dateInZone(instant, 'Europe/Paris')).toBe('2026-03-30');
    expect(dateInZone(instant, 'America/Los_Angeles')).toBe('2026-03-29');
    expect(dateInZone(instant, 'Pacific/Kiritimati')).toBe('2026-03-30');
  });

  it('answers the same from its cached formatter', () => {
    expect(dateInZone(new Date('2026-12-31T12:00:00Z'), 'Asia/Tokyo')).toBe('2026-12-31');
    expect(dateInZone(new Date('2026-12-31T15:00:00Z'), 'Asia/Tokyo')).toBe('2027-01-01');
  });

  it('refuses an unknown zone', () => {
    expect(() => dateInZone(instant, 'Mars/Olympus')).toThrow(RangeError);
  });
});
