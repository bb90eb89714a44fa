import type { TrackPoint } from './track.ts';
import { child, childNumber, childText, childrenNamed, descendants, type XmlElement } from './xml.ts';

/** A recording read from GPX or TCX before it becomes an activity. */
export interface RawTrack {
  name?: string;
  /** The file's own word for the sport ("running", "9", "Biking"), if any. */
  sport?: string;
  /** When the file says the recording started (TCX Id / lap start), if points lack times. */
  start?: number;
  points: TrackPoint[];
  /** TCX laps as the device summed them. */
  laps: { start?: number; seconds?: number; meters?: number; averageHr?: number; maxHr?: number }[];
}

const parseTime = (text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const t = Date.parse(text);
  return Number.isFinite(t) ? t : undefined;
};

/** Heart rate from a GPX point's extensions: Garmin's gpxtpx:hr, or the older heartrate. */
function gpxHeartRate(point: XmlElement): number | undefined {
  const extensions = child(point, 'extensions');
  if (!extensions) return undefined;
  for (const name of ['hr', 'heartrate']) {
    const found = descendants(extensions, name)[0];
    const value = found ? Number(found.text.trim()) : NaN;
    if (Number.isFinite(value)) return value;
  }
  return undefined;
}

function gpxPoint(point: XmlElement): TrackPoint {
  const p: TrackPoint = {};
  const lat = Number(point.attrs.lat);
  const lon = Number(point.attrs.lon);
  if (point.attrs.lat !== undefined && Number.isFinite(lat)) p.lat = lat;
  if (point.attrs.lon !== undefined && Number.isFinite(lon)) p.lon = lon;
  const ele = childNumber(point, 'ele');
  if (ele !== undefined) p.ele = ele;
  const time = parseTime(childText(point, 'time'));
  if (time !== undefined) p.time = time;
  const hr = gpxHeartRate(point);
  if (hr !== undefined) p.hr = hr;
  return p;
}

/** The tracks of a GPX document (one recording per <trk>; routes and waypoints are not runs). */
export function readGpx(root: XmlElement): RawTrack[] {
  const gpx = child(root, 'gpx');
  return childrenNamed(gpx, 'trk').map((trk) => {
    const track: RawTrack = { points: childrenNamed(trk, 'trkseg').flatMap((seg) => childrenNamed(seg, 'trkpt').map(gpxPoint)), laps: [] };
    const name = childText(trk, 'name') ?? childText(child(gpx, 'metadata'), 'name');
    if (name !== undefined) track.name = name;
    const sport = childText(trk, 'type');
    if (sport !== undefined) track.sport = sport;
    const start = parseTime(childText(child(gpx, 'metadata'), 'time'));
    if (start !== undefined) track.start = start;
    return track;
  });
}

const bpm = (element: XmlElement | undefined, name: string): number | undefined => childNumber(child(element, name), 'Value');

function tcxPoint(point: XmlElement): TrackPoint {
  const p: TrackPoint = {};
  const time = parseTime(childText(point, 'Time'));
  if (time !== undefined) p.time = time;
  const position = child(point, 'Position');
  const lat = childNumber(position, 'LatitudeDegrees');
  const lon = childNumber(position, 'LongitudeDegrees');
  if (lat !== undefined && lon !== undefined) Object.assign(p, { lat, lon });
  const ele = childNumber(point, 'AltitudeMeters');
  if (ele !== undefined) p.ele = ele;
  const distance = childNumber(point, 'DistanceMeters');
  if (distance !== undefined) p.distance = distance;
  const hr = bpm(point, 'HeartRateBpm');
  if (hr !== undefined) p.hr = hr;
  return p;
}

/** The activities of a TCX document (a multisport session holds several). */
export function readTcx(root: XmlElement): RawTrack[] {
  const database = child(root, 'TrainingCenterDatabase');
  return descendants(database ?? root, 'Activity').map((activity) => {
    const lapElements = childrenNamed(activity, 'Lap');
    const track: RawTrack = {
      points: lapElements.flatMap((lap) => childrenNamed(lap, 'Track').flatMap((t) => childrenNamed(t, 'Trackpoint').map(tcxPoint))),
      laps: lapElements.map((lap) => {
        const out: RawTrack['laps'][number] = {};
        const start = parseTime(lap.attrs.StartTime);
        if (start !== undefined) out.start = start;
        const seconds = childNumber(lap, 'TotalTimeSeconds');
        if (seconds !== undefined) out.seconds = seconds;
        const meters = childNumber(lap, 'DistanceMeters');
        if (meters !== undefined) out.meters = meters;
        const averageHr = bpm(lap, 'AverageHeartRateBpm');
        if (averageHr !== undefined) out.averageHr = averageHr;
        const maxHr = bpm(lap, 'MaximumHeartRateBpm');
        if (maxHr !== undefined) out.maxHr = maxHr;
        return out;
      }),
    };
    if (activity.attrs.Sport !== undefined) track.sport = activity.attrs.Sport;
    const start = parseTime(childText(activity, 'Id')) ?? track.laps[0]?.start;
    if (start !== undefined) track.start = start;
    const notes = childText(activity, 'Notes');
    if (notes !== undefined) track.name = notes.slice(0, 200);
    return track;
  });
}
