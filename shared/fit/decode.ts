import type { WorkoutStepMesg } from '@garmin/fitsdk';
import type { Issue } from '../schema/issues.ts';
import { formatPace } from './format.ts';
import { fileType, readFit } from './read.ts';

export { decodeActivity, type DecodeActivityOptions, type DecodeActivityResult } from './activity.ts';

/** How a decoded step ends; unusual FIT durations keep their profile name and raw value. */
export type DecodedDuration =
  | { type: 'time'; seconds: number }
  | { type: 'distance'; meters: number }
  | { type: 'open' }
  | { type: 'repeat'; from_step: number; repeats: number }
  | { type: 'other'; name: string; value: number; target_value?: number };

/** What a decoded step aims at; HR ≤ 100 is a percentage of max HR in FIT, above is bpm + 100. */
export type DecodedTarget =
  | { type: 'open' }
  | { type: 'speed'; low_mps: number; high_mps: number }
  | { type: 'speed_zone'; zone: number }
  | { type: 'heart_rate'; low_bpm: number; high_bpm: number }
  | { type: 'heart_rate_percent'; low: number; high: number }
  | { type: 'heart_rate_zone'; zone: number }
  | { type: 'other'; name: string; value?: number; low?: number; high?: number };

/** One workout_step, readable. */
export interface DecodedStep {
  index: number;
  name?: string;
  duration: DecodedDuration;
  /** Absent on repeat steps, whose target field holds the repeat condition. */
  target?: DecodedTarget;
  intensity?: string;
  notes?: string;
}

/** A workout file, readable: file_id, workout and its steps in messageIndex order. */
export interface DecodedWorkout {
  name?: string;
  sport?: string;
  sub_sport?: string;
  num_valid_steps?: number;
  manufacturer?: string;
  product?: number;
  serial_number?: number;
  time_created?: string;
  steps: DecodedStep[];
}

export type DecodeWorkoutResult = { ok: true; workout: DecodedWorkout } | { ok: false; issues: Issue[] };

const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const str = (value: unknown): string | undefined => (value === undefined || value === null ? undefined : String(value));

function decodeDuration(mesg: WorkoutStepMesg): DecodedDuration {
  const type = str(mesg.durationType) ?? 'open';
  const value = num(mesg.durationValue);
  if (type === 'time' && value !== undefined) return { type: 'time', seconds: value / 1000 };
  if (type === 'distance' && value !== undefined) return { type: 'distance', meters: value / 100 };
  if (type === 'open') return { type: 'open' };
  const targetValue = num(mesg.targetValue);
  if (type === 'repeatUntilStepsCmplt' && value !== undefined && targetValue !== undefined) {
    return { type: 'repeat', from_step: value, repeats: targetValue };
  }
  const other: DecodedDuration = { type: 'other', name: type, value: value ?? 0 };
  if (type.startsWith('repeat') && targetValue !== undefined) other.target_value = targetValue;
  return other;
}

function decodeTarget(mesg: WorkoutStepMesg): DecodedTarget {
  const type = str(mesg.targetType) ?? 'open';
  const value = num(mesg.targetValue);
  const low = num(mesg.customTargetValueLow);
  const high = num(mesg.customTargetValueHigh);
  const custom = value === 0 && low !== undefined && high !== undefined;
  if (type === 'open') return { type: 'open' };
  if (type === 'speed') {
    if (custom) return { type: 'speed', low_mps: low / 1000, high_mps: high / 1000 };
    if (value !== undefined) return { type: 'speed_zone', zone: value };
  }
  if (type === 'heartRate') {
    if (custom && low > 100 && high > 100) return { type: 'heart_rate', low_bpm: low - 100, high_bpm: high - 100 };
    if (custom && low <= 100 && high <= 100) return { type: 'heart_rate_percent', low, high };
    if (value !== undefined && value !== 0) return { type: 'heart_rate_zone', zone: value };
  }
  const other: DecodedTarget = { type: 'other', name: type };
  if (value !== undefined) other.value = value;
  if (low !== undefined) other.low = low;
  if (high !== undefined) other.high = high;
  return other;
}

