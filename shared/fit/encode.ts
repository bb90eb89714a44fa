import { Encoder } from '@garmin/fitsdk';
import { z } from 'zod';
import { toIssues, type Issue } from '../schema/issues.ts';
import { WorkoutStructureSchema, type WorkoutStructure } from '../schema/workout.ts';
import { MAX_FIT_STRING_BYTES, utf8Length, type Units } from './format.ts';
import { fitMessage } from './messages.ts';
import { planSteps, usedTargets, type FitStep, type Targets } from './steps.ts';

export type { Targets, PaceTargets, HeartRateTargets, FitStep } from './steps.ts';
export type { Units } from './format.ts';

/** What encodeWorkout needs; everything is checked again at run time. */
export interface EncodeWorkoutInput {
  /** Shown as the workout's title on the watch. */
  name: string;
  /** A workouts.structure value; validated with WorkoutStructureSchema here. */
  structure: WorkoutStructure;
  targets: Targets;
  /** Random, non-zero uint32 (the caller draws it: shared/ has no randomness). */
  serialNumber: number;
  timeCreated: Date;
  /** Units for the paces written into step notes; the watch shows its own units. Default km. */
  units?: Units;
}

export type EncodeWorkoutResult = { ok: true; bytes: Uint8Array; steps: FitStep[] } | { ok: false; issues: Issue[] };

// FIT date_time values below 0x10000000 mean "seconds since the device powered on", i.e.
// dates before mid-1998, and uint32 seconds end in 2126; keep well inside both.
const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(2100, 0, 1);

const NameSchema = z
  .string()
  .refine((name) => name.trim() !== '', 'the workout needs a name')
  // eslint-disable-next-line no-control-regex
  .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), 'the name must not contain control characters')
  .refine((name) => utf8Length(name) <= MAX_FIT_STRING_BYTES, `the name must be at most ${MAX_FIT_STRING_BYTES} bytes of UTF-8`);

const InputSchema = z.object({
  name: NameSchema,
  serialNumber: z.number().int('the serial number must be a whole number').min(1, 'the serial number must not be 0').max(0xffffffff),
  timeCreated: z
    .date('timeCreated must be a valid Date')
    .refine((date) => date.getTime() >= EARLIEST && date.getTime() < LATEST, 'timeCreated must be between 2000 and 2100'),
  units: z.enum(['km', 'mi']).optional(),
  targets: z.object({ kind: z.enum(['pace', 'heart_rate']), table: z.record(z.string(), z.unknown()) }),
});

const PaceRangeSchema = z
  .object({
    slow_seconds_per_km: z.number().min(60).max(3600),
    fast_seconds_per_km: z.number().min(60).max(3600),
  })
  .refine((r) => r.fast_seconds_per_km <= r.slow_seconds_per_km, 'the fast pace must not be slower than the slow pace');

const HeartRateRangeSchema = z
  .object({ low_bpm: z.number().min(30).max(250), high_bpm: z.number().min(30).max(250) })
  .refine((r) => r.low_bpm <= r.high_bpm, 'low_bpm must not be above high_bpm');

/** Every target the structure uses must have a sane range in the table. */
function checkTargets(structure: WorkoutStructure, targets: Targets): Issue[] {
  const schema = targets.kind === 'pace' ? PaceRangeSchema : HeartRateRangeSchema;
  const issues: Issue[] = [];
  for (const target of usedTargets(structure)) {
    const path = `targets.table.${target}`;
    const entry = (targets.table as Record<string, unknown>)[target];
    if (entry === undefined) {
      const what = targets.kind === 'pace' ? 'pace' : 'heart-rate';
      issues.push({ path, message: `the ${what} table has no range for "${target}"` });
      continue;
    }
    const parsed = schema.safeParse(entry);
    if (!parsed.success) issues.push(...toIssues(parsed.error).map((i) => ({ ...i, path: i.path ? `${path}.${i.path}` : path })));
  }
  return issues;
}

/** Validates the input; returns the parsed structure or the issues. */
function check(input: EncodeWorkoutInput): { ok: true; structure: WorkoutStructure } | { ok: false; issues: Issue[] } {
  const issues: Issue[] = [];
  const base = InputSchema.safeParse(input);
  if (!base.success) issues.push(...toIssues(base.error));
  const structure = WorkoutStructureSchema.safeParse(input.structure);
  if (!structure.success) {
    issues.push(...toIssues(structure.error).map((i) => ({ ...i, path: i.path ? `structure.${i.path}` : 'structure' })));
  }
  if (issues.length > 0 || !structure.success) return { ok: false, issues };
  const targetIssues = checkTargets(structure.data, input.targets);
  return targetIssues.length > 0 ? { ok: false, issues: targetIssues } : { ok: true, structure: structure.data };
}

/**
 * Encodes a workout as a Garmin .FIT workout file (docs/FIT.md). Invalid input gives issues and
 * no bytes; the same input always gives the same bytes.
 */
export function encodeWorkout(input: EncodeWorkoutInput): EncodeWorkoutResult {
  const checked = check(input);
  if (!checked.ok) return checked;
  const steps = planSteps(checked.structure, input.targets, input.units ?? 'km');
  // date_time has whole seconds; truncating here keeps the bytes independent of milliseconds.
  const timeCreated = new Date(Math.floor(input.timeCreated.getTime() / 1000) * 1000);

  const encoder = new Encoder();
  encoder.writeMesg(
    fitMessage('fileId', {
      type: 'workout',
      manufacturer: 'development',
      product: 0,
      serialNumber: input.serialNumber,
      timeCreated,
    }),
  );
  encoder.writeMesg(
    fitMessage('workout', {
      wktName: input.name.trim(),
      sport: 'running',
      subSport: 'generic',
      numValidSteps: steps.length,
    }),
  );
  for (const step of steps) encoder.writeMesg(fitMessage('workoutStep', step));
  return { ok: true, bytes: encoder.close(), steps };
}
