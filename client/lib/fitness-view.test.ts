import { describe, expect, it } from 'vitest';
import type { LoadDay } from '#shared/schema/load.ts';
import { isRunSportType } from '#shared/schema/activity.ts';
import { bandRange, fitnessRange, loadWeeks, signed, splitLine, ticks } from './fitness-view.ts';

const day = (date: string, extra: Partial<LoadDay> = {}): LoadDay => ({
  date,
  load: 0,
  planned: 0,
  ctl: 10,
  atl: 10,
  tsb: 0,
  ramp: 0,
  band: 'neutral',
  forecast: false,
  ...extra,
});

describe('fitness view', () => {
  it('asks for 12 weeks back through race day, at least two weeks ahead', () => {
    expect(fitnessRange('2026-03-02', ['2026-05-10', null])).toEqual({ from: '2025-12-08', to: '2026-05-10' });
    expect(fitnessRange('2026-03-02', [])).toEqual({ from: '2025-12-08', to: '2026-03-30' });
    expect(fitnessRange('2026-03-02', ['2026-03-05'])).toEqual({ from: '2025-12-08', to: '2026-03-16' });
  });

  it('splits a line at today: the forecast starts where the done stretch ends', () => {
    const days = [day('2026-03-01'), day('2026-03-02', { forecast: true }), day('2026-03-03', { forecast: true })];
    const line = splitLine(
      days,
      (d) => d.ctl,
      (date) => Number(date.slice(-2)),
      (v) => v,
    );
    expect(line.done).toBe('1.0,10.0 2.0,10.0');
    expect(line.forecast).toBe('1.0,10.0 2.0,10.0 3.0,10.0');
  });

  it('names the form bands’ ranges as the engine draws them', () => {
    expect(bandRange('detraining')).toBe('above +25');
    expect(bandRange('fresh')).toBe('+5 to +25');
    expect(bandRange('neutral')).toBe('-10 to +5');
    expect(bandRange('overreaching')).toBe('below -30');
    expect(signed(6.96)).toBe('+7');
    expect(signed(-0.01)).toBe('0');
  });

  it('rounds ticks and sums each week’s load beside the distance run', () => {
    expect(ticks(-12, 48)).toEqual([0, 20, 40]);
    expect(ticks(-31, 12)).toEqual([-20, 0]);
    const days = [day('2026-03-01', { load: 50 }), day('2026-03-02', { load: 40 }), day('2026-03-04', { planned: 60, forecast: true })];
    const runs = [
      { local_date: '2026-03-01', distance_meters: 10_000, activity_type: 'Run' },
      { local_date: '2026-03-02', distance_meters: 8_000, activity_type: 'Run' },
      { local_date: '2026-03-02', distance_meters: 30_000, activity_type: 'Ride' },
    ];
    expect(loadWeeks(days, runs, isRunSportType)).toEqual([
      { start: '2026-02-23', load: 50, planned: 0, meters: 10_000, runs: 1 },
      { start: '2026-03-02', load: 40, planned: 60, meters: 8_000, runs: 1 },
    ]);
  });
});
