import { describe, expect, it } from 'vitest';
import { formatDiffValue, snapshotText } from './format.ts';

describe('formatDiffValue', () => {
  it('shows distances and durations in the runner’s terms, and the rest in words', () => {
    expect(formatDiffValue('estimated_distance_meters', 8046.72, 'mi')).toMatch(/^5(\.0)? mi$/);
    expect(formatDiffValue('estimated_distance_meters', 8000, 'km')).toMatch(/^8(\.0)? km$/);
    expect(formatDiffValue('estimated_duration_minutes', 45, 'km')).toBe('45:00');
    expect(formatDiffValue('workout_type', 'easy_run', 'km')).toBe('easy run');
    expect(formatDiffValue('scheduled_date', '2026-11-24', 'km')).toBe('2026-11-24');
    expect(formatDiffValue('estimated_distance_meters', null, 'km')).toBe('—');
    expect(formatDiffValue('structure', { steps: [] }, 'km')).toBe('changed');
    const structure = {
      segments: [
        { type: 'easy', distance_meters: 6000 },
        { type: 'interval', repeats: 6, work: { duration_seconds: 20 }, recovery: { duration_seconds: 40 } },
      ],
    };
    expect(formatDiffValue('structure', structure, 'km')).toBe('6.0 km + 6:00');
    expect(formatDiffValue('deleted', true, 'km')).toBe('yes');
  });
});

describe('snapshotText', () => {
  it('says what the coach saw in words, and whether Strava was shared', () => {
    const snapshot = {
      built_at: '2026-03-02T07:00:00.000Z',
      today: '2026-03-02',
      strava_data_included: false,
      conversation_id: null,
      blocks: { plan: 9, goals: 1, profile: 6, totals: 2, history: 3 },
      history_message_ids: ['a', 'b', 'c'],
      memory_ids: [],
      estimated_tokens: 1800,
    };
    expect(snapshotText(snapshot)).toBe(
      'The coach saw your profile, your goals, the next two weeks of your plan, your training totals and 3 earlier messages of this conversation, as of 2026-03-02. Nothing from Strava was shared with it.',
    );
    expect(snapshotText({ ...snapshot, blocks: {}, history_message_ids: ['a'], strava_data_included: true })).toBe(
      'The coach saw 1 earlier message of this conversation, as of 2026-03-02. Runs from Strava were included.',
    );
  });
});
