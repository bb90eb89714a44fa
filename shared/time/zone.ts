import { addDays } from '../training/dates.ts';

// Local wall time ↔ instant in a runner's IANA time zone, through Intl only: an offset is never
// assumed to hold for a whole day, so "19:00 in Europe/Paris" is right on both sides of a DST
// change. A wall time that does not exist (spring forward) moves forward by the gap, and one
// that happens twice (fall back) means the first, as Temporal's 'compatible' disambiguation does.

const DAY_MS = 86_400_000;
// Building an Intl.DateTimeFormat costs far more than using one (≈ 0.3 ms against a few µs),
// and a sync push asks for "today" once per mutation: one formatter per zone.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The wall clock of `zone` at `instantMs`, as if it were UTC (ms, whole seconds). */
function wallMs(instantMs: number, zone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(new Date(instantMs))) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour! % 24, parts.minute!, parts.second!);
}

function offsetMs(instantMs: number, zone: string): number {
  return wallMs(instantMs, zone) - Math.floor(instantMs / 1000) * 1000;
}

/** Minutes after midnight of an `HH:MM` time. */
export function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return h! * 60 + m!;
}

/** The instant when the wall clock of `zone` shows `time` (`HH:MM`) on `date` (`YYYY-MM-DD`). */
export function zonedInstant(date: string, time: string, zone: string): Date {
  const [y, mo, d] = date.split('-').map(Number);
  const wall = Date.UTC(y!, mo! - 1, d!) + minutesOf(time) * 60_000;
  // Real zones change offset at most once within a day on either side of the wall time.
  const before = offsetMs(wall - DAY_MS, zone);
  const after = offsetMs(wall + DAY_MS, zone);
  const valid = [wall - before, wall - after].filter((t) => wallMs(t, zone) === wall);
  if (valid.length > 0) return new Date(Math.min(...valid));
  // In the gap: the offset from before the change carries the time past it (02:30 → 03:30).
  return new Date(wall - before);
}

/** The local date and minutes after midnight at `instant` in `zone`. */
export function localParts(instant: Date, zone: string): { date: string; minutes: number } {
  const wall = new Date(wallMs(instant.getTime(), zone));
  return { date: wall.toISOString().slice(0, 10), minutes: wall.getUTCHours() * 60 + wall.getUTCMinutes() };
}

/** Quiet hours as local `HH:MM` times; the window may span midnight. */
export interface QuietHours {
  start: string;
  end: string;
}

/**
 * When the quiet hours around `instant` end, or null when `instant` is outside them. A
 * notification due inside quiet hours waits until then (it is deferred, never dropped).
 */
export function quietHoursEnd(instant: Date, quiet: QuietHours | null, zone: string): Date | null {
  if (!quiet) return null;
  const { date, minutes } = localParts(instant, zone);
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  let endDate: string | null = null;
  if (start < end) endDate = minutes >= start && minutes < end ? date : null;
  else if (minutes >= start) endDate = addDays(date, 1);
  else if (minutes < end) endDate = date;
  if (endDate === null) return null;
  const at = zonedInstant(endDate, quiet.end, zone);
  // Only a DST change inside the window can put its end at or before `instant`: then it is over.
  return at.getTime() > instant.getTime() ? at : null;
}

/** The calendar date (YYYY-MM-DD) that `instant` falls on in `zone`; throws RangeError for an unknown zone. */
export function dateInZone(instant: Date, zone: string): string {
  return localParts(instant, zone).date;
}
