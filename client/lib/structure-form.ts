import type { PaceTarget, Segment, SimpleSegmentType, Step, WorkoutStructure } from '#shared/schema/workout.ts';
import { STEP_LIMITS, validateStructure } from '#shared/schema/workout.ts';
import type { Issue } from '#shared/schema/issues.ts';
import { readDecimal } from '#shared/training/race-time.ts';
import { METERS_PER_KM, METERS_PER_MILE, type DistanceUnit } from '#shared/training/units.ts';

// The workout editor's form state: each step as the runner types it (time as m:ss, distance
// in their unit), converted to and from the stored structure, validated with the shared schema.
// Every problem comes back with the place it is about (`segments.1.steps.2`) and words that
// name the segment and step, so the editor can show it beside the field and in a summary.

export interface StepForm {
  end: 'time' | 'distance' | 'open';
  amount: string;
  target: PaceTarget | '';
}

export type SegmentForm =
  | { kind: 'simple'; type: SimpleSegmentType; step: StepForm; notes?: string | undefined }
  | { kind: 'interval'; repeats: string; work: StepForm; recovery: StepForm | null; notes?: string | undefined }
  /** `repeats` × a list of steps: ladders (steps that vary) and combinations. */
  | { kind: 'repeat'; repeats: string; steps: StepForm[]; notes?: string | undefined };

/** How many steps a repeat block may hold (the schema's bounds). */
export const REPEAT_BLOCK_STEPS = { min: 1, max: 10 } as const;

const perUnit = (unit: DistanceUnit) => (unit === 'km' ? METERS_PER_KM : METERS_PER_MILE);

