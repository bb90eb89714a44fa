import { describe, expect, it } from 'vitest';
import { formatDiffValue } from './format.ts';

describe('formatDiffValue', () => {
  it('shows distances and durations in the runner’s terms, and the rest in words', () => {
    expect(formatDiffValue('estimated_distance_meters', 8046.72, 'mi')).toMatch(/^5(\.0)? mi$/);
    expect(formatDiffValue('estimated_distance_meters', 8000, 'km')).toMatch(/^8(\.0)? km$/);
    expect(formatDiffValue('estimated_duration_minutes', 45, 'km')).toBe('45:00');
    expect(formatDiffValue('workout_type', 'easy_run', 'km')).toBe('easy run');
    expect(formatDiffValue('scheduled_date', '2026-11-24', 'km')).toBe('2026-11-24');
    expect(formatDiffValue('estimated_distance_meters', null, 'km')).toBe('—');
    expect(formatDiffValue('structure', { steps: [] }, 'km')).toBe('changed');
    const structure = { segments: [{ type: 'easy', distance_meters: 6000 }, { type: 'interval', repeats: 6, work: { duration_seconds: 20 }, recovery: { duration_seconds: 40 } }] };
    expect(formatDiffValue('structure', structure, 'km')).toBe('6.0 km + 6:00');
    expect(formatDiffValue('deleted', true, 'km')).toBe('yes');
  });
});
