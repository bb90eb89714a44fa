// Test and bench support: deterministic run recordings written as FIT (through Garmin's own
// Encoder), GPX and TCX, FIT files re-written with compressed-timestamp records, and whole
// Strava-export archives. Only tests and benches import this file.
import { CrcCalculator, Encoder, Utils, type Encodable, type Mesg } from '@garmin/fitsdk';
import { zipFiles, type ZipEntry } from '../zip/zip.ts';
import { haversine } from './track.ts';

/** Words no refusal may hold: a reason must read as a runner's sentence, none of the SDK's, zod's or JavaScript's vocabulary. */
export const DEVELOPER_WORDS = /expected|too small|too big|runtime|undefined|NaN|null|error|exception|byte \d/i;

/** One generated point: exact cumulative distance along the generated path. */
export interface GeneratedPoint {
  time: number;
  lat: number;
  lon: number;
  ele: number;
  hr: number;
  distance: number;
}

/** A small seeded generator (mulberry32): the same seed, the same run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A run of `seconds` from `start`, one point every `step` seconds, wandering around a park. */
export function generateTrack(seed: number, start: Date, seconds: number, step = 1, speed = 3): GeneratedPoint[] {
  const random = seeded(seed);
  let lat = 48.8 + random() * 0.1;
  let lon = 2.3 + random() * 0.1;
  let heading = random() * 2 * Math.PI;
  let distance = 0;
  const points: GeneratedPoint[] = [];
  for (let t = 0; t <= seconds; t += step) {
    if (t > 0) {
      heading += (random() - 0.5) * 0.2;
      const meters = speed * step * (0.9 + random() * 0.2);
      const nextLat = lat + ((meters * Math.cos(heading)) / 6_371_008.8) * (180 / Math.PI);
      const nextLon = lon + ((meters * Math.sin(heading)) / (6_371_008.8 * Math.cos((lat * Math.PI) / 180))) * (180 / Math.PI);
      // Exact (to the 7th decimal written in GPX) so every format states the same path.
      const [rLat, rLon] = [Math.round(nextLat * 1e7) / 1e7, Math.round(nextLon * 1e7) / 1e7];
      distance += haversine(lat, lon, rLat, rLon);
      [lat, lon] = [rLat, rLon];
    } else {
      [lat, lon] = [Math.round(lat * 1e7) / 1e7, Math.round(lon * 1e7) / 1e7];
    }
    points.push({
      time: start.getTime() + t * 1000,
      lat,
      lon,
      ele: Math.round((60 + 15 * Math.sin(distance / 700)) * 10) / 10,
      hr: Math.round(140 + 12 * Math.sin(t / 300) + random() * 4),
      distance,
    });
  }
  return points;
}

const SEMICIRCLES = 2 ** 31 / 180;

// Like the workout encoder, each kind of message goes through one key order (docs/FIT.md §"Key order").
function mesg(mesgNum: number, keys: string[], fields: Record<string, unknown>): Encodable<Mesg> {
  const out: Encodable<Mesg> & Record<string, unknown> = { mesgNum };
  for (const key of keys) if (fields[key] !== undefined) out[key] = fields[key];
  return out;
}
const RECORD_KEYS = ['timestamp', 'positionLat', 'positionLong', 'distance', 'altitude', 'heartRate'];
const LAP_KEYS = ['messageIndex', 'timestamp', 'startTime', 'totalElapsedTime', 'totalTimerTime', 'totalDistance', 'avgHeartRate', 'maxHeartRate', 'sport'];
const SESSION_KEYS = [
  'messageIndex',
  'timestamp',
  'startTime',
  'totalElapsedTime',
  'totalTimerTime',
  'totalDistance',
  'sport',
  'subSport',
  'avgHeartRate',
  'maxHeartRate',
  'totalAscent',
  'firstLapIndex',
  'numLaps',
];

/** One leg of a generated FIT file. */
export interface FitLeg {
  sport: string;
  points: GeneratedPoint[];
  /** Lap length in metres (1 km auto-laps by default). */
  lapMeters?: number;
  /** Write these session fields as given (nulls the way a COROS writes them). */
  sessionOverride?: Record<string, unknown>;
  lapOverride?: Record<string, unknown>;
}

const seconds = (a: number, b: number): number => (b - a) / 1000;
const mean = (xs: number[]): number => Math.round(xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1));

