import { describe, expect, it } from 'vitest';
import { completionOffer } from './completion-window.ts';

describe('when a workout can be marked done (issue 18 §15)', () => {
  it('opens three days before the date, stays open after it, and closes once done', () => {
    expect(completionOffer('2026-12-20', '2026-12-07', null)).toEqual({ kind: 'not_yet', opensOn: '2026-12-17' });
    expect(completionOffer('2026-12-20', '2026-12-16', null)).toEqual({ kind: 'not_yet', opensOn: '2026-12-17' });
    expect(completionOffer('2026-12-20', '2026-12-17', null)).toEqual({ kind: 'mark' });
    expect(completionOffer('2026-12-20', '2027-01-05', 'skipped')).toEqual({ kind: 'mark' });
    expect(completionOffer('2026-12-20', '2026-12-20', 'completed')).toEqual({ kind: 'done' });
    expect(completionOffer('2026-12-20', '2026-12-21', 'partial')).toEqual({ kind: 'done' });
  });
});
