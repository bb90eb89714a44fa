import { describe, expect, it } from 'vitest';
import { ActivitySchema } from '#shared/schema/activity.ts';
import { readStravaFixture } from '../../test/strava-standin.ts';
import { isRun, toActivity } from './activity.ts';
import { StravaError } from './errors.ts';
import { parseStravaJson } from './json.ts';

const fetchedAt = new Date('2026-03-02T07:00:00Z');
const detailed = () => parseStravaJson(readStravaFixture('activity_detailed_run.json')) as Record<string, unknown>;
const page = () => parseStravaJson(readStravaFixture('athlete_activities_page.json')) as Record<string, unknown>[];

describe('toActivity', () => {
  it('maps the recorded detailed run', () => {
    const record = toActivity(detailed(), { fetchedAt });
    expect(record.activity).toEqual({
      source: 'strava',
      external_id: '1946417534',
      activity_type: 'Run',
      start_time: '2018-11-04T14:53:46Z',
      local_date: '2018-11-04',
      distance_meters: 42268.1,
      moving_time_seconds: 13085,
      elapsed_time_seconds: 13333,
      average_heartrate: 170.1,
      max_heartrate: 187,
      total_elevation_gain: 270.9,
      laps: [{ index: 0, distance_meters: 42882.9, elapsed_time_seconds: 13306, moving_time_seconds: 13299, average_heartrate: 170.1 }],
    });
    expect(ActivitySchema.parse(record.activity)).toEqual(record.activity);
    expect(record).toMatchObject({
      fetchedAt,
      purgeAfter: new Date('2026-03-09T07:00:00Z'),
      stravaUrl: 'https://www.strava.com/activities/1946417534',
      trainer: false,
      startTimeHidden: false,
    });
  });

  it('maps every activity of the recorded list page (summaries: no laps)', () => {
    const activities = page().map((raw) => toActivity(raw, { fetchedAt }).activity);
    expect(activities).toHaveLength(7);
    expect(activities.map((a) => a.local_date)).toEqual(['2018-11-28', '2018-11-18', '2018-11-12', '2018-11-10', '2018-11-04', '2018-11-03', '2018-11-02']);
    expect(activities[0]).toEqual({
      source: 'strava',
      external_id: '1990081217',
      activity_type: 'Run',
      start_time: '2018-11-28T20:11:32Z',
      local_date: '2018-11-28',
      distance_meters: 13994.6,
      moving_time_seconds: 4496,
      elapsed_time_seconds: 4626,
      average_heartrate: 159.2,
      max_heartrate: 200,
      total_elevation_gain: 87.6,
      laps: [],
    });
    // The marathon in the list and in detail agree on everything but laps.
    const marathon = activities.find((a) => a.external_id === '1946417534')!;
    expect({ ...marathon, laps: undefined }).toEqual({ ...toActivity(detailed(), { fetchedAt }).activity, laps: undefined });
  });

  it('takes local_date from start_date_local (local wall time despite its Z), not from the UTC start', () => {
    const lateEvening = { ...page()[0]!, start_date: '2018-11-29T04:30:00Z', start_date_local: '2018-11-28T23:30:00Z' };
    expect(toActivity(lateEvening, { fetchedAt }).activity).toMatchObject({ start_time: '2018-11-29T04:30:00Z', local_date: '2018-11-28' });
    const tokyoMorning = { ...page()[0]!, start_date: '2018-11-28T21:30:00Z', start_date_local: '2018-11-29T06:30:00Z' };
    expect(toActivity(tokyoMorning, { fetchedAt }).activity.local_date).toBe('2018-11-29');
  });

  it('keeps ids beyond 2^53 exact', () => {
    const text = readStravaFixture('activity_detailed_run.json').replace('"id": 1946417534,', '"id": 18014398509481985,');
    expect(text).not.toBe(readStravaFixture('activity_detailed_run.json'));
    const record = toActivity(parseStravaJson(text) as Record<string, unknown>, { fetchedAt });
    expect(record.activity.external_id).toBe('18014398509481985');
    expect(record.stravaUrl).toBe('https://www.strava.com/activities/18014398509481985');
  });

  it('is lenient: unknown fields ignored, optional ones missing or odd, sport from the deprecated type', () => {
    const raw = {
      id: '123',
      type: 'TrailRun',
      start_date: '2026-03-01T07:00:00Z',
      start_date_local: '2026-03-01T08:00:00Z',
      moving_time: 3600,
      elapsed_time: 3700,
      average_heartrate: 0,
      max_heartrate: 'n/a',
      total_elevation_gain: null,
      laps: [
        { lap_index: 2, distance: 500, elapsed_time: 100, moving_time: 99 },
        { lap_index: 1, distance: 1000, elapsed_time: 300, moving_time: 290, average_heartrate: 150 },
        { broken: true },
      ],
      trainer: true,
      something_new: { nested: [1, 2] },
    };
    const record = toActivity(raw, { fetchedAt });
    expect(record.activity).toEqual({
      source: 'strava',
      external_id: '123',
      activity_type: 'TrailRun',
      start_time: '2026-03-01T07:00:00Z',
      local_date: '2026-03-01',
      distance_meters: 0,
      moving_time_seconds: 3600,
      elapsed_time_seconds: 3700,
      laps: [
        { index: 0, distance_meters: 1000, elapsed_time_seconds: 300, moving_time_seconds: 290, average_heartrate: 150 },
        { index: 1, distance_meters: 500, elapsed_time_seconds: 100, moving_time_seconds: 99 },
      ],
    });
    expect(record.trainer).toBe(true);
  });

  it('flags a hidden start time (00:00:01 local) but keeps the date', () => {
    const hidden = { ...page()[0]!, start_date_local: '2018-11-28T00:00:01Z', start_date: '2018-11-28T05:00:01Z' };
    const record = toActivity(hidden, { fetchedAt });
    expect(record.startTimeHidden).toBe(true);
    expect(record.activity.local_date).toBe('2018-11-28');
  });

  it('refuses what is no activity: numeric id (not parsed safely), no sport, no start, no times', () => {
    const base = page()[0]!;
    for (const broken of [
      { ...base, id: 1990081217 },
      { ...base, sport_type: undefined, type: undefined },
      { ...base, start_date_local: undefined },
      { ...base, start_date: 'yesterday' },
      { ...base, moving_time: undefined },
      { ...base, elapsed_time: 8 * 86_400 },
    ]) {
      const error = (() => {
        try {
          toActivity(broken, { fetchedAt });
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(StravaError);
      expect((error as StravaError).kind).toBe('invalid_response');
    }
  });
});

describe('isRun', () => {
  it('counts Run, TrailRun and VirtualRun by sport_type, not the deprecated type', () => {
    for (const sport of ['Run', 'TrailRun', 'VirtualRun']) expect(isRun({ sport_type: sport, type: 'Ride' })).toBe(true);
    for (const sport of ['Ride', 'Walk', 'Hike', 'Workout', 'VirtualRide']) expect(isRun({ sport_type: sport, type: 'Run' })).toBe(false);
    expect(isRun({ type: 'Run' })).toBe(true);
    expect(isRun({})).toBe(false);
    expect(page().every(isRun)).toBe(true);
    expect(isRun(detailed())).toBe(true);
  });
});