/** A watch-like activity file: file_id, then per leg records, laps and a session, then activity. */
export function fitActivity(legs: FitLeg[], options: { serial?: number; manufacturer?: string } = {}): Uint8Array {
  const encoder = new Encoder();
  const first = legs[0]!.points[0]!;
  encoder.writeMesg(
    mesg(0, ['type', 'manufacturer', 'product', 'serialNumber', 'timeCreated'], {
      type: 'activity',
      manufacturer: options.manufacturer ?? 'garmin',
      product: 4315,
      serialNumber: options.serial ?? 3_000_001,
      timeCreated: new Date(first.time),
    }),
  );
  let lapIndex = 0;
  let lastTime = first.time;
  legs.forEach((leg, legIndex) => {
    const { points } = leg;
    const base = points[0]!.distance;
    const lapLength = leg.lapMeters ?? 1000;
    const firstLap = lapIndex;
    let lapStart = 0;
    const closeLap = (endIndex: number): void => {
      const a = points[lapStart]!;
      const b = points[endIndex]!;
      const hrs = points.slice(lapStart, endIndex + 1).map((p) => p.hr);
      encoder.writeMesg(
        mesg(19, LAP_KEYS, {
          messageIndex: lapIndex++,
          timestamp: new Date(b.time),
          startTime: new Date(a.time),
          totalElapsedTime: seconds(a.time, b.time),
          totalTimerTime: seconds(a.time, b.time),
          totalDistance: b.distance - a.distance,
          avgHeartRate: mean(hrs),
          maxHeartRate: Math.max(...hrs),
          sport: leg.sport,
          ...leg.lapOverride,
        }),
      );
      lapStart = endIndex;
    };
    points.forEach((p, i) => {
      encoder.writeMesg(
        mesg(20, RECORD_KEYS, {
          timestamp: new Date(p.time),
          positionLat: Math.round(p.lat * SEMICIRCLES),
          positionLong: Math.round(p.lon * SEMICIRCLES),
          distance: p.distance - base,
          altitude: p.ele,
          heartRate: p.hr,
        }),
      );
      if (i > lapStart && (p.distance - points[lapStart]!.distance >= lapLength || i === points.length - 1)) closeLap(i);
    });
    const a = points[0]!;
    const b = points[points.length - 1]!;
    let ascent = 0;
    for (let i = 1; i < points.length; i++) ascent += Math.max(0, points[i]!.ele - points[i - 1]!.ele);
    encoder.writeMesg(
      mesg(18, SESSION_KEYS, {
        messageIndex: legIndex,
        timestamp: new Date(b.time),
        startTime: new Date(a.time),
        totalElapsedTime: seconds(a.time, b.time),
        totalTimerTime: seconds(a.time, b.time),
        totalDistance: b.distance - base,
        sport: leg.sport,
        subSport: 'generic',
        avgHeartRate: mean(points.map((p) => p.hr)),
        maxHeartRate: Math.max(...points.map((p) => p.hr)),
        totalAscent: Math.round(ascent),
        firstLapIndex: firstLap,
        numLaps: lapIndex - firstLap,
        ...leg.sessionOverride,
      }),
    );
    lastTime = b.time;
  });
  encoder.writeMesg(
    mesg(34, ['timestamp', 'totalTimerTime', 'numSessions', 'type', 'event', 'eventType'], {
      timestamp: new Date(lastTime),
      totalTimerTime: seconds(first.time, lastTime),
      numSessions: legs.length,
      type: 'manual',
      event: 'activity',
      eventType: 'stop',
    }),
  );
  return encoder.close();
}

/** A FIT file with new CRCs around `records` (and the original's protocol/profile bytes). */
function frame(original: Uint8Array, records: Uint8Array): Uint8Array {
  const out = new Uint8Array(14 + records.length + 2);
  const view = new DataView(out.buffer);
  out.set(original.subarray(0, 4));
  out[0] = 14;
  view.setUint32(4, records.length, true);
  out.set([0x2e, 0x46, 0x49, 0x54], 8);
  view.setUint16(12, CrcCalculator.calculateCRC(out, 0, 12), true);
  out.set(records, 14);
  view.setUint16(out.length - 2, CrcCalculator.calculateCRC(out, 0, out.length - 2), true);
  return out;
}

/**
 * Re-writes the `record` messages (global 20) of an SDK-written file the way older devices do:
 * compressed-timestamp headers on local type 3 with a definition that lacks field 253, whenever
 * the time since the last timestamp is under 32 s. Written independently of records.ts.
 */
