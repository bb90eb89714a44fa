import { describe, expect, it } from 'vitest';
import { proposalFieldName, proposalWarnings } from './proposal-view.ts';

describe('the proposal card’s words (issue 18 §15)', () => {
  it('names fields as a runner does and keeps only the warnings the change brings', () => {
    expect(proposalFieldName('structure')).toBe('Steps');
    expect(proposalFieldName('scheduled_date')).toBe('Day');
    const diff = [
      {
        workout_id: 'w1',
        title: 'Easy 5.0 mi',
        scheduled_date: '2026-12-08',
        workout_updated_at: '',
        fields: [{ field: 'scheduled_date', before: '2026-12-08', after: '2026-12-10' }],
      },
    ];
    const warning = (extra: object) => ({ rule: 'weekly_ramp' as const, severity: 'soft' as const, reason: 'r', ...extra });
    const kept = proposalWarnings({
      diff,
      warnings: [warning({ workout_id: 'w1' }), warning({ date: '2026-12-10' }), warning({}), warning({ workout_id: 'w9' }), warning({ date: '2027-01-20' })],
    });
    expect(kept).toEqual([warning({ workout_id: 'w1' }), warning({ date: '2026-12-10' }), warning({})]);
  });
});
