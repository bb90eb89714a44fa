// One family of date words for every screen (issue 18 §15: five formats were in use, from
// "Mon, Dec 7" to "12/7/2026, 10:51:25 AM"): day, short month, weekday first, no slashes,
// 24-hour times; the year only when it is not this year's. Titles of workouts come from their
// steps in the runner's unit (issue 18 §7).
export { workoutTitle } from '#shared/training/title.ts';
import { addDays } from '#shared/training/dates.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const LONG_WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function parts(date: string): { y: number; m: number; d: number; wd: number } {
  const [y, m, d] = date.slice(0, 10).split('-').map(Number) as [number, number, number];
  return { y, m, d, wd: new Date(Date.UTC(y, m - 1, d)).getUTCDay() };
}

/** "Mon 7 Dec" (a calendar date, no time zone involved); "Mon 7 Dec 2027" when `year` differs from it. */
export function dayText(date: string, year?: number): string {
  const p = parts(date);
  return `${WEEKDAYS[p.wd]} ${p.d} ${MONTHS[p.m - 1]}${year !== undefined && year !== p.y ? ` ${p.y}` : ''}`;
}

/** "7 Dec" / "7 Dec 2027". */
export function dateText(date: string, year?: number): string {
  const p = parts(date);
  return `${p.d} ${MONTHS[p.m - 1]}${year !== undefined && year !== p.y ? ` ${p.y}` : ''}`;
}

/** "Monday". */
export function weekdayText(date: string): string {
  return LONG_WEEKDAYS[parts(date).wd]!;
}

/** "Dec". */
export function monthText(date: string): string {
  return MONTHS[parts(date).m - 1]!;
}

/** A 7-day week from its first day: "7–13 Dec", "28 Dec – 3 Jan". */
export function weekText(start: string, year?: number): string {
  const end = addDays(start, 6);
  const a = parts(start);
  const b = parts(end);
  const tail = dateText(end, year);
  return a.m === b.m ? `${a.d}–${tail}` : `${dateText(start, year === undefined ? undefined : a.y === b.y ? a.y : year)} – ${tail}`;
}

/** An instant as the runner's local day and time: "Mon 7 Dec, 10:51". */
export function momentText(iso: string, timeZone?: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const local = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: string) => local.find((p) => p.type === type)?.value ?? '';
  return `${dayText(`${get('year')}-${get('month')}-${get('day')}`)}, ${get('hour')}:${get('minute')}`;
}