export function compressTimestamps(fit: Uint8Array): { bytes: Uint8Array; compressed: number } {
  const view = new DataView(fit.buffer, fit.byteOffset, fit.byteLength);
  const end = fit[0]! + view.getUint32(4, true);
  type Def = { body: Uint8Array; little: boolean; global: number; fields: [number, number, number][]; size: number };
  const defs: Def[] = [];
  const current: (Uint8Array | undefined)[] = [];
  const out: number[] = [];
  const emit = (local: number, body: Uint8Array): void => {
    if (current[local] && current[local]!.length === body.length && current[local]!.every((v, i) => v === body[i])) return;
    out.push(0x40 | local, ...body);
    current[local] = body;
  };
  let last: number | undefined;
  let compressed = 0;
  let p = fit[0]!;
  while (p < end) {
    const header = fit[p]!;
    if (header & 0x40) {
      if (header & 0x20) throw new Error('developer fields are not generated here');
      const local = header & 0x0f;
      const little = fit[p + 2] === 0;
      const count = fit[p + 5]!;
      const fields: [number, number, number][] = [];
      for (let i = 0; i < count; i++) fields.push([fit[p + 6 + i * 3]!, fit[p + 7 + i * 3]!, fit[p + 8 + i * 3]!]);
      const body = fit.slice(p + 1, p + 6 + count * 3);
      defs[local] = { body, little, global: view.getUint16(p + 3, little), fields, size: fields.reduce((a, f) => a + f[1], 0) };
      p += 6 + count * 3;
      continue;
    }
    const local = header & 0x0f;
    const def = defs[local]!;
    const data = fit.subarray(p + 1, p + 1 + def.size);
    let at = 0;
    let stamp: number | undefined;
    let stampAt = -1;
    for (const [num, size] of def.fields) {
      if (num === 253 && size === 4) [stamp, stampAt] = [view.getUint32(p + 1 + at, def.little), at];
      at += size;
    }
    if (def.global === 20 && stamp !== undefined && last !== undefined && stamp >= last && stamp - last < 32) {
      const fields = def.fields.filter(([num]) => num !== 253);
      const body = Uint8Array.from([...def.body.subarray(0, 4), fields.length, ...fields.flat()]);
      emit(3, body);
      out.push(0x80 | (3 << 5) | (stamp & 0x1f), ...data.subarray(0, stampAt), ...data.subarray(stampAt + 4));
      compressed++;
    } else {
      emit(local, def.body);
      out.push(local, ...data);
    }
    if (stamp !== undefined) last = stamp;
    p += 1 + def.size;
  }
  return { bytes: frame(fit, Uint8Array.from(out)), compressed };
}

/** The FIT epoch seconds of a date, for tests that compare timestamps. */
export const fitSeconds = (date: Date): number => Utils.convertDateToDateTime(date);

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

/** A GPX 1.1 track as Garmin Connect and Strava write it, heart rate in gpxtpx:hr. */
export function gpxFile(points: GeneratedPoint[], options: { name?: string; type?: string } = {}): string {
  const trkpts = points
    .map(
      (p) =>
        `<trkpt lat="${p.lat.toFixed(7)}" lon="${p.lon.toFixed(7)}"><ele>${p.ele}</ele><time>${iso(p.time)}</time>` +
        `<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>${p.hr}</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions></trkpt>`,
    )
    .join('\n   ');
  return `<?xml version="1.0" encoding="UTF-8"?>
<gpx creator="RunCoach test" version="1.1" xmlns="http://www.topografix.com/GPX/1/1" xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">
 <metadata><time>${iso(points[0]!.time)}</time></metadata>
 <trk>
  <name>${(options.name ?? 'Morning Run').replace(/&/g, '&amp;').replace(/</g, '&lt;')}</name>
  <type>${options.type ?? 'running'}</type>
  <trkseg>
   ${trkpts}
  </trkseg>
 </trk>
</gpx>
`;
}

