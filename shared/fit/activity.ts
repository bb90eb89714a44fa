import { Utils, type FitMessages, type LapMesg, type SessionMesg } from '@garmin/fitsdk';
import type { Issue } from '../schema/issues.ts';
import { toIssues } from '../schema/issues.ts';
import { ActivitySchema, type Activity, type ActivityLap } from '../schema/activity.ts';
import { crc32 } from '../zip/crc32.ts';
import { dateInZone } from '../time/zone.ts';
import { fileType, readFit } from './read.ts';

/** Where the runner was, for files whose activity message has no local timestamp. */
export interface DecodeActivityOptions {
  /** IANA zone such as "Europe/Paris"; UTC when absent. */
  timeZone?: string;
}

export type DecodeActivityResult = { ok: true; activity: Activity } | { ok: false; issues: Issue[] };

/** The summary fields sessions and laps share; a file without sessions is summed from laps. */
type Summary = Pick<
  SessionMesg & LapMesg,
  | 'startTime'
  | 'totalElapsedTime'
  | 'totalTimerTime'
  | 'totalMovingTime'
  | 'totalDistance'
  | 'avgHeartRate'
  | 'maxHeartRate'
  | 'totalAscent'
  | 'sport'
  | 'subSport'
>;

// Offsets beyond UTC−12…UTC+14 (plus slack) mean a broken local timestamp: ignore it.
const MAX_OFFSET_SECONDS = 15 * 3600;

const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const round = (value: number, decimals: number): number => Math.round(value * 10 ** decimals) / 10 ** decimals;
const fail = (path: string, message: string): DecodeActivityResult => ({ ok: false, issues: [{ path, message }] });

/** Strava's activity_type for a FIT sport/sub-sport pair. */
function sportType(sport: unknown, subSport: unknown): string {
  switch (sport) {
    case 'running':
      if (subSport === 'trail') return 'TrailRun';
      // Treadmill runs are plain "Run" on Strava (with trainer: true), virtual ones are not.
      return subSport === 'virtualActivity' ? 'VirtualRun' : 'Run';
    case 'cycling':
      return subSport === 'virtualActivity' ? 'VirtualRide' : 'Ride';
    case 'walking':
      return 'Walk';
    case 'hiking':
      return 'Hike';
    case 'swimming':
      return 'Swim';
    case 'crossCountrySkiing':
      return 'NordicSki';
    default:
      return 'Workout';
  }
}

const movingOf = (s: Summary): number => num(s.totalMovingTime) ?? num(s.totalTimerTime) ?? num(s.totalElapsedTime) ?? 0;
/** A date the file holds, unless damage made it one JavaScript cannot represent (an Invalid Date). */
const readableDate = (value: unknown): Date | undefined => (value instanceof Date && Number.isFinite(value.getTime()) ? value : undefined);
const startOf = (s: Summary): Date | undefined => readableDate(s.startTime);

function toLap(lap: LapMesg, index: number): ActivityLap {
  const out: ActivityLap = {
    index,
    distance_meters: round(num(lap.totalDistance) ?? 0, 2),
    elapsed_time_seconds: round(num(lap.totalElapsedTime) ?? 0, 3),
    moving_time_seconds: round(movingOf(lap), 3),
  };
  const hr = num(lap.avgHeartRate);
  if (hr !== undefined) out.average_heartrate = hr;
  return out;
}

/** The calendar day of `instant` in the device's local time, else in `timeZone`, else UTC. */
function localDate(instant: Date, messages: FitMessages, timeZone: string | undefined): string {
  const activity = messages.activityMesgs?.[0];
  const local = num(activity?.localTimestamp);
  if (local !== undefined && activity?.timestamp instanceof Date) {
    const offset = local - Utils.convertDateToDateTime(activity.timestamp);
    if (Math.abs(offset) <= MAX_OFFSET_SECONDS) return new Date(instant.getTime() + offset * 1000).toISOString().slice(0, 10);
  }
  if (timeZone === undefined) return instant.toISOString().slice(0, 10);
  return dateInZone(instant, timeZone);
}

/** Same recording → same id: the device's serial and creation time, else a checksum of the bytes. */
function externalId(messages: FitMessages, bytes: Uint8Array): string {
  const fileId = messages.fileIdMesgs?.[0];
  const serial = num(fileId?.serialNumber);
  if (serial !== undefined && fileId?.timeCreated instanceof Date) {
    const maker = fileId.manufacturer === undefined ? 'unknown' : String(fileId.manufacturer);
    return `fit-${maker}-${serial}-${Utils.convertDateToDateTime(fileId.timeCreated)}`;
  }
  return `fit-crc-${crc32(bytes).toString(16).padStart(8, '0')}-${bytes.length}`;
}

