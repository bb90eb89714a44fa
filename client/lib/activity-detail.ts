import type { ActivityLap } from '#shared/schema/activity.ts';
import { formatDuration, formatPace, metersToMiles } from '#shared/training/units.ts';

// The activity detail screen (issue 18): splits and per-split pace and heart-rate charts from the
// laps every source stores (a watch's laps or auto-laps, Strava's laps, a GPX/TCX file's), so it
// works for a run from any source; and the planned workout beside what was run.

/** One split of the table and the charts, in the runner's unit. */
export interface Split {
  n: number;
  distance: string;
  time: string;
  /** Seconds per km or mile (the runner's unit); null for a lap without distance (a standing rest). */
  paceSeconds: number | null;
  pace: string;
  heartRate: number | null;
}

/** A lap stored as it came (the schema's shape; older rows may lack fields). */
type StoredLap = Partial<ActivityLap>;

/** The stored laps of an activity row (`unknown` on the device), the malformed ones left out. */
export function lapsOf(value: unknown): StoredLap[] {
  if (!Array.isArray(value)) return [];
  return value.filter((lap): lap is StoredLap => typeof lap === 'object' && lap !== null && typeof (lap as StoredLap).distance_meters === 'number');
}

/** The splits of a run from its laps, paces in the runner's unit. */
export function splitsOf(laps: StoredLap[], unit: 'km' | 'mi'): Split[] {
  return laps.map((lap, i) => {
    const meters = lap.distance_meters ?? 0;
    const seconds = lap.moving_time_seconds || lap.elapsed_time_seconds || 0;
    const perKm = meters > 0 && seconds > 0 ? seconds / (meters / 1000) : null;
    const paceSeconds = perKm === null ? null : unit === 'km' ? perKm : perKm * (1609.344 / 1000);
    const distance = unit === 'km' ? `${(meters / 1000).toFixed(2)} km` : `${metersToMiles(meters).toFixed(2)} mi`;
    return {
      n: i + 1,
      distance,
      time: formatDuration(seconds),
      paceSeconds,
      pace: perKm === null ? '—' : formatPace(perKm, unit),
      heartRate: lap.average_heartrate ?? null,
    };
  });
}

/** A chart's bars: each value's share of the range (slowest pace lowest; `lowIsHigh` for pace, where faster is better). */
export function barsOf(values: (number | null)[], lowIsHigh = false): { share: number | null; min: number; max: number }[] {
  const present = values.filter((v): v is number => v !== null);
  if (present.length === 0) return values.map(() => ({ share: null, min: 0, max: 0 }));
  const min = Math.min(...present);
  const max = Math.max(...present);
  // Bars start at 40% so a small difference still reads as one, and no bar is empty.
  const share = (v: number) => (max === min ? 1 : 0.4 + 0.6 * (lowIsHigh ? (max - v) / (max - min) : (v - min) / (max - min)));
  return values.map((v) => ({ share: v === null ? null : share(v), min, max }));
}

/** "5:02/km" for a pace in seconds per unit. */
export function paceText(secondsPerUnit: number, unit: 'km' | 'mi'): string {
  return formatPace(unit === 'km' ? secondsPerUnit : secondsPerUnit / (1609.344 / 1000), unit);
}
