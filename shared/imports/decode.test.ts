import { Decoder, Stream } from '@garmin/fitsdk';
import FitParser from 'fit-file-parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyRuns } from '../testing/properties.ts';
import { ActivitySchema } from '../schema/activity.ts';
import { readFit } from '../fit/read.ts';
import { CHECKSUM_NOTE } from '../fit/records.ts';
import { decodeRunFile, type DecodeRunFileResult } from './decode.ts';
import { compressTimestamps, DEVELOPER_WORDS, fitActivity, generateTrack, gpxFile, gzip, tcxFile } from './testing.ts';

const start = new Date('2026-05-02T07:15:00Z');
const points = generateTrack(7, start, 45 * 60);
const truth = points[points.length - 1]!.distance;
const text = (s: string) => new TextEncoder().encode(s);

function runs(result: DecodeRunFileResult) {
  if (!result.ok) throw new Error(result.reason);
  for (const run of result.runs) expect(ActivitySchema.parse(run.activity)).toEqual(run.activity);
  return result.runs;
}
const within = (actual: number, expected: number, fraction: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(expected * fraction);

/** fit-file-parser's view of a file: an independent decoder (MIT), for distances. */
async function otherDecoder(bytes: Uint8Array) {
  const parsed = await new FitParser({ mode: 'list', force: true, lengthUnit: 'm' }).parseAsync(Buffer.from(bytes));
  return parsed as { sessions?: { total_distance?: number; sport?: string }[]; records?: { timestamp?: Date; distance?: number }[] };
}

describe('decodeRunFile: FIT', () => {
  const fit = fitActivity([{ sport: 'running', points }]);

  it('reads a watch run, with a distance fit-file-parser agrees with within 1%', async () => {
    const [run] = runs(await decodeRunFile('run.fit', fit));
    expect(run!.activity).toMatchObject({ source: 'fit_upload', activity_type: 'Run', start_time: start.toISOString(), local_date: '2026-05-02' });
    const other = await otherDecoder(fit);
    within(run!.activity.distance_meters, other.sessions![0]!.total_distance!, 0.01);
    within(run!.activity.distance_meters, truth, 0.01);
    expect(run!.activity.laps.length).toBe(Math.ceil(truth / 1000));
  });

  it('reads compressed-timestamp records (older devices), which the SDK alone refuses', async () => {
    const { bytes, compressed } = compressTimestamps(fit);
    expect(compressed).toBeGreaterThan(points.length - 10);
    const { errors } = new Decoder(Stream.fromByteArray(bytes)).read();
    expect(errors.map((e) => e.message).join()).toMatch(/compressed timestamp/);

    const read = readFit(bytes);
    const original = readFit(fit);
    if (!read.ok || !original.ok) throw new Error('read failed');
    // Every record comes back with the timestamp its header implied, and the same values.
    expect(read.messages.recordMesgs).toEqual(original.messages.recordMesgs);
    const [run] = runs(await decodeRunFile('old.fit', bytes));
    const [reference] = runs(await decodeRunFile('run.fit', fit));
    expect(run!.activity).toEqual(reference!.activity);
    // fit-file-parser reads compressed timestamps too: the same distance, independently.
    const other = await otherDecoder(bytes);
    within(run!.activity.distance_meters, other.sessions![0]!.total_distance!, 0.01);
  });

  it('forgives a wrong checksum when every record reads, and says so', async () => {
    const badCrc = fit.slice();
    badCrc[badCrc.length - 1] = badCrc[badCrc.length - 1]! ^ 0x5a;
    const result = await decodeRunFile('strava-android.fit', badCrc);
    expect(result.ok && result.notes).toEqual([CHECKSUM_NOTE]);
    expect(runs(result)[0]!.activity.distance_meters).toBe(runs(await decodeRunFile('run.fit', fit))[0]!.activity.distance_meters);

    // A changed value inside a record (not its structure) is also still a readable file.
    const changedValue = fit.slice();
    changedValue[fit.length - 120] = changedValue[fit.length - 120]! ^ 0x01;
    expect((await decodeRunFile('x.fit', changedValue)).ok).toBe(true);
  });

  it('refuses broken structure in words, never the SDK’s', async () => {
    const truncated = fit.slice(0, Math.floor(fit.length / 2));
    const broken = fit.slice();
    broken[14] = 0x4f; // the first record header now names an undefined local type's definition mess
    broken[15] = 0xff;
    broken[16] = 0x09; // architecture 9 does not exist
    for (const bytes of [truncated, broken]) {
      const result = await decodeRunFile('bad.fit', bytes);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).not.toMatch(DEVELOPER_WORDS);
    }
  });

  it('drops nulls and out-of-range values field by field (the COROS case)', async () => {
    const coros = fitActivity(
      [{ sport: 'running', points, sessionOverride: { totalDistance: undefined, avgHeartRate: 0, maxHeartRate: 3 }, lapOverride: { avgHeartRate: 1 } }],
      { manufacturer: 'coros' },
    );
    const [run] = runs(await decodeRunFile('coros.fit', coros));
    expect(run!.activity.average_heartrate).toBeUndefined();
    expect(run!.activity.max_heartrate).toBeUndefined();
    expect(run!.activity.laps.every((lap) => lap.average_heartrate === undefined)).toBe(true);
    within(run!.activity.distance_meters, truth, 0.01);
  });

  it('splits a multisport file into legs and keeps the run legs', async () => {
    const bike = generateTrack(8, new Date(start.getTime() + 46 * 60_000), 30 * 60, 1, 8);
    const run2 = generateTrack(9, new Date(start.getTime() + 77 * 60_000), 20 * 60);
    const multi = fitActivity([
      { sport: 'running', points },
      { sport: 'cycling', points: bike },
      { sport: 'running', points: run2 },
    ]);
    const result = await decodeRunFile('duathlon.fit', multi);
    const legs = runs(result);
    expect(legs.map((l) => l.activity.activity_type)).toEqual(['Run', 'Run']);
    within(legs[0]!.activity.distance_meters, truth, 0.01);
    within(legs[1]!.activity.distance_meters, run2[run2.length - 1]!.distance, 0.01);
    expect(legs[1]!.activity.start_time).toBe(new Date(run2[0]!.time).toISOString());
    expect(new Set(legs.map((l) => l.activity.external_id)).size).toBe(2);
    expect(legs[1]!.activity.laps[0]!.index).toBe(0);
    expect(result.ok && result.notes).toEqual(['a ride in the same file was left out: RunCoach keeps runs only']);
  });
});

