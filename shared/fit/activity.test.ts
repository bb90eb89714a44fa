import { CrcCalculator, Encoder, Utils, type Encodable, type Mesg } from '@garmin/fitsdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ActivitySchema } from '../schema/activity.ts';
import { decodeActivity } from './decode.ts';
import { encodeWorkout } from './encode.ts';
import { propertyRuns } from '../testing/properties.ts';

interface LapSpec {
  meters: number;
  elapsed: number;
  timer?: number;
  hr?: number;
}
interface FileSpec {
  start: Date;
  laps: LapSpec[];
  sport?: string;
  subSport?: string;
  serial?: number;
  /** Seconds the device's local clock is ahead of UTC; no local_timestamp when absent. */
  localOffset?: number;
  withSession?: boolean;
  movingTime?: number;
  sessions?: number;
}

// Like the encoder, build each kind of message through one function with one key order.
const SESSION_KEYS = [
  'messageIndex',
  'timestamp',
  'startTime',
  'totalElapsedTime',
  'totalTimerTime',
  'totalMovingTime',
  'totalDistance',
  'sport',
  'subSport',
  'avgHeartRate',
  'maxHeartRate',
  'totalAscent',
  'numLaps',
  'firstLapIndex',
];
function mesg(mesgNum: number, keys: string[], fields: Record<string, unknown>): Encodable<Mesg> {
  const out: Encodable<Mesg> & Record<string, unknown> = { mesgNum };
  for (const key of keys) if (fields[key] !== undefined) out[key] = fields[key];
  return out;
}

/** A watch-like activity file: file_id, records, laps, session(s), activity. */
function activityFile(spec: FileSpec): Uint8Array {
  const { start, laps, sport = 'running', subSport = 'generic' } = spec;
  const encoder = new Encoder();
  encoder.writeMesg(
    mesg(0, ['type', 'manufacturer', 'product', 'serialNumber', 'timeCreated'], {
      type: 'activity',
      manufacturer: 'garmin',
      product: 4315,
      serialNumber: spec.serial,
      timeCreated: start,
    }),
  );
  let t = start.getTime();
  let distance = 0;
  const lapEnds: number[] = [];
  laps.forEach((lap, i) => {
    const lapStart = new Date(t);
    for (let s = 0; s < 3; s++) {
      encoder.writeMesg(mesg(20, ['timestamp', 'distance', 'heartRate'], { timestamp: new Date(t + s * 1000), distance: distance + s, heartRate: lap.hr }));
    }
    t += lap.elapsed * 1000;
    distance += lap.meters;
    lapEnds.push(t);
    encoder.writeMesg(
      mesg(19, ['messageIndex', 'timestamp', 'startTime', 'totalElapsedTime', 'totalTimerTime', 'totalDistance', 'avgHeartRate', 'sport'], {
        messageIndex: i,
        timestamp: new Date(t),
        startTime: lapStart,
        totalElapsedTime: lap.elapsed,
        totalTimerTime: lap.timer ?? lap.elapsed,
        totalDistance: lap.meters,
        avgHeartRate: lap.hr,
        sport,
      }),
    );
  });
  const sum = (pick: (l: LapSpec) => number) => laps.reduce((a, l) => a + pick(l), 0);
  const hrs = laps.map((l) => l.hr).filter((h): h is number => h !== undefined);
  const sessions = spec.withSession === false ? 0 : (spec.sessions ?? 1);
  for (let s = 0; s < sessions; s++) {
    encoder.writeMesg(
      mesg(18, SESSION_KEYS, {
        messageIndex: s,
        timestamp: new Date(t),
        startTime: start,
        totalElapsedTime: (t - start.getTime()) / 1000,
        totalTimerTime: sum((l) => l.timer ?? l.elapsed),
        totalMovingTime: spec.movingTime,
        totalDistance: distance,
        sport,
        subSport,
        avgHeartRate: hrs.length ? Math.round(hrs.reduce((a, b) => a + b, 0) / hrs.length) : undefined,
        maxHeartRate: hrs.length ? Math.max(...hrs) + 8 : undefined,
        totalAscent: 42,
        numLaps: laps.length,
        firstLapIndex: 0,
      }),
    );
  }
  const local = spec.localOffset === undefined ? undefined : Utils.convertDateToDateTime(new Date(t)) + spec.localOffset;
  encoder.writeMesg(
    mesg(34, ['timestamp', 'totalTimerTime', 'numSessions', 'type', 'event', 'eventType', 'localTimestamp'], {
      timestamp: new Date(t),
      totalTimerTime: sum((l) => l.timer ?? l.elapsed),
      numSessions: sessions,
      type: 'manual',
      event: 'activity',
      eventType: 'stop',
      localTimestamp: local,
    }),
  );
  return encoder.close();
}

