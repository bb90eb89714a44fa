import { describe, expect, it } from 'vitest';
import { replanEdits } from './replan.ts';

describe('replanEdits', () => {
  it('turns a re-plan preview into edits: new fields for every workout, removed ones deleted', () => {
    expect(replanEdits({ workouts: [{ id: 'a', workout_type: 'easy', scheduled_date: '2026-03-03' }], removed_workout_ids: ['b'] })).toEqual([
      { workout_id: 'a', set: { workout_type: 'easy', scheduled_date: '2026-03-03' } },
      { workout_id: 'b', set: { deleted: true } },
    ]);
  });
});