function decodeStep(mesg: WorkoutStepMesg, position: number): DecodedStep {
  const duration = decodeDuration(mesg);
  const step: DecodedStep = { index: num(mesg.messageIndex) ?? position, duration };
  const name = str(mesg.wktStepName);
  if (name !== undefined) step.name = name;
  const isRepeat = duration.type === 'repeat' || (duration.type === 'other' && duration.name.startsWith('repeat'));
  if (!isRepeat) step.target = decodeTarget(mesg);
  const intensity = str(mesg.intensity);
  if (intensity !== undefined) step.intensity = intensity;
  const notes = str(mesg.notes);
  if (notes !== undefined) step.notes = notes;
  return step;
}

/** Decodes a workout .FIT file into a readable step list (integrity checked first). */
export function decodeWorkout(bytes: Uint8Array): DecodeWorkoutResult {
  const read = readFit(bytes);
  if (!read.ok) return read;
  const { messages } = read;
  const type = fileType(messages);
  if (type !== 'workout') {
    return { ok: false, issues: [{ path: 'file', message: `this is not a workout file (file type: ${type ?? 'missing'})` }] };
  }
  const fileId = messages.fileIdMesgs?.[0];
  const workout = messages.workoutMesgs?.[0];
  const steps = [...(messages.workoutStepMesgs ?? [])].map(decodeStep).sort((a, b) => a.index - b.index);
  const out: DecodedWorkout = { steps };
  const set = <K extends keyof DecodedWorkout>(key: K, value: DecodedWorkout[K] | undefined): void => {
    if (value !== undefined) out[key] = value;
  };
  set('name', str(workout?.wktName));
  set('sport', str(workout?.sport));
  set('sub_sport', str(workout?.subSport));
  set('num_valid_steps', num(workout?.numValidSteps));
  set('manufacturer', str(fileId?.manufacturer));
  set('product', num(fileId?.product));
  set('serial_number', num(fileId?.serialNumber));
  set('time_created', fileId?.timeCreated instanceof Date ? fileId.timeCreated.toISOString() : undefined);
  return { ok: true, workout: out };
}

function describeDuration(duration: DecodedDuration): string {
  switch (duration.type) {
    case 'time':
      return `${duration.seconds} s`;
    case 'distance':
      return `${duration.meters} m`;
    case 'open':
      return 'until lap button';
    case 'repeat':
      return `repeat from step ${duration.from_step}, ${duration.repeats} times in all`;
    case 'other':
      return `${duration.name} ${duration.value}${duration.target_value === undefined ? '' : ` (${duration.target_value})`}`;
  }
}

function describeTarget(target: DecodedTarget): string {
  const pace = (mps: number): string => (mps > 0 ? formatPace(1000 / mps, 'km') : '–');
  switch (target.type) {
    case 'open':
      return 'no target';
    case 'speed':
      return `${pace(target.high_mps)}–${pace(target.low_mps)} /km (${target.low_mps}–${target.high_mps} m/s)`;
    case 'heart_rate':
      return `HR ${target.low_bpm}–${target.high_bpm} bpm`;
    case 'heart_rate_percent':
      return `HR ${target.low}–${target.high} % of max`;
    case 'speed_zone':
      return `speed zone ${target.zone}`;
    case 'heart_rate_zone':
      return `HR zone ${target.zone}`;
    case 'other':
      return [target.name, target.value, target.low, target.high].filter((v) => v !== undefined).join(' ');
  }
}

/** One line per step for people: "1 800 m I: 800 m, 3:40–3:48 /km (…), active". */
export function describeStep(step: DecodedStep): string {
  const parts = [describeDuration(step.duration)];
  if (step.target) parts.push(describeTarget(step.target));
  if (step.intensity) parts.push(step.intensity);
  const fallback = step.target ? '(no name)' : 'Repeat';
  const line = `${step.index} ${step.name ?? fallback}: ${parts.join(', ')}`;
  return step.notes ? `${line} — ${step.notes}` : line;
}
