import { ActivitySchema, isRunSportType, type Activity, type ActivityLap, type ActivitySource } from '../schema/activity.ts';
import { decodeActivityLegs } from '../fit/activity.ts';
import { looksLikeFit } from '../fit/records.ts';
import { dateInZone } from '../time/zone.ts';
import { crc32 } from '../zip/crc32.ts';
import { inflate } from '../zip/inflate.ts';
import { readGpx, readTcx, type RawTrack } from './gpx.ts';
import { summarizeTrack } from './track.ts';
import { parseXml } from './xml.ts';

/** A run read from a file, with the name the file (or the export's list) gave it. */
export interface ImportedRun {
  activity: Activity;
  name: string | null;
}

/** The runs in one file and notes for the runner, or why none could be read, in their words. */
export type DecodeRunFileResult = { ok: true; runs: ImportedRun[]; notes: string[] } | { ok: false; reason: string };

export interface DecodeRunFileOptions {
  /** IANA zone for the local date when the file does not say; UTC when absent. */
  timeZone?: string;
  /** Recorded on every run; by default fit_upload for FIT and file_import for GPX/TCX. */
  source?: ActivitySource;
  /** The sport a list beside the file gave (Strava's activities.csv), over the file's own word. */
  activityType?: string;
}

/** Files larger than this once unpacked are refused: no run needs it, and a phone has little memory. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

const decoder = new TextDecoder('utf-8');

/** Strava's activity_type for the word a GPX/TCX file uses; undefined when it does not say. */
export function sportFromWord(word: string | undefined): string | undefined {
  const w = word
    ?.trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  if (!w) return undefined;
  if (w === 'running' || w === 'run' || w === 'treadmill_running' || w === '9') return 'Run';
  if (w === 'trail_running' || w === 'trailrun' || w === 'trail_run') return 'TrailRun';
  if (w === 'virtualrun' || w === 'virtual_run') return 'VirtualRun';
  if (w === 'biking' || w === 'cycling' || w === 'ride' || w === '1') return 'Ride';
  if (w === 'walking' || w === 'walk') return 'Walk';
  if (w === 'hiking' || w === 'hike') return 'Hike';
  if (w === 'swimming' || w === 'swim') return 'Swim';
  // TCX has three sports; Garmin Connect files every swim, walk, hike or gym session as "Other",
  // never a run (a run is "Running"), so the speed guess below must not make it one.
  if (w === 'other') return 'Workout';
  return undefined;
}

/** A word for a sport in a sentence: "a ride", "a swim". */
function aSport(activityType: string): string {
  const words: Record<string, string> = { Ride: 'a ride', VirtualRide: 'a ride', Walk: 'a walk', Hike: 'a hike', Swim: 'a swim', NordicSki: 'a ski' };
  return words[activityType] ?? `a ${activityType.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}`;
}

const round = (value: number, decimals: number): number => Math.round(value * 10 ** decimals) / 10 ** decimals;
const MAX_SECONDS = 7 * 86_400;
const clampSeconds = (s: number): number => round(Math.min(Math.max(s, 0), MAX_SECONDS), 3);

function localDateOf(instant: Date, timeZone: string | undefined): string {
  if (timeZone === undefined) return instant.toISOString().slice(0, 10);
  try {
    return dateInZone(instant, timeZone);
  } catch {
    return instant.toISOString().slice(0, 10);
  }
}