describe('decodeRunFile: GPX and TCX', () => {
  it('reads a GPX track: distance, moving time, climb and heart rate from gpxtpx:hr', async () => {
    const [run] = runs(await decodeRunFile('Morning_Run.gpx', text(gpxFile(points, { name: 'Bois & lake' }))));
    expect(run!.name).toBe('Bois & lake');
    expect(run!.activity).toMatchObject({ source: 'file_import', activity_type: 'Run', start_time: start.toISOString(), elapsed_time_seconds: 45 * 60 });
    within(run!.activity.distance_meters, truth, 0.01);
    within(run!.activity.moving_time_seconds, 45 * 60, 0.02);
    expect(run!.activity.average_heartrate).toBeGreaterThan(130);
    expect(run!.activity.total_elevation_gain).toBeGreaterThan(10);
  });

  it('reads a TCX activity: its stated lap distances, laps and heart rate', async () => {
    const tcx = tcxFile(points);
    const stated = [...tcx.matchAll(/<Lap [^>]*><TotalTimeSeconds>[^<]*<\/TotalTimeSeconds><DistanceMeters>([\d.]+)</g)].reduce((a, m) => a + Number(m[1]), 0);
    const [run] = runs(await decodeRunFile('run.tcx', text(tcx)));
    within(run!.activity.distance_meters, stated, 0.01);
    within(run!.activity.distance_meters, truth, 0.01);
    expect(run!.activity.laps.length).toBe(Math.ceil(truth / 1000));
    expect(run!.activity.laps[0]!.average_heartrate).toBeGreaterThan(100);
  });

  it('ignores GPS wander while standing, and jumps', async () => {
    const still = Array.from({ length: 600 }, (_, i) => ({
      ...points[0]!,
      time: points[0]!.time + i * 1000,
      lat: points[0]!.lat + (((i * 7919) % 13) - 6) * 2e-6,
      lon: points[0]!.lon + (((i * 104729) % 11) - 5) * 2e-6,
    }));
    const jump = { ...points[10]!, lat: points[10]!.lat + 0.05 };
    const track = [...still, ...points.slice(0, 10).map((p) => ({ ...p, time: p.time + 600_000 })), { ...jump, time: jump.time + 600_000 }];
    const [run] = runs(await decodeRunFile('still.gpx', text(gpxFile(track))));
    expect(run!.activity.distance_meters).toBeLessThan(points[9]!.distance + 40);
    expect(run!.activity.moving_time_seconds).toBeLessThan(60);
  });

  it('reads gzipped files by content, whatever their name', async () => {
    const [fromGpx] = runs(await decodeRunFile('123.gpx.gz', await gzip(text(gpxFile(points)))));
    const [fromFit] = runs(await decodeRunFile('456', await gzip(fitActivity([{ sport: 'running', points }]))));
    within(fromGpx!.activity.distance_meters, fromFit!.activity.distance_meters, 0.01);
  });
});

