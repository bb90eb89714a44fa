import type { PaceTarget, Segment, SimpleSegmentType, Step, WorkoutStructure } from '#shared/schema/workout.ts';
import { validateStructure } from '#shared/schema/workout.ts';
import type { Issue } from '#shared/schema/issues.ts';
import { METERS_PER_KM, METERS_PER_MILE, type DistanceUnit } from '#shared/training/units.ts';

// The workout editor's form state: each step as the runner types it (time as m:ss, distance
// in their unit), converted to and from the stored structure, validated with the shared schema.

export interface StepForm {
  end: 'time' | 'distance' | 'open';
  amount: string;
  target: PaceTarget | '';
}

export type SegmentForm =
  | { kind: 'simple'; type: SimpleSegmentType; step: StepForm; notes?: string | undefined }
  | { kind: 'interval'; repeats: string; work: StepForm; recovery: StepForm | null; notes?: string | undefined }
  /** A block the form does not edit (ladders): kept as it is. */
  | { kind: 'other'; segment: Segment };

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
      return { kind: 'interval', repeats: String(segment.repeats), work: stepToForm(segment.work, unit), recovery: segment.recovery ? stepToForm(segment.recovery, unit) : null, notes: segment.notes };
    }
    if (segment.type === 'repeat') return { kind: 'other', segment };
    return { kind: 'simple', type: segment.type, step: stepToForm(segment, unit), notes: segment.notes };
  });
}

function stepFromForm(form: StepForm, unit: DistanceUnit, path: string, issues: Issue[]): Step {
  const step: Step = {};
  if (form.end === 'time') {
    const match = /^(\d{1,3}):([0-5]\d)$/.exec(form.amount.trim()) ?? /^(\d{1,3})$/.exec(form.amount.trim());
    if (!match) issues.push({ path, message: 'Enter a time as minutes:seconds, e.g. 10:00.' });
    else step.duration_seconds = Number(match[1]) * 60 + Number(match[2] ?? 0);
  } else if (form.end === 'distance') {
    const value = Number(form.amount);
    if (!form.amount.trim() || !Number.isFinite(value) || value <= 0) issues.push({ path, message: `Enter a distance in ${unit}, e.g. 0.5.` });
    else step.distance_meters = Math.round(value * perUnit(unit) * 10) / 10;
  } else step.open = true;
  if (form.target) step.pace_target = form.target;
  return step;
}

/** The form back as a structure, or the problems, each with the place it is about. */
export function fromForm(forms: SegmentForm[], unit: DistanceUnit): { ok: true; structure: WorkoutStructure } | { ok: false; issues: Issue[] } {
  const issues: Issue[] = [];
  const segments = forms.map((form, i): Segment => {
    const notes = form.kind !== 'other' && form.notes ? { notes: form.notes } : {};
    if (form.kind === 'other') return form.segment;
    if (form.kind === 'interval') {
      const repeats = Number(form.repeats);
      if (!Number.isInteger(repeats) || repeats < 1 || repeats > 50) issues.push({ path: `segments.${i}.repeats`, message: 'Repeats must be a whole number from 1 to 50.' });
      const work = stepFromForm(form.work, unit, `segments.${i}.work`, issues);
      const recovery = form.recovery ? stepFromForm(form.recovery, unit, `segments.${i}.recovery`, issues) : undefined;
      return { type: 'interval', repeats, work, ...(recovery ? { recovery } : {}), ...notes };
    }
    return { type: form.type, ...stepFromForm(form.step, unit, `segments.${i}`, issues), ...notes };
  });
  if (segments.length === 0) issues.push({ path: 'segments', message: 'A workout needs at least one segment.' });
  if (issues.length) return { ok: false, issues };
  return validateStructure({ segments });
}