/** One GPX/TCX recording as an activity, or a reason in a runner's words. */
function trackActivity(
  track: RawTrack,
  kind: 'gpx' | 'tcx',
  fingerprint: string,
  index: number,
  options: DecodeRunFileOptions,
): { activity: Activity } | { reason: string } {
  const summary = summarizeTrack(track.points);
  const start = summary.start ?? track.start ?? track.laps.find((l) => l.start !== undefined)?.start;
  if (start === undefined) return { reason: 'the recording has no times, so its date is unknown' };
  const lapMeters = track.laps.map((l) => l.meters ?? 0).reduce((a, b) => a + b, 0);
  const lapSeconds = track.laps.map((l) => l.seconds ?? 0).reduce((a, b) => a + b, 0);
  // The device's own lap totals are what the runner saw; the track is the fallback.
  const distance = lapMeters > 0 ? lapMeters : summary.distance_meters;
  const moving = summary.moving_time_seconds > 0 ? summary.moving_time_seconds : lapSeconds;
  const elapsed = Math.max(summary.elapsed_time_seconds, lapSeconds);
  if (distance <= 0 && moving <= 0 && elapsed <= 0) return { reason: 'the recording is empty: no distance and no time' };
  // Every point at one instant (GPSBabel writes its "no time", 1901-12-13T20:45:52Z, on each): a run
  // with a distance but neither duration nor a real date.
  if (moving <= 0 && elapsed <= 0) return { reason: 'every point of the recording has the same time, so its date and duration are unknown' };
  let activityType = options.activityType ?? sportFromWord(track.sport);
  // A file that does not say its sport was brought to a running coach: a run, unless it moved at
  // cycling speed.
  if (activityType === undefined) activityType = moving > 0 && distance / moving > 6.5 ? 'Ride' : 'Run';
  const laps: ActivityLap[] = track.laps.map((lap, i) => {
    const out: ActivityLap = {
      index: i,
      distance_meters: round(Math.min(Math.max(lap.meters ?? 0, 0), 1_000_000), 2),
      elapsed_time_seconds: clampSeconds(lap.seconds ?? 0),
      moving_time_seconds: clampSeconds(lap.seconds ?? 0),
    };
    if (lap.averageHr !== undefined && lap.averageHr >= 20 && lap.averageHr <= 260) out.average_heartrate = Math.round(lap.averageHr);
    return out;
  });
  const lapHrs = track.laps.filter((l) => l.averageHr !== undefined && l.averageHr >= 20 && l.averageHr <= 260 && (l.seconds ?? 0) > 0);
  const lapAverage = lapHrs.length > 0 ? lapHrs.reduce((a, l) => a + l.averageHr! * l.seconds!, 0) / lapHrs.reduce((a, l) => a + l.seconds!, 0) : undefined;
  const instant = new Date(start);
  const candidate: Record<string, unknown> = {
    source: options.source ?? 'file_import',
    external_id: `${kind}-${fingerprint}${index > 0 ? `-${index + 1}` : ''}`,
    activity_type: activityType,
    start_time: instant.toISOString(),
    local_date: localDateOf(instant, options.timeZone),
    distance_meters: round(Math.min(distance, 1_000_000), 2),
    moving_time_seconds: clampSeconds(moving),
    elapsed_time_seconds: clampSeconds(elapsed),
    average_heartrate: summary.average_heartrate ?? (lapAverage === undefined ? undefined : Math.round(lapAverage)),
    max_heartrate: summary.max_heartrate ?? track.laps.map((l) => l.maxHr).find((h) => h !== undefined && h >= 20 && h <= 260),
    total_elevation_gain: summary.elevation_gain === undefined ? undefined : round(Math.min(summary.elevation_gain, 20_000), 1),
    laps: laps.slice(0, 10_000),
  };
  for (const key of Object.keys(candidate)) if (candidate[key] === undefined) delete candidate[key];
  const parsed = ActivitySchema.safeParse(candidate);
  // Every field was bounded above: a failure is our bug, said plainly rather than as zod's text.
  return parsed.success ? { activity: parsed.data } : { reason: 'the recording holds values RunCoach cannot store' };
}

/** Keeps the runs, with a note for each other activity left out; refuses a file without any. */
function keepRuns(found: ImportedRun[], notes: string[], reasons: string[]): DecodeRunFileResult {
  const runs = found.filter((r) => isRunSportType(r.activity.activity_type));
  const others = found.filter((r) => !isRunSportType(r.activity.activity_type));
  if (runs.length === 0) {
    if (others.length > 0) return { ok: false, reason: `this is ${aSport(others[0]!.activity.activity_type)}, not a run; RunCoach keeps runs only` };
    return { ok: false, reason: reasons[0] ?? 'the file holds no recording' };
  }
  for (const other of others) notes.push(`${aSport(other.activity.activity_type)} in the same file was left out: RunCoach keeps runs only`);
  return { ok: true, runs, notes };
}