function clock(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(Math.round(seconds % 60)).padStart(2, '0')}`;
}

function stepToForm(step: Step, unit: DistanceUnit): StepForm {
  const target = step.pace_target ?? '';
  if (step.duration_seconds !== undefined) return { end: 'time', amount: clock(step.duration_seconds), target };
  if (step.distance_meters !== undefined) return { end: 'distance', amount: String(Math.round((step.distance_meters / perUnit(unit)) * 100) / 100), target };
  return { end: 'open', amount: '', target };
}

/** The stored structure as form state in the runner's unit. */
export function toForm(structure: WorkoutStructure, unit: DistanceUnit): SegmentForm[] {
  return structure.segments.map((segment): SegmentForm => {
    if (segment.type === 'interval') {
      return {
        kind: 'interval',
        repeats: String(segment.repeats),
        work: stepToForm(segment.work, unit),
        recovery: segment.recovery ? stepToForm(segment.recovery, unit) : null,
        notes: segment.notes,
      };
    }
    if (segment.type === 'repeat')
      return { kind: 'repeat', repeats: String(segment.repeats), steps: segment.steps.map((step) => stepToForm(step, unit)), notes: segment.notes };
    return { kind: 'simple', type: segment.type, step: stepToForm(segment, unit), notes: segment.notes };
  });
}

/** A new step: five easy minutes. */
export const newStep = (): StepForm => ({ end: 'time', amount: '5:00', target: 'easy' });

/** A new interval block: 4 × 3 min hard, 2 min jog. */
export const newInterval = (): SegmentForm => ({
  kind: 'interval',
  repeats: '4',
  work: { end: 'time', amount: '3:00', target: 'interval' },
  recovery: { end: 'time', amount: '2:00', target: 'jog' },
});

/** A new ladder: 1-2-3 minutes hard with a minute's jog between, once. */
export const newLadder = (): SegmentForm => ({
  kind: 'repeat',
  repeats: '1',
  steps: [
    { end: 'time', amount: '1:00', target: 'interval' },
    { end: 'time', amount: '1:00', target: 'jog' },
    { end: 'time', amount: '2:00', target: 'interval' },
    { end: 'time', amount: '1:00', target: 'jog' },
    { end: 'time', amount: '3:00', target: 'interval' },
  ],
});

function stepFromForm(form: StepForm, unit: DistanceUnit, path: string, where: string, issues: Issue[]): Step {
  const step: Step = {};
  const amount = form.amount.trim();
  if (form.end === 'time') {
    const match = /^(\d{1,3}):([0-5]\d)$/.exec(amount) ?? /^(\d{1,3})$/.exec(amount);
    const seconds = match ? Number(match[1]) * 60 + Number(match[2] ?? 0) : NaN;
    if (!match) issues.push({ path, message: `${where}: enter the time as minutes:seconds, e.g. 10:00.` });
    else if (seconds < 1) issues.push({ path, message: `${where}: the time must be longer than 0:00.` });
    else if (seconds > STEP_LIMITS.maxStepSeconds) issues.push({ path, message: `${where}: a step lasts at most ${STEP_LIMITS.maxStepSeconds / 3600} h.` });
    else step.duration_seconds = seconds;
  } else if (form.end === 'distance') {
    // "5,5" is 5.5, as many runners type it.
    const value = readDecimal(amount) ?? NaN;
    const meters = Math.round(value * perUnit(unit) * 10) / 10;
    const most = Math.floor((STEP_LIMITS.maxStepMeters / perUnit(unit)) * 10) / 10;
    if (!amount || !Number.isFinite(value) || value <= 0) issues.push({ path, message: `${where}: enter a distance in ${unit}, e.g. 0.5.` });
    else if (meters < 1) issues.push({ path, message: `${where}: a step covers at least 1 m.` });
    else if (meters > STEP_LIMITS.maxStepMeters) issues.push({ path, message: `${where}: a step covers at most ${most} ${unit}.` });
    else step.distance_meters = meters;
  } else step.open = true;
  if (form.target) step.pace_target = form.target;
  return step;
}

function repeatsFromForm(text: string, path: string, where: string, issues: Issue[]): number {
  const repeats = Number(text.trim());
  if (!text.trim() || !Number.isInteger(repeats) || repeats < 1 || repeats > STEP_LIMITS.maxRepeats) {
    issues.push({ path, message: `${where}: repeats must be a whole number from 1 to ${STEP_LIMITS.maxRepeats}.` });
  }
  return repeats;
}

/** `segments[1].work.duration_seconds` (the schema's path) as the form's `segments.1.work.duration_seconds`. */
const dotted = (path: string) => path.replace(/\[(\d+)\]/g, '.$1');

/** The form back as a structure, or the problems, each with its place and words naming it. */
export function fromForm(forms: SegmentForm[], unit: DistanceUnit): { ok: true; structure: WorkoutStructure } | { ok: false; issues: Issue[] } {
  const issues: Issue[] = [];
  const segments = forms.map((form, i): Segment => {
    const at = `segments.${i}`;
    const name = `Segment ${i + 1}`;
    const notes = form.notes ? { notes: form.notes } : {};
    if (form.kind === 'interval') {
      const repeats = repeatsFromForm(form.repeats, `${at}.repeats`, name, issues);
      const work = stepFromForm(form.work, unit, `${at}.work`, `${name}, work`, issues);
      const recovery = form.recovery ? stepFromForm(form.recovery, unit, `${at}.recovery`, `${name}, recovery`, issues) : undefined;
      return { type: 'interval', repeats, work, ...(recovery ? { recovery } : {}), ...notes };
    }
    if (form.kind === 'repeat') {
      const repeats = repeatsFromForm(form.repeats, `${at}.repeats`, name, issues);
      if (form.steps.length < REPEAT_BLOCK_STEPS.min || form.steps.length > REPEAT_BLOCK_STEPS.max) {
        issues.push({ path: `${at}.steps`, message: `${name}: a repeat block holds ${REPEAT_BLOCK_STEPS.min} to ${REPEAT_BLOCK_STEPS.max} steps.` });
      }
      const steps = form.steps.map((step, j) => stepFromForm(step, unit, `${at}.steps.${j}`, `${name}, step ${j + 1}`, issues));
      return { type: 'repeat', repeats, steps, ...notes };
    }
    return { type: form.type, ...stepFromForm(form.step, unit, at, name, issues), ...notes };
  });
  if (segments.length === 0) issues.push({ path: 'segments', message: 'A workout needs at least one segment.' });
  if (segments.length > STEP_LIMITS.maxSegments) issues.push({ path: 'segments', message: `A workout has at most ${STEP_LIMITS.maxSegments} segments.` });
  if (issues.length) return { ok: false, issues };
  const checked = validateStructure({ segments });
  if (checked.ok) return checked;
  // What only the whole can break (the session's total length): said in the runner's words.
  return {
    ok: false,
    issues: checked.issues.map((issue) => ({
      path: dotted(issue.path),
      message: issue.path === 'segments' ? `The whole workout is too long: ${issue.message}.` : `${issue.path}: ${issue.message}`,
    })),
  };
}