// 21:30 in New York (UTC−4 in March 2026) is already the next day in UTC.
const evening = new Date('2026-03-15T01:30:00Z');
const tenK: LapSpec[] = Array.from({ length: 10 }, (_, i) => ({ meters: 1000, elapsed: 300 + i, hr: 150 + i }));

function decoded(bytes: Uint8Array, timeZone?: string) {
  const result = decodeActivity(bytes, timeZone === undefined ? {} : { timeZone });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.activity;
}

describe('decodeActivity', () => {
  it('reads a 10 km run: totals, heart rate, climb and laps', () => {
    const laps = tenK.map((l, i) => (i === 4 ? { ...l, elapsed: 400, timer: 310 } : l));
    const activity = decoded(activityFile({ start: evening, laps, serial: 3_987_654_321, localOffset: -4 * 3600 }));
    expect(ActivitySchema.parse(activity)).toEqual(activity);
    expect(activity).toMatchObject({
      source: 'fit_upload',
      external_id: `fit-garmin-3987654321-${Utils.convertDateToDateTime(evening)}`,
      activity_type: 'Run',
      start_time: '2026-03-15T01:30:00.000Z',
      local_date: '2026-03-14',
      distance_meters: 10_000,
      // Laps of 300…309 s, the fifth paused: 400 s on the clock, 310 s running.
      elapsed_time_seconds: 3141,
      moving_time_seconds: 3051,
      average_heartrate: 155,
      max_heartrate: 167,
      total_elevation_gain: 42,
    });
    expect(activity.laps).toHaveLength(10);
    expect(activity.laps[4]).toEqual({ index: 4, distance_meters: 1000, elapsed_time_seconds: 400, moving_time_seconds: 310, average_heartrate: 154 });
  });

  it('prefers the recorded moving time when the watch wrote one', () => {
    expect(decoded(activityFile({ start: evening, laps: tenK, movingTime: 2990.5 })).moving_time_seconds).toBe(2990.5);
  });

  it('takes the local date from the device, else from the time zone given, else UTC', () => {
    const morning = new Date('2026-06-30T22:15:00Z');
    expect(decoded(activityFile({ start: morning, laps: tenK, localOffset: 9 * 3600 })).local_date).toBe('2026-07-01');
    const noLocal = activityFile({ start: morning, laps: tenK });
    expect(decoded(noLocal, 'Asia/Tokyo').local_date).toBe('2026-07-01');
    expect(decoded(noLocal, 'America/Los_Angeles').local_date).toBe('2026-06-30');
    expect(decoded(noLocal).local_date).toBe('2026-06-30');
    // The device's own clock wins over a time zone guessed from the profile.
    expect(decoded(activityFile({ start: morning, laps: tenK, localOffset: 9 * 3600 }), 'America/Los_Angeles').local_date).toBe('2026-07-01');
  });

  it.each([
    ['running', 'trail', 'TrailRun'],
    ['running', 'treadmill', 'Run'],
    ['running', 'street', 'Run'],
    ['running', 'virtualActivity', 'VirtualRun'],
    ['cycling', 'road', 'Ride'],
    ['walking', 'generic', 'Walk'],
    ['training', 'generic', 'Workout'],
  ])('maps %s/%s to %s', (sport, subSport, expected) => {
    expect(decoded(activityFile({ start: evening, laps: tenK, sport, subSport })).activity_type).toBe(expected);
  });

  it('gives a stable external id: same file same id, another recording another id', () => {
    const a = activityFile({ start: evening, laps: tenK, serial: 42 });
    expect(decoded(a).external_id).toBe(decoded(a.slice()).external_id);
    expect(decoded(activityFile({ start: evening, laps: tenK, serial: 43 })).external_id).not.toBe(decoded(a).external_id);
    const anonymous = decoded(activityFile({ start: evening, laps: tenK })).external_id;
    expect(anonymous).toMatch(/^fit-crc-[0-9a-f]{8}-\d+$/);
    expect(decoded(activityFile({ start: evening, laps: tenK })).external_id).toBe(anonymous);
  });

  it('sums laps when the file has no session, and several sessions into one', () => {
    const lapsOnly = decoded(activityFile({ start: evening, laps: tenK, withSession: false }));
    expect(lapsOnly).toMatchObject({ distance_meters: 10_000, elapsed_time_seconds: 3045, moving_time_seconds: 3045, average_heartrate: 155 });
    expect(lapsOnly.max_heartrate).toBeUndefined();
    const twice = decoded(activityFile({ start: evening, laps: tenK, sessions: 2 }));
    expect(twice.distance_meters).toBe(20_000);
    expect(twice.total_elevation_gain).toBe(84);
  });
});