function decodeXml(bytes: Uint8Array, options: DecodeRunFileOptions): DecodeRunFileResult {
  const root = parseXml(decoder.decode(bytes));
  const top = root.children[0]?.name;
  if (top !== 'gpx' && top !== 'TrainingCenterDatabase') return { ok: false, reason: 'this XML file is neither GPX nor TCX' };
  const kind = top === 'gpx' ? 'gpx' : 'tcx';
  const tracks = kind === 'gpx' ? readGpx(root) : readTcx(root);
  if (tracks.length === 0) return { ok: false, reason: `the ${kind.toUpperCase()} file holds no recorded track` };
  const fingerprint = `${crc32(bytes).toString(16).padStart(8, '0')}-${bytes.length}`;
  const found: ImportedRun[] = [];
  const reasons: string[] = [];
  tracks.forEach((track, index) => {
    const made = trackActivity(track, kind, fingerprint, index, options);
    if ('activity' in made) found.push({ activity: made.activity, name: track.name ?? null });
    else reasons.push(made.reason);
  });
  return keepRuns(found, [], reasons);
}

function decodeFit(bytes: Uint8Array, options: DecodeRunFileOptions): DecodeRunFileResult {
  const legs = decodeActivityLegs(bytes, options.timeZone === undefined ? {} : { timeZone: options.timeZone });
  if (!legs.ok) {
    const timeZone = legs.issues.find((i) => i.path === 'timeZone');
    if (timeZone) return { ok: false, reason: 'the time zone given is unknown' };
    // Issues on `file` are written for runners; any other path would be a schema's words.
    const said = legs.issues.find((i) => i.path === 'file');
    return { ok: false, reason: said?.message ?? 'the FIT file holds values RunCoach cannot store' };
  }
  const found = legs.activities.map((activity) => ({
    activity: {
      ...activity,
      ...(options.source ? { source: options.source } : {}),
      ...(options.activityType && legs.activities.length === 1 ? { activity_type: options.activityType } : {}),
    },
    name: null,
  }));
  return keepRuns(found, [...legs.notes], []);
}

const startsWith = (bytes: Uint8Array, ...prefix: number[]): boolean => prefix.every((b, i) => bytes[i] === b);

/**
 * The runs in one file — FIT, GPX or TCX, or any of them gzipped — told apart by their content
 * (the name only words the refusals). Never throws; every refusal is a runner's sentence.
 */
export async function decodeRunFile(fileName: string, bytes: Uint8Array, options: DecodeRunFileOptions = {}): Promise<DecodeRunFileResult> {
  try {
    return await decodeAny(fileName, bytes, options);
  } catch {
    // Every decoder returns refusals as values; this is the net for a bug a hostile file finds.
    return { ok: false, reason: 'the file could not be read: it may be damaged' };
  }
}

async function decodeAny(fileName: string, bytes: Uint8Array, options: DecodeRunFileOptions): Promise<DecodeRunFileResult> {
  if (bytes.length === 0) return { ok: false, reason: 'the file is empty' };
  if (bytes.length > MAX_FILE_BYTES) return { ok: false, reason: 'the file is too large to be one run' };
  if (startsWith(bytes, 0x1f, 0x8b)) {
    const unpacked = await inflate(bytes, 'gzip', MAX_FILE_BYTES);
    if (!unpacked.ok)
      return { ok: false, reason: unpacked.reason === 'too_large' ? 'the file is too large to be one run' : 'the compressed (.gz) file is damaged' };
    if (startsWith(unpacked.bytes, 0x1f, 0x8b)) return { ok: false, reason: 'the file is compressed twice' };
    return decodeAny(fileName.replace(/\.gz$/i, ''), unpacked.bytes, options);
  }
  if (startsWith(bytes, 0x50, 0x4b, 0x03, 0x04)) return { ok: false, reason: 'this is a ZIP archive, not a single run: import it as a whole export' };
  if (looksLikeFit(bytes)) return decodeFit(bytes, options);
  // Text: skip a byte-order mark and leading space, then expect XML.
  const head = decoder
    .decode(bytes.subarray(0, 512))
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (head.startsWith('<')) return decodeXml(bytes, options);
  const extension = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase();
  if (extension === 'fit') return { ok: false, reason: 'this is not a FIT file, though its name ends in .fit' };
  if (extension === 'gpx' || extension === 'tcx')
    return { ok: false, reason: `this is not a ${extension.toUpperCase()} file, though its name ends in .${extension}` };
  return { ok: false, reason: 'this is not a FIT, GPX or TCX file' };
}
