import type { PaceTarget } from '../schema/workout.ts';

/** Which unit a runner reads paces and long distances in. */
export type Units = 'km' | 'mi';

export const METERS_PER_MILE = 1609.344;

/** Words for a pace target, as a runner says them ("Tempo", "Marathon pace"). */
export const TARGET_WORD: Record<PaceTarget, string> = {
  easy: 'Easy',
  recovery: 'Recovery',
  jog: 'Jog',
  long: 'Long run',
  marathon: 'Marathon pace',
  threshold: 'Threshold',
  tempo: 'Tempo',
  interval: 'Interval',
  repetition: 'Repetition',
  '5k': '5K pace',
  '10k': '10K pace',
  half: 'HM pace',
  race: 'Race pace',
};

/** Daniels-style letters, so "800 m I" fits a watch's step title. */
export const TARGET_ABBR: Record<PaceTarget, string> = {
  easy: 'E',
  recovery: 'Rec',
  jog: 'Jog',
  long: 'L',
  marathon: 'M',
  threshold: 'T',
  tempo: 'Tempo',
  interval: 'I',
  repetition: 'R',
  '5k': '5K',
  '10k': '10K',
  half: 'HM',
  race: 'Race',
};

/** Longest step name we write: most watches show about 15 characters. */
export const MAX_STEP_NAME_CHARS = 15;
/** FIT strings are at most 255 bytes including the terminating zero. */
export const MAX_FIT_STRING_BYTES = 254;

const encoder = new TextEncoder();

/** UTF-8 length of a string in bytes. */
export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

function trimNumber(value: number, decimals: number): string {
  return value.toFixed(decimals).replace(/\.?0+$/, '');
}

/**
 * A step distance as a runner names it: "800 m", "1200 m", "5 km", "1 mi". Mile-based
 * distances (quarter-mile multiples) keep miles whatever the runner's units, because a
 * 1609.344 m repeat is "1 mi" to everyone; track distances stay metric.
 */
export function formatDistance(meters: number): string {
  const quarterMiles = meters / (METERS_PER_MILE / 4);
  if (Math.abs(quarterMiles - Math.round(quarterMiles)) * (METERS_PER_MILE / 4) < 0.5 && Math.round(quarterMiles) > 0) {
    return `${trimNumber(Math.round(quarterMiles) / 4, 2)} mi`;
  }
  if (meters < 5000 && meters % 1000 !== 0) return `${Math.round(meters)} m`;
  return `${trimNumber(meters / 1000, 2)} km`;
}

/** A step duration: "45 s", "3 min", "1:30". */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** A pace as m:ss per km or per mile ("4:05"); the caller adds the unit. */
export function formatPace(secondsPerKm: number, units: Units): string {
  const perUnit = units === 'mi' ? secondsPerKm * (METERS_PER_MILE / 1000) : secondsPerKm;
  const whole = Math.round(perUnit);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

/** Cuts a string to at most `maxChars` code points, never inside a surrogate pair. */
export function clipChars(text: string, maxChars: number): string {
  const chars = Array.from(text);
  return chars.length <= maxChars ? text : chars.slice(0, maxChars).join('').trimEnd();
}

/**
 * Cuts a string to at most `maxBytes` of UTF-8 with an ellipsis, never inside a character:
 * the SDK throws on strings over 255 bytes, and notes may be 500 characters.
 */
export function clipUtf8(text: string, maxBytes: number): string {
  if (utf8Length(text) <= maxBytes) return text;
  const budget = maxBytes - utf8Length('…');
  let out = '';
  let used = 0;
  for (const char of text) {
    const size = utf8Length(char);
    if (used + size > budget) break;
    out += char;
    used += size;
  }
  return `${out.trimEnd()}…`;
}

/**
 * Replaces control characters (a zero byte would end a FIT string early), lone surrogates and
 * U+FFFD (they carry no text, and Garmin's decoder drops a string made of U+FFFD), and
 * collapses spaces.
 */
export function cleanText(text: string): string {
  // eslint-disable-next-line no-control-regex
  const unprintable = /(?:[\u0000-\u001f\u007f\ufffd]|\p{Cs})+/gu;
  return text.replace(unprintable, ' ').replace(/ {2,}/g, ' ').trim();
}
