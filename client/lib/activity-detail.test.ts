import { describe, expect, it } from 'vitest';
import { barsOf, lapsOf, splitsOf } from './activity-detail.ts';

const laps = [
  { index: 0, distance_meters: 1000, elapsed_time_seconds: 300, moving_time_seconds: 300, average_heartrate: 150 },
  { index: 1, distance_meters: 1000, elapsed_time_seconds: 290, moving_time_seconds: 280, average_heartrate: 158 },
  { index: 2, distance_meters: 0, elapsed_time_seconds: 60, moving_time_seconds: 0 },
];

describe('the splits of a run', () => {
  it('reads each lap in the runner’s unit, from moving time, with its heart rate', () => {
    const km = splitsOf(lapsOf(laps), 'km');
    expect(km.map((s) => [s.distance, s.time, s.pace, s.heartRate])).toEqual([
      ['1.00 km', '5:00', '5:00/km', 150],
      ['1.00 km', '4:40', '4:40/km', 158],
      ['0.00 km', '1:00', '—', null],
    ]);
    const mi = splitsOf(lapsOf(laps), 'mi');
    expect(mi[0]).toMatchObject({ distance: '0.62 mi', pace: '8:03/mi' });
    expect(mi[0]!.paceSeconds).toBeCloseTo(482.8, 1);
  });

  it('ignores what is not a lap (an older or foreign row)', () => {
    expect(lapsOf(null)).toEqual([]);
    expect(lapsOf([{ foo: 1 }, 'x', laps[0]])).toHaveLength(1);
  });

  it('draws the faster lap taller, and a lap without a value as none', () => {
    const bars = barsOf([300, 280, null], true);
    expect(bars.map((b) => b.share)).toEqual([0.4, 1, null]);
    expect(barsOf([150, 150]).map((b) => b.share)).toEqual([1, 1]);
  });
});