function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Adds up sessions (or laps) into one activity summary. */
function summarise(parts: Summary[], fallbackStart: Date | undefined) {
  const starts = parts.map(startOf).filter((d): d is Date => d !== undefined);
  const start = starts.length > 0 ? new Date(Math.min(...starts.map((d) => d.getTime()))) : fallbackStart;
  const sum = (pick: (s: Summary) => number | undefined): number => parts.reduce((acc, s) => acc + (pick(s) ?? 0), 0);
  let elapsed = sum((s) => num(s.totalElapsedTime));
  if (parts.length > 1 && start && starts.length === parts.length) {
    // Several sessions (multisport, or laps of a file without a session): wall-clock span.
    const ends = parts.map((s) => startOf(s)!.getTime() + (num(s.totalElapsedTime) ?? 0) * 1000);
    elapsed = (Math.max(...ends) - start.getTime()) / 1000;
  }
  const timed = parts.filter((s) => num(s.avgHeartRate) !== undefined);
  const weight = (s: Summary): number => num(s.totalTimerTime) ?? num(s.totalElapsedTime) ?? 1;
  const totalWeight = timed.reduce((acc, s) => acc + weight(s), 0);
  const avgHr = totalWeight > 0 ? timed.reduce((acc, s) => acc + num(s.avgHeartRate)! * weight(s), 0) / totalWeight : undefined;
  const maxes = parts.map((s) => num(s.maxHeartRate)).filter((v): v is number => v !== undefined);
  const ascents = parts.map((s) => num(s.totalAscent)).filter((v): v is number => v !== undefined);
  const sports = new Set(parts.map((s) => sportType(s.sport, s.subSport)));
  return {
    start,
    activity_type: sports.size === 1 ? [...sports][0]! : 'Workout',
    distance_meters: round(
      sum((s) => num(s.totalDistance)),
      2,
    ),
    moving_time_seconds: round(sum(movingOf), 3),
    elapsed_time_seconds: round(elapsed, 3),
    average_heartrate: avgHr === undefined ? undefined : Math.round(avgHr),
    max_heartrate: maxes.length > 0 ? Math.max(...maxes) : undefined,
    total_elevation_gain: ascents.length > 0 ? ascents.reduce((a, b) => a + b, 0) : undefined,
  };
}

/**
 * Decodes a FIT activity file (a run recorded by a watch) into our activity shape.
 * Damaged files, other file types and files without any summary come back as issues.
 */
export function decodeActivity(bytes: Uint8Array, options: DecodeActivityOptions = {}): DecodeActivityResult {
  if (options.timeZone !== undefined && !isValidTimeZone(options.timeZone)) {
    return fail('timeZone', `unknown time zone "${options.timeZone}"`);
  }
  const read = readFit(bytes);
  if (!read.ok) return read;
  const { messages } = read;
  const type = fileType(messages);
  if (type !== 'activity') return fail('file', `this is not an activity file (file type: ${type ?? 'missing'})`);

  const sessions: Summary[] = messages.sessionMesgs ?? [];
  const laps = messages.lapMesgs ?? [];
  const parts = sessions.length > 0 ? sessions : laps;
  if (parts.length === 0) return fail('file', 'the activity file has no session or lap summary');
  const timeCreated = messages.fileIdMesgs?.[0]?.timeCreated;
  const { start, ...summary } = summarise(parts, readableDate(timeCreated));
  if (!start || !Number.isFinite(start.getTime())) return fail('file', 'the activity file has no readable start time');

  const candidate: Record<string, unknown> = {
    source: 'fit_upload',
    external_id: externalId(messages, bytes),
    activity_type: summary.activity_type,
    start_time: start.toISOString(),
    local_date: localDate(start, messages, options.timeZone),
    distance_meters: summary.distance_meters,
    moving_time_seconds: summary.moving_time_seconds,
    elapsed_time_seconds: summary.elapsed_time_seconds,
    average_heartrate: summary.average_heartrate,
    max_heartrate: summary.max_heartrate,
    total_elevation_gain: summary.total_elevation_gain,
    laps: laps.map(toLap),
  };
  for (const key of Object.keys(candidate)) if (candidate[key] === undefined) delete candidate[key];
  const parsed = ActivitySchema.safeParse(candidate);
  return parsed.success ? { ok: true, activity: parsed.data } : { ok: false, issues: toIssues(parsed.error) };
}
