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
/** A value within [min, max], else nothing: a device's nulls and nonsense are dropped field by field (the COROS case). */
const within = (value: unknown, min: number, max: number): number | undefined => {
  const n = num(value);
  return n !== undefined && n >= min && n <= max ? n : undefined;
};
const MAX_SECONDS = 7 * 86_400;
const seconds = (value: unknown): number | undefined => within(value, 0, MAX_SECONDS);
const meters = (value: unknown): number | undefined => within(value, 0, 1_000_000);
const heartRate = (value: unknown): number | undefined => within(value, 20, 260);
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

const movingOf = (s: Summary): number => seconds(s.totalMovingTime) ?? seconds(s.totalTimerTime) ?? seconds(s.totalElapsedTime) ?? 0;
/** A date the file holds, unless damage made it one JavaScript cannot represent (an Invalid Date). */
const readableDate = (value: unknown): Date | undefined => (value instanceof Date && Number.isFinite(value.getTime()) ? value : undefined);
const startOf = (s: Summary): Date | undefined => readableDate(s.startTime);

function toLap(lap: LapMesg, index: number): ActivityLap {
  const out: ActivityLap = {
    index,
    distance_meters: round(meters(lap.totalDistance) ?? 0, 2),
    elapsed_time_seconds: round(seconds(lap.totalElapsedTime) ?? 0, 3),
    moving_time_seconds: round(movingOf(lap), 3),
  };
  const hr = heartRate(lap.avgHeartRate);
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
  let elapsed = sum((s) => seconds(s.totalElapsedTime));
  if (parts.length > 1 && start && starts.length === parts.length) {
    // Several sessions (multisport, or laps of a file without a session): wall-clock span.
    const ends = parts.map((s) => startOf(s)!.getTime() + (seconds(s.totalElapsedTime) ?? 0) * 1000);
    const span = (Math.max(...ends) - start.getTime()) / 1000;
    if (span <= MAX_SECONDS) elapsed = span;
  }
  const timed = parts.filter((s) => heartRate(s.avgHeartRate) !== undefined);
  const weight = (s: Summary): number => seconds(s.totalTimerTime) ?? seconds(s.totalElapsedTime) ?? 1;
  const totalWeight = timed.reduce((acc, s) => acc + weight(s), 0);
  const avgHr = totalWeight > 0 ? timed.reduce((acc, s) => acc + heartRate(s.avgHeartRate)! * weight(s), 0) / totalWeight : undefined;
  const maxes = parts.map((s) => heartRate(s.maxHeartRate)).filter((v): v is number => v !== undefined);
  const ascents = parts.map((s) => within(s.totalAscent, 0, 20_000)).filter((v): v is number => v !== undefined);
  const sports = new Set(parts.map((s) => sportType(s.sport, s.subSport)));
  return {
    start,
    activity_type: sports.size === 1 ? [...sports][0]! : 'Workout',
    distance_meters: round(
      sum((s) => meters(s.totalDistance)),
      2,
    ),
    moving_time_seconds: round(Math.min(sum(movingOf), MAX_SECONDS), 3),
    elapsed_time_seconds: round(Math.min(elapsed, MAX_SECONDS), 3),
    average_heartrate: avgHr === undefined ? undefined : Math.round(avgHr),
    max_heartrate: maxes.length > 0 ? Math.max(...maxes) : undefined,
    total_elevation_gain:
      ascents.length > 0
        ? Math.min(
            ascents.reduce((a, b) => a + b, 0),
            20_000,
          )
        : undefined,
  };
}

/** The distance when the summaries hold none (a device that wrote nulls): laps, else the last record. */
function fallbackDistance(parts: Summary[], laps: LapMesg[], records: FitMessages['recordMesgs']): number | undefined {
  if (parts.some((s) => meters(s.totalDistance) !== undefined)) return undefined;
  const lapMeters = laps.map((l) => meters(l.totalDistance)).filter((v): v is number => v !== undefined);
  if (lapMeters.length > 0) return lapMeters.reduce((a, b) => a + b, 0);
  // A loop, not Math.max(...): a long recording has more records than a call takes arguments.
  let furthest: number | undefined;
  for (const record of records ?? []) {
    const d = meters(record.distance);
    if (d !== undefined && (furthest === undefined || d > furthest)) furthest = d;
  }
  return furthest;
}

/** One activity from some sessions (or laps) of a file; `leg` numbers a multisport file's parts. */
function buildActivity(
  messages: FitMessages,
  bytes: Uint8Array,
  parts: Summary[],
  laps: LapMesg[],
  options: DecodeActivityOptions,
  leg?: number,
): DecodeActivityResult {
  const timeCreated = messages.fileIdMesgs?.[0]?.timeCreated;
  const { start, ...summary } = summarise(parts, readableDate(timeCreated));
  if (!start || !Number.isFinite(start.getTime())) return fail('file', 'the activity file has no readable start time');
  const distance = fallbackDistance(parts, laps, leg === undefined ? messages.recordMesgs : []) ?? summary.distance_meters;
  const candidate: Record<string, unknown> = {
    source: 'fit_upload',
    external_id: externalId(messages, bytes) + (leg === undefined ? '' : `-leg${leg}`),
    activity_type: summary.activity_type,
    start_time: start.toISOString(),
    local_date: localDate(start, messages, options.timeZone),
    distance_meters: round(distance, 2),
    moving_time_seconds: summary.moving_time_seconds,
    elapsed_time_seconds: summary.elapsed_time_seconds,
    average_heartrate: summary.average_heartrate,
    max_heartrate: summary.max_heartrate,
    total_elevation_gain: summary.total_elevation_gain,
    laps: laps.slice(0, 10_000).map(toLap),
  };
  for (const key of Object.keys(candidate)) if (candidate[key] === undefined) delete candidate[key];
  const parsed = ActivitySchema.safeParse(candidate);
  // Every field was bounded above, so a failure here is a bug in this file, not the runner's.
  return parsed.success ? { ok: true, activity: parsed.data } : { ok: false, issues: toIssues(parsed.error) };
}

