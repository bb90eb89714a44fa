/** One planned workout as the calendar feed shows it. */
export interface CalendarWorkout {
  id: string;
  /** The day it is planned for, YYYY-MM-DD (an all-day event: no time zone involved). */
  scheduled_date: string;
  title: string;
  description?: string | null;
  /** The row's last change; moves and edits bump SEQUENCE and LAST-MODIFIED. */
  updated_at: Date | string;
}

export interface BuildCalendarInput {
  calendarName: string;
  workouts: ReadonlyArray<CalendarWorkout>;
  /** The moment the feed is generated (DTSTAMP). */
  now: Date;
  /** PRODID, e.g. "-//RunCoach//Training plan//EN". */
  productId: string;
  /** Right-hand side of every UID: `<id>@<domain>`. */
  domain: string;
  /** How often subscribers should refetch; default 60 minutes. */
  refreshMinutes?: number;
}

const CRLF = '\r\n';
const MAX_OCTETS = 75;
// SEQUENCE must only grow; whole seconds since 2020 do, and fit a signed 32-bit integer until 2088.
const SEQUENCE_EPOCH = Date.UTC(2020, 0, 1);
const encoder = new TextEncoder();

/** Escapes an RFC 5545 TEXT value: backslash, semicolon, comma and line breaks. */
export function escapeText(text: string): string {
  return (
    text
      .replace(/\\/g, '\\\\')
      .replace(/;/g, '\\;')
      .replace(/,/g, '\\,')
      .replace(/\r\n|\r|\n/g, '\\n')
      // Content lines may not hold other control characters (RFC 5545 §3.1); tabs are allowed.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, '')
  );
}

/**
 * Folds a content line so no physical line exceeds 75 octets of UTF-8 (RFC 5545 §3.1),
 * breaking only between characters; continuation lines start with one space.
 */
export function foldLine(line: string): string {
  let out = '';
  let used = 0;
  for (const char of line) {
    const size = encoder.encode(char).length;
    if (used + size > MAX_OCTETS) {
      out += `${CRLF} `;
      used = 1;
    }
    out += char;
    used += size;
  }
  return out;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** A UTC date-time in iCalendar form: 20260412T073000Z. */
function utcStamp(date: Date): string {
  return (
    `${pad(date.getUTCFullYear(), 4)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}` +
    `T${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}Z`
  );
}

/** Parses YYYY-MM-DD into a UTC midnight; anything else is a bug upstream. */
function parseDay(day: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
  if (!date || date.toISOString().slice(0, 10) !== day) throw new Error(`not a calendar date: ${day}`);
  return date;
}

function dayValue(date: Date): string {
  return `${pad(date.getUTCFullYear(), 4)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}`;
}

function toDate(value: Date | string, what: string): Date {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`${what} is not a valid date: ${String(value)}`);
  return date;
}

function eventLines(workout: CalendarWorkout, stamp: string, domain: string): string[] {
  if (workout.id === '') throw new Error('a calendar workout needs an id');
  const day = parseDay(workout.scheduled_date);
  const next = new Date(day.getTime() + 86_400_000);
  const updated = toDate(workout.updated_at, `updated_at of workout ${workout.id}`);
  const lines = [
    'BEGIN:VEVENT',
    `UID:${escapeText(`${workout.id}@${domain}`)}`,
    `DTSTAMP:${stamp}`,
    `LAST-MODIFIED:${utcStamp(updated)}`,
    `SEQUENCE:${Math.max(0, Math.floor((updated.getTime() - SEQUENCE_EPOCH) / 1000))}`,
    `DTSTART;VALUE=DATE:${dayValue(day)}`,
    `DTEND;VALUE=DATE:${dayValue(next)}`,
    `SUMMARY:${escapeText(workout.title)}`,
  ];
  if (workout.description) lines.push(`DESCRIPTION:${escapeText(workout.description)}`);
  // A training session should not mark the whole day as busy in the runner's calendar.
  lines.push('TRANSP:TRANSPARENT', 'END:VEVENT');
  return lines;
}

/**
 * Builds an RFC 5545 iCalendar feed with one all-day event per workout: CRLF line ends,
 * folded lines, escaped text, UIDs stable per workout. Deterministic for the same input.
 */
export function buildCalendar(input: BuildCalendarInput): string {
  if (input.domain === '' || /[\s@]/.test(input.domain)) throw new Error(`not a UID domain: ${input.domain}`);
  const stamp = utcStamp(toDate(input.now, 'now'));
  const refresh = `PT${Math.max(1, Math.round(input.refreshMinutes ?? 60))}M`;
  const workouts = [...input.workouts].sort((a, b) => a.scheduled_date.localeCompare(b.scheduled_date) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:${escapeText(input.productId)}`,
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(input.calendarName)}`,
    `NAME:${escapeText(input.calendarName)}`,
    `REFRESH-INTERVAL;VALUE=DURATION:${refresh}`,
    `X-PUBLISHED-TTL:${refresh}`,
    ...workouts.flatMap((workout) => eventLines(workout, stamp, input.domain)),
    'END:VCALENDAR',
  ];
  return lines.map((line) => `${foldLine(line)}${CRLF}`).join('');
}
