import { TARGET_WORD } from '../fit/format.ts';
import type { PaceTable, Segment, Step, WorkoutStructure } from '../schema/workout.ts';
import { formatDistance, formatDuration, formatPace, type DistanceUnit } from '../training/units.ts';

const ROLE: Record<string, string> = { warmup: 'Warm-up', steady: 'Run', cooldown: 'Cool-down', recovery: 'Recovery', strides: 'Strides' };

function stepText(step: Step, paces: PaceTable, unit: DistanceUnit): string {
  const length =
    step.duration_seconds !== undefined
      ? formatDuration(step.duration_seconds)
      : step.distance_meters !== undefined
        ? step.distance_meters < 1000 ? `${Math.round(step.distance_meters)} m` : formatDistance(step.distance_meters, unit)
        : 'until you press lap';
  if (!step.pace_target) return length;
  const range = paces[step.pace_target];
  return `${length} ${TARGET_WORD[step.pace_target].toLowerCase()} (${formatPace(range.fast_seconds_per_km, unit).split('/')[0]}–${formatPace(range.slow_seconds_per_km, unit)})`;
}

function segmentText(segment: Segment, paces: PaceTable, unit: DistanceUnit): string {
  if (segment.type === 'interval') {
    const recovery = segment.recovery ? `, ${stepText(segment.recovery, paces, unit)} between` : '';
    return `${segment.repeats} × ${stepText(segment.work, paces, unit)}${recovery}`;
  }
  if (segment.type === 'repeat') return `${segment.repeats} × (${segment.steps.map((s) => stepText(s, paces, unit)).join(', ')})`;
  return `${ROLE[segment.type] ?? segment.type}: ${stepText(segment, paces, unit)}`;
}

/** The workout as lines a runner reads: one per segment, paces in their unit, fastest first. */
export function describeStructure(structure: WorkoutStructure, paces: PaceTable, unit: DistanceUnit): string[] {
  return structure.segments.map((segment) => segmentText(segment, paces, unit) + (segment.notes ? ` — ${segment.notes}` : ''));
}