describe('decodeRunFile refuses in a runner’s words', () => {
  it.each([
    ['empty.fit', new Uint8Array(), 'the file is empty'],
    ['photo.jpg', Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]), 'this is not a FIT, GPX or TCX file'],
    ['run.fit', text('hello, not a fit file at all'), 'this is not a FIT file, though its name ends in .fit'],
    ['export.zip', Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0]), 'this is a ZIP archive, not a single run: import it as a whole export'],
    ['broken.gpx.gz', Uint8Array.from([0x1f, 0x8b, 8, 0, 1, 2, 3, 4]), 'the compressed (.gz) file is damaged'],
    ['route.gpx', text('<gpx><rte><rtept lat="1" lon="2"/></rte></gpx>'), 'the GPX file holds no recorded track'],
    ['feed.xml', text('<?xml version="1.0"?><rss></rss>'), 'this XML file is neither GPX nor TCX'],
    ['untimed.gpx', text('<gpx><trk><trkseg><trkpt lat="1" lon="2"/></trkseg></trk></gpx>'), 'the recording has no times, so its date is unknown'],
  ])('%s', async (name, bytes, reason) => {
    expect(await decodeRunFile(name, bytes)).toEqual({ ok: false, reason });
  });

  it('a ride is not a run; a workout file is not an activity', async () => {
    const ride = fitActivity([{ sport: 'cycling', points }]);
    expect(await decodeRunFile('ride.fit', ride)).toEqual({ ok: false, reason: 'this is a ride, not a run; RunCoach keeps runs only' });
    expect(await decodeRunFile('ride.tcx', text(tcxFile(points, { sport: 'Biking' })))).toEqual({
      ok: false,
      reason: 'this is a ride, not a run; RunCoach keeps runs only',
    });
  });
});

describe('decodeRunFile on hostile input', () => {
  const small = fitActivity([{ sport: 'running', points: generateTrack(41, start, 120, 5) }]);
  const gpx = text(gpxFile(generateTrack(42, start, 120, 5)));

  it('never throws, and every refusal is a sentence without developer words', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(small, gpx),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        async (original, edits, cut) => {
          const bytes = original.slice(0, cut ? Math.max(1, original.length - 37) : original.length);
          for (const [at, value] of edits) bytes[at % bytes.length] = value;
          const result = await decodeRunFile('file', bytes);
          if (result.ok) for (const run of result.runs) expect(ActivitySchema.safeParse(run.activity).success).toBe(true);
          else {
            expect(result.reason.length).toBeGreaterThan(5);
            expect(result.reason).not.toMatch(DEVELOPER_WORDS);
          }
        },
      ),
      propertyRuns(150),
    );
  }, 120_000);

  it('reads deeply nested or unbalanced XML in linear time', async () => {
    const deep = text(`<gpx><trk>${'<a>'.repeat(200_000)}${'</b>'.repeat(200_000)}</trk></gpx>`);
    expect(await decodeRunFile('deep.gpx', deep)).toEqual({ ok: false, reason: 'the recording has no times, so its date is unknown' });
  }, 60_000);
});