type ReadActivity = { ok: true; messages: FitMessages; notes: string[] } | { ok: false; issues: Issue[] };

function readActivity(bytes: Uint8Array, options: DecodeActivityOptions): ReadActivity {
  if (options.timeZone !== undefined && !isValidTimeZone(options.timeZone)) {
    return { ok: false, issues: [{ path: 'timeZone', message: `unknown time zone "${options.timeZone}"` }] };
  }
  const read = readFit(bytes, { lean: true });
  if (!read.ok) return read;
  const type = fileType(read.messages);
  if (type !== 'activity') return { ok: false, issues: [{ path: 'file', message: `this is not an activity file (file type: ${type ?? 'missing'})` }] };
  const summaries = [...(read.messages.sessionMesgs ?? []), ...(read.messages.lapMesgs ?? [])];
  // No distance in any summary: the records' distance may live in a component (compressed
  // speed/distance), which only the full read expands.
  if (summaries.every((s) => meters(s.totalDistance) === undefined)) return readFit(bytes);
  return read;
}

/**
 * Decodes a FIT activity file (a run recorded by a watch) into our activity shape, all its
 * sessions summed into one. Damaged files, other file types and files without any summary come
 * back as issues; nulls and out-of-range values are dropped field by field.
 */
export function decodeActivity(bytes: Uint8Array, options: DecodeActivityOptions = {}): DecodeActivityResult {
  const read = readActivity(bytes, options);
  if (!read.ok) return read;
  const { messages } = read;
  const sessions: Summary[] = messages.sessionMesgs ?? [];
  const laps = messages.lapMesgs ?? [];
  const parts = sessions.length > 0 ? sessions : laps;
  if (parts.length === 0) return fail('file', 'the activity file has no session or lap summary');
  return buildActivity(messages, bytes, parts, laps, options);
}

/** A FIT file's activities: one, or one per leg of a multisport file; with notes for the runner. */
export type DecodeLegsResult = { ok: true; activities: Activity[]; notes: string[] } | { ok: false; issues: Issue[] };

/** The laps of one session: by its first lap index and count, else by its time window. */
function lapsOf(session: SessionMesg, laps: LapMesg[]): LapMesg[] {
  const first = num(session.firstLapIndex);
  const count = num(session.numLaps);
  if (first !== undefined && count !== undefined && first + count <= laps.length) return laps.slice(first, first + count);
  const start = startOf(session)?.getTime();
  const elapsed = seconds(session.totalElapsedTime);
  if (start === undefined || elapsed === undefined) return [];
  return laps.filter((lap) => {
    const t = startOf(lap)?.getTime();
    return t !== undefined && t >= start && t < start + elapsed * 1000;
  });
}

/**
 * Like decodeActivity, but a multisport file (sessions of different sports) gives one activity
 * per leg, transitions left out, so its run legs can be kept as runs.
 */
export function decodeActivityLegs(bytes: Uint8Array, options: DecodeActivityOptions = {}): DecodeLegsResult {
  const read = readActivity(bytes, options);
  if (!read.ok) return read;
  const { messages, notes } = read;
  const sessions = messages.sessionMesgs ?? [];
  const laps = messages.lapMesgs ?? [];
  const sports = new Set(sessions.map((s) => String(s.sport)));
  if (sessions.length < 2 || sports.size < 2) {
    const parts: Summary[] = sessions.length > 0 ? sessions : laps;
    if (parts.length === 0) return { ok: false, issues: [{ path: 'file', message: 'the activity file has no session or lap summary' }] };
    const one = buildActivity(messages, bytes, parts, laps, options);
    return one.ok ? { ok: true, activities: [one.activity], notes } : one;
  }
  const activities: Activity[] = [];
  for (const [index, session] of sessions.entries()) {
    if (session.sport === 'transition') continue;
    const leg = buildActivity(messages, bytes, [session], lapsOf(session, laps), options, index + 1);
    if (leg.ok) activities.push({ ...leg.activity, laps: leg.activity.laps.map((lap, i) => ({ ...lap, index: i })) });
    else notes.push(`leg ${index + 1} (${String(session.sport)}) could not be read: it has no start time`);
  }
  if (activities.length === 0) return { ok: false, issues: [{ path: 'file', message: 'the multisport file has no leg with a start time' }] };
  return { ok: true, activities, notes };
}
