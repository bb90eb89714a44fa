import { ErrorEnvelopeSchema } from '#shared/errors/envelope.ts';
import { isKnownErrorCode, wordsFor, type KnownErrorCode } from '#shared/errors/registry.ts';
import type { Issue } from '#shared/schema/issues.ts';
import { milesToKm, type DistanceUnit } from '#shared/training/units.ts';

// The one way a failure becomes words on a screen (docs/ARCHITECTURE.md §Errors). Every screen passes what it
// caught to describeError; branching on a failure goes through errorCode, whose result is typed
// with the registry's codes, so a misspelt code is a type error rather than a branch never taken.

/** The client's one error type: a coded failure, answered by the server or the device's own. */
export class CodedError extends Error {
  readonly code: KnownErrorCode;
  /** The answer's HTTP status; 0 when none came (offline) or the device refused before asking. */
  readonly status: number;
  readonly issues: Issue[];
  /** The words without the bracketed detail: what a runner reads when the issues say the rest. */
  readonly words: string;

  /** `message` replaces the code's words (the server's own); `detail` follows them in brackets (what the device knows more). */
  constructor(code: KnownErrorCode, details: { message?: string | undefined; detail?: string; status?: number; issues?: Issue[] | undefined } = {}) {
    const words = details.message || wordsFor(code);
    super(details.detail ? `${words} (${details.detail})` : words);
    this.words = words;
    this.name = 'CodedError';
    this.code = code;
    this.status = details.status ?? 0;
    this.issues = details.issues ?? [];
  }
}

/** The error an unsuccessful HTTP answer means: its code and words, or `http_error` when it is not our envelope or its code is unknown here. */
export function errorFromAnswer(status: number, payload: unknown): CodedError {
  const body = ErrorEnvelopeSchema.safeParse(payload);
  if (!body.success) return new CodedError('http_error', { status, detail: `HTTP ${status}` });
  const { code, message, issues } = body.data.error;
  return new CodedError(isKnownErrorCode(code) ? code : 'http_error', { status, message, issues });
}

/** The registered code of a failure (a CodedError, a sync error, a refused change, a stream's error event), or null. */
export function errorCode(error: unknown): KnownErrorCode | null {
  const code = error instanceof CodedError ? error.code : codedObject(error)?.code;
  return isKnownErrorCode(code) ? code : null;
}

/**
 * The words a runner reads for any failure: the message that came with it, else its code's words;
 * a refusal that names fields says which in the runner's words ("Weekly distance must be 0 or
 * more."), never the schema's paths and zod's phrasing (issue 18 §8).
 */
export function describeError(error: unknown, options: { unit?: DistanceUnit } = {}): string {
  if (error instanceof CodedError)
    return error.issues.length > 0 ? [error.words, ...new Set(error.issues.map((issue) => issueSentence(issue, options.unit)))].join(' ') : error.message;
  const coded = codedObject(error);
  if (coded) return coded.message || (isKnownErrorCode(coded.code) ? wordsFor(coded.code) : wordsFor('http_error'));
  // Not ours: IndexedDB refusing, a bug. Say so in our words, keeping its own for a bug report.
  if (error instanceof Error && error.message) return `${wordsFor('device_error')} (${error.message})`;
  return wordsFor('device_error');
}

/**
 * One message per form field from a failure's issues (the first per field), keyed by the first
 * segment of each path (`goal.title` → `goal`) or, with `key: 'last'`, by the last (`title`).
 */
export function fieldErrors(error: unknown, key: 'first' | 'last' = 'first', unit?: DistanceUnit): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error instanceof CodedError ? error.issues : []) {
    const segments = issue.path.split(/[.[]/);
    const field = (key === 'first' ? segments[0] : segments.at(-1)) ?? '';
    if (field && !fields[field]) fields[field] = plainMessage(issue.message, unit);
  }
  return fields;
}

/** A form's errors: per field where the failure names fields, else one general message. */
export function formErrors(error: unknown): { fields: Record<string, string>; general: string | null } {
  const fields = fieldErrors(error);
  return { fields, general: Object.keys(fields).length > 0 ? null : describeError(error) };
}

/** A plain object with a code and maybe a message (a SyncError, a rejected change, a stream event). */
function codedObject(value: unknown): { code: string; message: string } | null {
  if (typeof value !== 'object' || value === null || value instanceof Error) return null;
  const { code, message } = value as { code?: unknown; message?: unknown };
  return typeof code === 'string' ? { code, message: typeof message === 'string' ? message : '' } : null;
}