/** A TCX activity with 1 km laps, each stating its DistanceMeters as Garmin's devices do. */
export function tcxFile(points: GeneratedPoint[], options: { sport?: string; lapMeters?: number } = {}): string {
  const lapMeters = options.lapMeters ?? 1000;
  const base = points[0]!.distance;
  const laps: GeneratedPoint[][] = [[]];
  for (const p of points) {
    const lap = laps[laps.length - 1]!;
    lap.push(p);
    if (p.distance - lap[0]!.distance >= lapMeters) laps.push([p]);
  }
  if (laps[laps.length - 1]!.length < 2) laps.pop();
  const body = laps
    .map((lap) => {
      const a = lap[0]!;
      const b = lap[lap.length - 1]!;
      const tps = lap
        .map(
          (p) =>
            `<Trackpoint><Time>${iso(p.time)}</Time><Position><LatitudeDegrees>${p.lat}</LatitudeDegrees><LongitudeDegrees>${p.lon}</LongitudeDegrees></Position>` +
            `<AltitudeMeters>${p.ele}</AltitudeMeters><DistanceMeters>${(p.distance - base).toFixed(2)}</DistanceMeters><HeartRateBpm><Value>${p.hr}</Value></HeartRateBpm></Trackpoint>`,
        )
        .join('');
      return `<Lap StartTime="${iso(a.time)}"><TotalTimeSeconds>${(b.time - a.time) / 1000}</TotalTimeSeconds><DistanceMeters>${(b.distance - a.distance).toFixed(2)}</DistanceMeters>
<AverageHeartRateBpm><Value>${mean(lap.map((p) => p.hr))}</Value></AverageHeartRateBpm><MaximumHeartRateBpm><Value>${Math.max(...lap.map((p) => p.hr))}</Value></MaximumHeartRateBpm>
<Intensity>Active</Intensity><TriggerMethod>Distance</TriggerMethod><Track>${tps}</Track></Lap>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">
<Activities><Activity Sport="${options.sport ?? 'Running'}"><Id>${iso(points[0]!.time)}</Id>
${body}
</Activity></Activities></TrainingCenterDatabase>
`;
}

/** Gzips bytes through the platform's CompressionStream (as Strava's export stores each file). */
export async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const csvField = (value: string): string => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/** Strava's own date format in activities.csv ("Mar 5, 2024, 6:01:02 AM", UTC). */
export function stravaCsvDate(ms: number): string {
  const d = new Date(ms);
  const month = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const hour = d.getUTCHours() % 12 === 0 ? 12 : d.getUTCHours() % 12;
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${month} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${hour}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${d.getUTCHours() < 12 ? 'AM' : 'PM'}`;
}

/** What a generated export holds, to check an import against. */
export interface GeneratedExport {
  zip: Uint8Array;
  runs: number;
  /** Rows whose activity is not a run (rides), refused by an import. */
  others: number;
}

/**
 * A Strava account archive: activities.csv (Strava's columns, including its repeated ones) and
 * activities/<id>.fit.gz | .gpx.gz | .tcx.gz, one activity a day from `first`, every tenth a ride.
 */
export async function stravaExport(count: number, options: { seed?: number; first?: Date; pointStep?: number } = {}): Promise<GeneratedExport> {
  const first = options.first ?? new Date('2025-01-01T06:30:00Z');
  const entries: ZipEntry[] = [];
  const header = [
    'Activity ID',
    'Activity Date',
    'Activity Name',
    'Activity Type',
    'Activity Description',
    'Elapsed Time',
    'Distance',
    'Max Heart Rate',
    'Relative Effort',
    'Commute',
    'Activity Private Note',
    'Activity Gear',
    'Filename',
    'Athlete Weight',
    'Bike Weight',
    'Elapsed Time',
    'Moving Time',
    'Distance',
  ];
  const rows: string[] = [header.map(csvField).join(',')];
  let others = 0;
  for (let i = 0; i < count; i++) {
    const id = String(9_000_000_000 + i * 7);
    const start = new Date(first.getTime() + i * 86_400_000);
    const ride = i % 10 === 9;
    if (ride) others++;
    const minutes = 20 + (i % 5) * 5;
    const points = generateTrack((options.seed ?? 1) * 100_003 + i, start, minutes * 60, options.pointStep ?? 5, ride ? 7 : 3);
    const last = points[points.length - 1]!;
    const kind = ['fit', 'gpx', 'tcx'][i % 3]!;
    const raw =
      kind === 'fit'
        ? fitActivity([{ sport: ride ? 'cycling' : 'running', points }], { serial: 5_000_000 + i })
        : new TextEncoder().encode(
            kind === 'gpx' ? gpxFile(points, { type: ride ? 'cycling' : 'running' }) : tcxFile(points, { sport: ride ? 'Biking' : 'Running' }),
          );
    const file = `activities/${id}.${kind}.gz`;
    entries.push({ name: file, bytes: await gzip(raw), date: start });
    const seconds = String((last.time - start.getTime()) / 1000);
    const km = (last.distance / 1000).toFixed(2);
    const name = i % 7 === 0 ? `Tempo, "hard" ${i}` : `Run ${i}`;
    rows.push(
      [
        id,
        stravaCsvDate(start.getTime()),
        name,
        ride ? 'Ride' : 'Run',
        i % 11 === 0 ? 'legs felt good,\nthen heavy' : '',
        seconds,
        km,
        '170',
        '30',
        'false',
        '',
        '',
        file,
        '',
        '',
        seconds,
        seconds,
        String(Math.round(last.distance)),
      ]
        .map(csvField)
        .join(','),
    );
  }
  entries.unshift({ name: 'activities.csv', bytes: new TextEncoder().encode(rows.join('\n') + '\n'), date: first });
  entries.push({ name: 'profile.csv', bytes: new TextEncoder().encode('Athlete ID\n1\n'), date: first });
  return { zip: zipFiles(entries), runs: count - others, others };
}
