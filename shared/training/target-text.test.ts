import { describe, expect, it } from 'vitest';
import { describeStructure, describeWithTargets } from '../calendar/describe.ts';
import type { WorkoutStructure } from '../schema/workout.ts';
import { heartRateTable, paceTable } from './paces.ts';
import { heartRateRangeText, paceRangeText, targetLine, targetRangeText } from './target-text.ts';

const structure: WorkoutStructure = {
  segments: [
    { type: 'warmup', duration_seconds: 600, pace_target: 'easy' },
    { type: 'interval', repeats: 4, work: { distance_meters: 800, pace_target: 'interval' }, recovery: { duration_seconds: 90, pace_target: 'jog' } },
    { type: 'cooldown', open: true },
  ],
};

describe('target ranges as a runner reads them', () => {
  it('writes a heart-rate range as whole bpm, low to high', () => {
    expect(heartRateRangeText({ low_bpm: 133.6, high_bpm: 154.4 })).toBe('134–154 bpm');
  });

  it('writes a pace range fastest first with the unit once, in km or miles', () => {
    const range = { slow_seconds_per_km: 300, fast_seconds_per_km: 290 };
    expect(paceRangeText(range, 'km')).toBe('4:50–5:00/km');
    expect(paceRangeText(range, 'mi')).toBe('7:47–8:03/mi');
  });

  it('reads the same target as bpm for a heart-rate runner and as pace otherwise', () => {
    const hr = heartRateTable({ max_heart_rate: 190, resting_heart_rate: 50 });
    expect(targetRangeText('easy', { kind: 'heart_rate', table: hr }, 'km')).toBe(`${hr.easy.low_bpm}–${hr.easy.high_bpm} bpm`);
    expect(targetLine('threshold', { kind: 'heart_rate', table: hr }, 'mi')).toMatch(/^Threshold: \d{3}–\d{3} bpm$/);
    expect(targetLine('threshold', { kind: 'pace', table: paceTable(50) }, 'mi')).toMatch(/^Threshold: \d:\d\d–\d:\d\d\/mi$/);
  });

  it('describes a workout with heart rates and no pace anywhere', () => {
    const lines = describeWithTargets(structure, { kind: 'heart_rate', table: heartRateTable() }, 'km');
    expect(lines[0]).toMatch(/^Warm-up: 10:00 easy \(\d+–\d+ bpm\)$/);
    expect(lines[1]).toMatch(/^4 × 800 m interval \(\d+–\d+ bpm\), 1:30 jog \(\d+–\d+ bpm\) between$/);
    expect(lines.join(' ')).not.toMatch(/\/km|\/mi/);
    // The pace reading is unchanged for everyone else.
    expect(describeStructure(structure, paceTable(50), 'km')[0]).toMatch(/^Warm-up: 10:00 easy \(\d:\d\d–\d:\d\d\/km\)$/);
  });
});
