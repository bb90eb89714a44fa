// From track points (GPX, TCX) to a run's totals. GPS wanders a few metres even when standing
// still, and sometimes jumps; summing every raw step would add distance to every stop.

/** One recorded point; any field may be missing in real files. */
export interface TrackPoint {
  /** Milliseconds since the Unix epoch. */
  time?: number;
  lat?: number;
  lon?: number;
  ele?: number;
  hr?: number;
  /** The device's own cumulative distance (TCX), metres. */
  distance?: number;
}

/** What the points add up to. */
export interface TrackSummary {
  start?: number;
  end?: number;
  distance_meters: number;
  moving_time_seconds: number;
  elapsed_time_seconds: number;
  elevation_gain?: number;
  average_heartrate?: number;
  max_heartrate?: number;
}

const EARTH_RADIUS = 6_371_008.8; // mean radius, metres
/** Distance is counted once the runner is this far from the last counted point (GPS wander). */
const ANCHOR_METERS = 3;
/** Faster than this between points is a GPS jump, not running (or cycling downhill). */
const MAX_SPEED = 25;
/** Slower than this between counted points is standing, not moving (Strava uses about the same). */
const MOVING_SPEED = 0.5;
/** Elevation is gained in steps of at least this much, so barometric and GPS noise adds nothing. */
const CLIMB_STEP = 2;

const rad = (deg: number): number => (deg * Math.PI) / 180;
// Loops, not Math.max(...xs): a long recording has more points than a call may take arguments.
const maxOf = (xs: readonly number[]): number => xs.reduce((a, b) => (b > a ? b : a), -Infinity);
const minOf = (xs: readonly number[]): number => xs.reduce((a, b) => (b < a ? b : a), Infinity);

/** Great-circle distance in metres between two points (haversine). */
export function haversine(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = rad(lat2 - lat1);
  const dLon = rad(lon2 - lon1);
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS * Math.asin(Math.min(1, Math.sqrt(a)));
}

const validPosition = (p: TrackPoint): p is TrackPoint & { lat: number; lon: number } =>
  p.lat !== undefined && p.lon !== undefined && Math.abs(p.lat) <= 90 && Math.abs(p.lon) <= 180 && !(p.lat === 0 && p.lon === 0);

/** Distance, moving time, climb and heart rate from points in time order. */
export function summarizeTrack(points: readonly TrackPoint[]): TrackSummary {
  const times = points.map((p) => p.time).filter((t): t is number => t !== undefined && Number.isFinite(t));
  const start = times.length > 0 ? minOf(times) : undefined;
  const end = times.length > 0 ? maxOf(times) : undefined;

  let gps = 0;
  let moving = 0;
  let anchor: (TrackPoint & { lat: number; lon: number }) | undefined;
  for (const p of points) {
    if (!validPosition(p)) continue;
    if (!anchor) {
      anchor = p;
      continue;
    }
    const step = haversine(anchor.lat, anchor.lon, p.lat, p.lon);
    if (step < ANCHOR_METERS) continue;
    const dt = p.time !== undefined && anchor.time !== undefined ? (p.time - anchor.time) / 1000 : undefined;
    if (dt !== undefined && dt > 0 && step / dt > MAX_SPEED) continue; // a jump: wait for the track to come back
    gps += step;
    if (dt !== undefined && dt > 0 && step / dt >= MOVING_SPEED) moving += dt;
    anchor = p;
  }

  // A device's own distance (TCX) is what the runner saw on the watch; GPS is the fallback.
  const stated = points.map((p) => p.distance).filter((d): d is number => d !== undefined && Number.isFinite(d) && d >= 0);
  const distance = stated.length > 1 ? maxOf(stated) - minOf(stated) : gps;
  if (gps === 0 && stated.length > 1) moving = movingFromDistance(points);

  let gain: number | undefined;
  let reference: number | undefined;
  for (const p of points) {
    if (p.ele === undefined || !Number.isFinite(p.ele)) continue;
    gain ??= 0;
    if (reference === undefined || p.ele < reference) reference = p.ele;
    else if (p.ele - reference >= CLIMB_STEP) {
      gain += p.ele - reference;
      reference = p.ele;
    }
  }

  const hrs = points.map((p) => p.hr).filter((h): h is number => h !== undefined && h >= 20 && h <= 260);
  const summary: TrackSummary = {
    distance_meters: distance,
    moving_time_seconds: moving,
    elapsed_time_seconds: start !== undefined && end !== undefined ? (end - start) / 1000 : 0,
  };
  if (start !== undefined) summary.start = start;
  if (end !== undefined) summary.end = end;
  if (gain !== undefined) summary.elevation_gain = gain;
  if (hrs.length > 0) {
    summary.average_heartrate = Math.round(hrs.reduce((a, b) => a + b, 0) / hrs.length);
    summary.max_heartrate = maxOf(hrs);
  }
  return summary;
}

/** Moving time from a device's cumulative distance (a treadmill TCX has no positions). */
function movingFromDistance(points: readonly TrackPoint[]): number {
  let moving = 0;
  let previous: TrackPoint | undefined;
  for (const p of points) {
    if (p.time === undefined || p.distance === undefined) continue;
    if (previous?.time !== undefined && previous.distance !== undefined) {
      const dt = (p.time - previous.time) / 1000;
      if (dt > 0 && (p.distance - previous.distance) / dt >= MOVING_SPEED) moving += dt;
    }
    previous = p;
  }
  return moving;
}
