import type { PaceTable, Segment, Step, WorkoutStructure } from '../schema/workout.ts';
import { TARGET_WORD } from '../fit/format.ts';
import { targetRangeText, type TargetTable } from '../training/target-text.ts';
import { formatDistance, formatDuration, type DistanceUnit } from '../training/units.ts';

const ROLE: Record<string, string> = { warmup: 'Warm-up', steady: 'Run', cooldown: 'Cool-down', recovery: 'Recovery', strides: 'Strides' };

function stepText(step: Step, targets: TargetTable, unit: DistanceUnit): string {
  const length =
    step.duration_seconds !== undefined
      ? formatDuration(step.duration_seconds)
      : step.distance_meters !== undefined
        ? step.distance_meters < 1000
          ? `${Math.round(step.distance_meters)} m`
          : formatDistance(step.distance_meters, unit)
        : 'until you press lap';
  if (!step.pace_target) return length;
  return `${length} ${TARGET_WORD[step.pace_target].toLowerCase()} (${targetRangeText(step.pace_target, targets, unit)})`;
}

function segmentText(segment: Segment, targets: TargetTable, unit: DistanceUnit): string {
  if (segment.type === 'interval') {
    const recovery = segment.recovery ? `, ${stepText(segment.recovery, targets, unit)} between` : '';
    return `${segment.repeats} × ${stepText(segment.work, targets, unit)}${recovery}`;
  }
  if (segment.type === 'repeat') return `${segment.repeats} × (${segment.steps.map((s) => stepText(s, targets, unit)).join(', ')})`;
  return `${ROLE[segment.type] ?? segment.type}: ${stepText(segment, targets, unit)}`;
}

/** The workout as lines a runner reads: one per segment, paces in their unit, fastest first. */
export function describeStructure(structure: WorkoutStructure, paces: PaceTable, unit: DistanceUnit): string[] {
  return describeWithTargets(structure, { kind: 'pace', table: paces }, unit);
}

/** As describeStructure, with each target read from `targets`: bpm for a runner who trains by heart rate. */
export function describeWithTargets(structure: WorkoutStructure, targets: TargetTable, unit: DistanceUnit): string[] {
  return structure.segments.map((segment) => segmentText(segment, targets, unit) + (segment.notes ? ` — ${segment.notes}` : ''));
}