// Field names as a runner knows them; a field not listed reads as its name without underscores.
const FIELD_WORDS: Readonly<Record<string, string>> = {
  current_weekly_mileage_miles: 'Weekly distance',
  target_weekly_mileage_miles: 'Weekly distance goal',
  days_available_per_week: 'Running days',
  easy_pace_per_mile_seconds: 'Easy pace',
  target_race_distance_meters: 'Race distance',
  target_race_date: 'Race date',
  target_time_seconds: 'Goal time',
  scheduled_date: 'Date',
  distance_meters: 'Distance',
  duration_seconds: 'Time',
  pace_target: 'Target',
  repeats: 'Repeats',
  max_heart_rate: 'Maximum heart rate',
  resting_heart_rate: 'Resting heart rate',
  threshold_heart_rate: 'Threshold heart rate',
  birth_year: 'Year of birth',
  available_days: 'Running days',
  long_run_day: 'Long-run day',
  recent_race_distance_meters: 'Race distance',
  recent_race_time_seconds: 'Race time',
  recent_race_date: 'Race date',
  time_zone: 'Time zone',
  injury_notes: 'Injury notes',
  rpe: 'Effort',
  notes: 'Notes',
  title: 'Title',
  email: 'E-mail',
  password: 'Password',
  name: 'Name',
  structure: 'The steps',
  segments: 'The steps',
};

// zod's own phrasing, and the bare fragments our schemas add, as plain words.
const PLAIN: ReadonlyArray<[RegExp, (m: RegExpExecArray) => string]> = [
  [/^Too small: expected number to be >=\s*(-?[\d.]+)/, (m) => `must be ${m[1]} or more`],
  [/^Too small: expected number to be >\s*(-?[\d.]+)/, (m) => `must be more than ${m[1]}`],
  [/^Too big: expected number to be <=\s*(-?[\d.]+)/, (m) => `must be ${m[1]} or less`],
  [/^Too big: expected number to be <\s*(-?[\d.]+)/, (m) => `must be less than ${m[1]}`],
  [/^Too small: expected (?:string|array) to have >=\s*1 (?:characters|items)/, () => 'is needed'],
  [/^Too small: expected string to have >=\s*(\d+) characters/, (m) => `needs at least ${m[1]} characters`],
  [/^Too big: expected string to have <=\s*(\d+) characters/, (m) => `can be at most ${m[1]} characters`],
  [/^Too (?:small|big): expected array to have [<>]=\s*(\d+) items/, (m) => `must have ${m[1]} at most`],
  [/^Invalid input: expected \w+, received undefined/, () => 'is needed'],
  [/^Invalid input: expected (?:number|int)/, () => 'must be a number'],
  [/^Invalid input: expected int/, () => 'must be a whole number'],
  [/^Invalid input: expected boolean/, () => 'must be on or off'],
  [/^Invalid input: expected string/, () => 'must be text'],
  [/^Invalid option: expected one of/, () => 'is not one of the choices'],
  [/^Unrecognized keys?:/, () => 'is not something this app can change'],
  [/^is required$/, () => 'is needed'],
  [/^Required$/, () => 'is needed'],
];

/**
 * An issue's message in plain words (zod's phrasing replaced; our own sentences kept), in the
 * runner's `unit`: the schemas store and bound weekly distance in miles (the seed's unit), so a
 * km runner read "must be at most 250 miles a week" (issue 18 §7).
 */
export function plainMessage(message: string, unit?: DistanceUnit): string {
  const weekly = /^must be at most ([\d.]+) miles a week$/.exec(message);
  if (weekly && unit === 'km') return `must be at most ${Math.round(milesToKm(Number(weekly[1])))} km a week`;
  for (const [pattern, words] of PLAIN) {
    const m = pattern.exec(message);
    if (m) return words(m);
  }
  return message;
}

/** One issue as a sentence a runner reads: "Weekly distance must be 0 or more." */
export function issueSentence(issue: Issue, unit?: DistanceUnit): string {
  const message = plainMessage(issue.message, unit);
  // Our own messages are sentences already ("The whole workout is too long…"): keep them whole.
  if (/^[A-Z]/.test(message)) return /[.!?]$/.test(message) ? message : `${message}.`;
  const field = issue.path
    .split(/[.[\]]/)
    .filter((part) => part !== '' && !/^\d+$/.test(part))
    .at(-1);
  const name = field ? (FIELD_WORDS[field] ?? capitalise(field.replace(/_(miles|meters|seconds|km|bpm)$/, '').replaceAll('_', ' '))) : 'This';
  return `${name} ${message.replace(/[.]$/, '')}.`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
