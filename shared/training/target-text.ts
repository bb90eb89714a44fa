import { TARGET_WORD } from '../fit/format.ts';
import type { HeartRateRange, HeartRateTable, PaceRange, PaceTable, PaceTarget } from '../schema/workout.ts';
import { formatPace, type DistanceUnit } from './units.ts';

// How a runner reads a step's target: a pace range in their unit, or, for a runner whose
// profile says targets = heart rate, the bpm range their watch file gets (shared/fit).

/** The ranges a runner trains by: paces, or heart rates (what their .FIT files carry). */
export type TargetTable = { kind: 'pace'; table: PaceTable } | { kind: 'heart_rate'; table: HeartRateTable };

/** "4:35–4:50/km": fastest first, the unit once. */
export function paceRangeText(range: PaceRange, unit: DistanceUnit): string {
  return `${formatPace(range.fast_seconds_per_km, unit).split('/')[0]}–${formatPace(range.slow_seconds_per_km, unit)}`;
}

/** "134–155 bpm". */
export function heartRateRangeText(range: HeartRateRange): string {
  return `${Math.round(range.low_bpm)}–${Math.round(range.high_bpm)} bpm`;
}

/** The range of one target, as pace or heart rate, whichever the runner trains by. */
export function targetRangeText(target: PaceTarget, targets: TargetTable, unit: DistanceUnit): string {
  return targets.kind === 'pace' ? paceRangeText(targets.table[target], unit) : heartRateRangeText(targets.table[target]);
}

/** "Easy: 134–155 bpm" / "Tempo: 4:35–4:50/km". */
export function targetLine(target: PaceTarget, targets: TargetTable, unit: DistanceUnit): string {
  return `${TARGET_WORD[target]}: ${targetRangeText(target, targets, unit)}`;
}
