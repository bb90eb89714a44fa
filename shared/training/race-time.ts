/** Race times and distances as a runner types them (issue 18 §4): "1:45" for a half is 1 h 45 min. */
import { formatDuration } from './units.ts';
import { riegelTime } from './vdot.ts';

/** Men's world records (s) on the road; a time below the record for a distance is a typing slip. */
const WORLD_RECORDS: readonly { meters: number; seconds: number; name: string }[] = [
  { meters: 5000, seconds: 12 * 60 + 35, name: '5K' },
  { meters: 10_000, seconds: 26 * 60 + 11, name: '10K' },
  { meters: 21_097.5, seconds: 56 * 60 + 42, name: 'half marathon' },
  { meters: 42_195, seconds: 2 * 3600 + 35, name: 'marathon' },
];

/** From a half marathon on, "h:mm" is what runners mean by two numbers. */
const HOURS_FROM_METERS = 21_000;

/** The longest race time a goal can hold (the goal schema's limit). */
const MOST_SECONDS = 24 * 3600;

/** The world record for a distance: the record itself, or Riegel from the nearest one. */
export function worldRecord(meters: number): { seconds: number; name: string } {
  const nearest = WORLD_RECORDS.reduce((best, r) => (Math.abs(Math.log(r.meters / meters)) < Math.abs(Math.log(best.meters / meters)) ? r : best));
  if (Math.abs(nearest.meters - meters) < 50) return { seconds: nearest.seconds, name: nearest.name };
  return { seconds: riegelTime(nearest.meters, nearest.seconds, meters), name: `${Math.round(meters / 100) / 10} km` };
}

export type RaceTimeReading = { ok: true; seconds: number } | { ok: false; message: string };

const FORMAT = 'Enter the time as h:mm:ss or mm:ss, e.g. 1:55:00.';

/**
 * A race time typed for a race over `meters`: "h:mm:ss", "mm:ss", and "h:mm" from a half
 * marathon on. A time faster than the world record is refused with a question ("Did you mean
 * 1:45:00?"), never read silently as something else.
 */
export function readRaceTime(text: string, meters: number): RaceTimeReading {
  const parts = text.trim().replace(/[.,]/g, ':').split(':');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^\d{1,3}$/.test(p))) return { ok: false, message: FORMAT };
  const numbers = parts.map(Number);
  // Minutes and seconds after the first number stay below 60.
  if (numbers.slice(1).some((n, i) => n > 59 || parts[i + 1]!.length !== 2)) return { ok: false, message: FORMAT };
  const [a, b, c] = numbers as [number, number, number | undefined];
  // Two numbers from a half marathon on are h:mm, unless the first cannot be hours ("95:00").
  const hoursFirst = meters >= HOURS_FROM_METERS && a < 24;
  const seconds = c !== undefined ? a * 3600 + b * 60 + c : hoursFirst ? a * 3600 + b * 60 : a * 60 + b;
  if (seconds > MOST_SECONDS) return { ok: false, message: `That is more than 24 hours. ${FORMAT}` };
  const record = worldRecord(meters);
  if (seconds < record.seconds) {
    const asHours = c === undefined && !hoursFirst ? a * 3600 + b * 60 : null;
    const guess = asHours !== null && asHours >= record.seconds && asHours <= MOST_SECONDS ? ` Did you mean ${formatDuration(asHours)}?` : ` ${FORMAT}`;
    return {
      ok: false,
      message: `${formatDuration(seconds)} is faster than the world record for the ${record.name} (${formatDuration(record.seconds)}).${guess}`,
    };
  }
  return { ok: true, seconds };
}

/** A distance typed with a decimal point or comma ("5.5", "5,5"); null when it is not a number. */
export function readDecimal(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d+(?:[.,]\d+)?$|^[.,]\d+$/.test(trimmed)) return null;
  return Number(trimmed.replace(',', '.'));
}
