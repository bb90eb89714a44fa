import type { Issue } from '../schema/issues.ts';
import type { HeartRateTable, PaceTable, WorkoutStructure, WorkoutType } from '../schema/workout.ts';
import { workoutTitle } from '../training/title.ts';
import { fnv1a64 } from '../sync/digest.ts';
import { encodeWorkout } from './encode.ts';

export interface WorkoutFileInput {
  /** `workout_type` names the session: with it the watch's name and the file's are derived from the steps in `units`. */
  workout: { id: string; title: string; workout_type?: WorkoutType | string; scheduled_date: string; structure: WorkoutStructure; updated_at: string };
  targetType: 'pace' | 'heart_rate';
  paces: PaceTable;
  heartRates: HeartRateTable;
  units: 'km' | 'mi';
}

/**
 * `2026-03-04-6-x-800-m.fit`, `2026-03-04-easy-9.2-km.fit`: the date, then the title in lower-case
 * ASCII words; a decimal point stays (dropping it made "9.2 km" read "92-km", issue 18 §7).
 */
export function fitFilename(date: string, title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/×/g, 'x')
    .replace(/[^\w\s.-]/g, ' ')
    .replace(/(?<!\d)\.|\.(?!\d)/g, ' ')
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '-')
    .slice(0, 40)
    .replace(/-+$/, '');
  return `${date}-${slug || 'workout'}.fit`;
}

/**
 * The .FIT file of one workout. Serial number (from the workout id) and creation time (its
 * last change) are derived, not random, so the phone and the server make the same bytes.
 */
export function workoutFitFile(input: WorkoutFileInput): { ok: true; bytes: Uint8Array; filename: string } | { ok: false; issues: Issue[] } {
  const serialNumber = Number(BigInt(`0x${fnv1a64(input.workout.id)}`) % 0xfffffffen) + 1;
  const targets = input.targetType === 'heart_rate' ? { kind: 'heart_rate' as const, table: input.heartRates } : { kind: 'pace' as const, table: input.paces };
  // The stored title is the engine's first wording, in km: the watch gets the steps' own (issue 18 §7).
  const name = input.workout.workout_type ? workoutTitle({ ...input.workout, workout_type: input.workout.workout_type }, input.units) : input.workout.title;
  const result = encodeWorkout({
    name,
    structure: input.workout.structure,
    targets,
    serialNumber,
    timeCreated: new Date(input.workout.updated_at),
    units: input.units,
  });
  return result.ok ? { ok: true, bytes: result.bytes, filename: fitFilename(input.workout.scheduled_date, name) } : result;
}
