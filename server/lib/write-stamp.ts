import { dateInZone } from '#shared/time/zone.ts';
import { formatHlc, parseHlc, restamp, SERVER_NODE, serverHlc, tick } from '#shared/sync/hlc.ts';

/** When and by whose clock a write happens: REST writes use the server's clock, sync pushes the device's. */
export interface WriteStamp {
  now: Date;
  /** The runner's local date (in their time zone), for "is this in the past?" checks. */
  today: string;
  /** The mutation's HLC (already re-stamped if far ahead); absent for server-made writes. */
  hlc?: string;
}

/** A stamp for a server-side write at `now`. */
export function serverStamp(now: Date, timeZone: string): WriteStamp {
  return { now, today: localDate(now, timeZone) };
}

/** A stamp for a device's mutation: its HLC, re-stamped when more than 5 minutes ahead. */
export function deviceStamp(now: Date, timeZone: string, hlc: string): WriteStamp {
  return { now, today: localDate(now, timeZone), hlc: restamp(hlc, now.getTime()) };
}

/** The calendar date at `now` in `timeZone`, as YYYY-MM-DD. */
export const localDate = dateInZone;

/**
 * Per-field last-writer-wins: keeps each field of `update` whose clock is newer than the
 * stored one. Returns what to set and the new clocks; `lost` lists fields whose value lost.
 */
export function applyFields<T extends Record<string, unknown>>(
  stored: Record<string, string>,
  update: T,
  stamp: WriteStamp,
): { set: Partial<T>; fieldHlc: Record<string, string>; lost: (keyof T & string)[] } {
  const hlc = stamp.hlc ?? serverWriteHlc(stored, stamp.now.getTime());
  const set: Partial<T> = {};
  const fieldHlc = { ...stored };
  const lost: (keyof T & string)[] = [];
  for (const [key, value] of Object.entries(update) as [keyof T & string, T[keyof T]][]) {
    if (value === undefined) continue;
    const current = stored[key];
    if (current !== undefined && current >= hlc) {
      lost.push(key);
      continue;
    }
    set[key] = value as T[keyof T & string];
    fieldHlc[key] = hlc;
  }
  return { set, fieldHlc, lost };
}

/**
 * A server-made write happens "now" and must win over what is stored, even when the stored
 * clock is a device's from a few seconds ahead or a write in the same millisecond.
 */
export function serverWriteHlc(stored: Record<string, string>, nowMs: number): string {
  const latest = Object.values(stored).reduce((max, value) => (value > max ? value : max), '');
  const candidate = serverHlc(nowMs);
  const parsed = latest >= candidate ? parseHlc(latest) : null;
  return parsed ? formatHlc(tick(parsed, nowMs, SERVER_NODE)) : candidate;
}
