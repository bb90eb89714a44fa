import { ActivitySchema, isRunSportType, type Activity, type ActivityLap } from '#shared/schema/activity.ts';
import { StravaError } from './errors.ts';

/** A Strava activity (detailed or summary) as parsed by parseStravaJson: ids are strings, the rest as sent. */
export type StravaActivityJson = { id: string } & Record<string, unknown>;

/** Strava's policy caps caching of its data at 7 days (docs/STRAVA.md §Policy). */
export const STRAVA_CACHE_MS = 7 * 24 * 60 * 60 * 1000;

/** Our activity plus what the caller needs to store beside it and what our shape has no field for. */
export interface StravaActivityRecord {
  activity: Activity;
  fetchedAt: Date;
  /** fetchedAt + 7 days: the purge job deletes the Strava data from here on. */
  purgeAfter: Date;
  /** The activity on strava.com; a link we may keep after the purge. */
  stravaUrl: string;
  /** Treadmill or indoor trainer. */
  trainer: boolean;
  /** Strava shows 00:00:01 local when the athlete hid the start time: the date is right, the time is not. */
  startTimeHidden: boolean;
}

// Lenient readers: a field of the wrong type or out of our schema's range is treated as
// missing (optional fields) rather than failing the whole activity.
function num(value: unknown, min: number, max: number): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max ? value : undefined;
}

const WEEK_S = 7 * 86_400;
const HR = [20, 260] as const;

/** The activity's sport: `sport_type`, or the deprecated `type` from payloads that lack it. */
export function sportTypeOf(raw: Record<string, unknown>): string | undefined {
  if (typeof raw.sport_type === 'string' && raw.sport_type.length > 0) return raw.sport_type;
  if (typeof raw.type === 'string' && raw.type.length > 0) return raw.type;
  return undefined;
}

/** The id of the athlete an activity belongs to (`athlete.id`), or undefined when it names none. */
export function athleteIdOf(raw: Record<string, unknown>): string | undefined {
  const athlete = raw.athlete;
  if (typeof athlete !== 'object' || athlete === null) return undefined;
  const id = (athlete as Record<string, unknown>).id;
  return typeof id === 'string' && /^\d{1,20}$/.test(id) ? id : undefined;
}

/** Whether a Strava activity is a run the plan counts (sport_type Run, TrailRun or VirtualRun). */
export function isRun(raw: Record<string, unknown>): boolean {
  const sport = sportTypeOf(raw);
  return sport !== undefined && isRunSportType(sport);
}

function lapsOf(raw: Record<string, unknown>): ActivityLap[] {
  if (!Array.isArray(raw.laps)) return [];
  const laps = raw.laps
    .filter((lap): lap is Record<string, unknown> => typeof lap === 'object' && lap !== null)
    .map((lap, position) => ({ lap, order: num(lap.lap_index, 0, Number.MAX_SAFE_INTEGER) ?? position }))
    .sort((a, b) => a.order - b.order);
  const result: ActivityLap[] = [];
  for (const { lap } of laps) {
    const distance = num(lap.distance, 0, 1_000_000);
    const elapsed = num(lap.elapsed_time, 0, WEEK_S);
    const moving = num(lap.moving_time, 0, WEEK_S);
    if (distance === undefined || elapsed === undefined || moving === undefined) continue;
    const heartrate = num(lap.average_heartrate, ...HR);
    result.push({
      index: result.length,
      distance_meters: distance,
      elapsed_time_seconds: elapsed,
      moving_time_seconds: moving,
      ...(heartrate !== undefined ? { average_heartrate: heartrate } : {}),
    });
  }
  return result.slice(0, 10_000);
}

function invalid(reason: string): StravaError {
  return new StravaError('invalid_response', { operation: `toActivity: ${reason}` });
}

/**
 * Turns a Strava activity into our Activity (source 'strava', external_id = the Strava id).
 * `local_date` is the date part of `start_date_local`, which ends in Z but is local wall time.
 * Unknown fields are ignored and optional ones may be missing; what makes no activity
 * (no id, sport, start, or times beyond our schema) throws StravaError `invalid_response`.
 */
export function toActivity(raw: Record<string, unknown>, { fetchedAt }: { fetchedAt: Date }): StravaActivityRecord {
  const id = typeof raw.id === 'string' && /^\d{1,20}$/.test(raw.id) ? raw.id : undefined;
  if (!id) throw invalid('id missing or not a string of digits (parse with parseStravaJson)');
  const sportType = sportTypeOf(raw);
  if (!sportType) throw invalid('sport_type missing');
  const startDate = typeof raw.start_date === 'string' ? raw.start_date : '';
  const startLocal = typeof raw.start_date_local === 'string' ? raw.start_date_local : '';
  const localMatch = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(startLocal);
  if (!localMatch || Number.isNaN(Date.parse(startDate))) throw invalid('start_date or start_date_local missing');
  const averageHr = num(raw.average_heartrate, ...HR);
  const maxHr = num(raw.max_heartrate, ...HR);
  const elevation = num(raw.total_elevation_gain, 0, 20_000);
  const candidate: Activity = {
    source: 'strava',
    external_id: id,
    activity_type: sportType,
    start_time: startDate,
    local_date: localMatch[1]!,
    // A manual entry may have no distance; times are required by every Strava activity.
    distance_meters: num(raw.distance, 0, Number.POSITIVE_INFINITY) ?? 0,
    moving_time_seconds: num(raw.moving_time, 0, Number.POSITIVE_INFINITY) ?? Number.NaN,
    elapsed_time_seconds: num(raw.elapsed_time, 0, Number.POSITIVE_INFINITY) ?? Number.NaN,
    ...(averageHr !== undefined ? { average_heartrate: averageHr } : {}),
    ...(maxHr !== undefined ? { max_heartrate: maxHr } : {}),
    ...(elevation !== undefined ? { total_elevation_gain: elevation } : {}),
    laps: lapsOf(raw),
  };
  const parsed = ActivitySchema.safeParse(candidate);
  if (!parsed.success) throw invalid(parsed.error.issues.map((i) => i.path.join('.')).join(', '));
  return {
    activity: parsed.data,
    fetchedAt,
    purgeAfter: new Date(fetchedAt.getTime() + STRAVA_CACHE_MS),
    stravaUrl: `https://www.strava.com/activities/${id}`,
    trainer: raw.trainer === true,
    startTimeHidden: localMatch[2] === '00:00:01',
  };
}