describe('decodeActivity refuses what it cannot read', () => {
  const good = activityFile({ start: evening, laps: tenK, serial: 7, localOffset: 3600 });
  const issueOf = (bytes: Uint8Array, timeZone?: string) => {
    const result = decodeActivity(bytes, timeZone ? { timeZone } : {});
    expect(result.ok).toBe(false);
    return result.ok ? '' : result.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  };

  it('damaged, truncated, empty or foreign bytes', () => {
    // A changed value inside a record reads (the checksum is forgiven, issue 27); a record header
    // that names no definition does not.
    const flipped = good.slice();
    flipped[100] = flipped[100]! ^ 0xff;
    const forgiven = decodeActivity(flipped);
    expect(forgiven.ok).toBe(true);
    const broken = good.slice();
    broken[14] = 0x0f; // a data record of local type 15, never defined
    expect(issueOf(broken)).toMatch(/damaged/);
    expect(issueOf(good.slice(0, good.length - 40))).toMatch(/file: /);
    expect(issueOf(new Uint8Array())).toMatch(/not a FIT file/);
    expect(issueOf(new TextEncoder().encode('<gpx version="1.1"></gpx> and more text'))).toMatch(/not a FIT file/);
  });

  it('a workout file, a file with no summary, an unknown time zone', () => {
    const workout = encodeWorkout({
      name: 'Easy',
      structure: { segments: [{ type: 'steady', duration_seconds: 1800 }] },
      targets: { kind: 'pace', table: {} },
      serialNumber: 1,
      timeCreated: evening,
    });
    if (!workout.ok) throw new Error('encode failed');
    expect(issueOf(workout.bytes)).toBe('file: this is not an activity file (file type: workout)');
    expect(issueOf(activityFile({ start: evening, laps: [], withSession: false }))).toBe('file: the activity file has no session or lap summary');
    expect(issueOf(good, 'Mars/Olympus_Mons')).toBe('timeZone: unknown time zone "Mars/Olympus_Mons"');
  });

  it('never throws on garbage that still carries a valid checksum', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (edits) => {
        const bytes = good.slice();
        for (const [at, value] of edits) bytes[14 + (at % (bytes.length - 16))] = value;
        const crc = CrcCalculator.calculateCRC(bytes, 0, bytes.length - 2);
        bytes[bytes.length - 2] = crc & 0xff;
        bytes[bytes.length - 1] = crc >> 8;
        const result = decodeActivity(bytes);
        if (result.ok) expect(ActivitySchema.safeParse(result.activity).success).toBe(true);
        else expect(result.issues.length).toBeGreaterThan(0);
      }),
      {
        ...propertyRuns(300),
        // test:explore (seed 502109932): damaged timestamps made an Invalid Date, and toISOString threw.
        examples: [
          [
            [
              [687581510, 7],
              [402200001, 0],
            ],
          ],
        ],
      },
    );
  });
});
