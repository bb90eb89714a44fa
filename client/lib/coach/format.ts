import { structureTotals, type WorkoutStructure } from '#shared/schema/workout.ts';
import { formatDistance, formatDuration } from '#shared/training/units.ts';

/** A workout structure in a few words: its measured and timed parts, e.g. "6.5 km + 1:00". */
function structureText(structure: WorkoutStructure, units: 'km' | 'mi'): string {
  const { meters, seconds } = structureTotals(structure);
  const parts = [meters > 0 ? formatDistance(meters, units) : null, seconds > 0 ? formatDuration(seconds) : null].filter(Boolean);
  return parts.length ? parts.join(' + ') : `${structure.segments.length} segment${structure.segments.length === 1 ? '' : 's'}`;
}

/** A workout field's value in a proposal diff, in words and the runner's units. */
export function formatDiffValue(field: string, value: unknown, units: 'km' | 'mi'): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number' && field.endsWith('_meters')) return formatDistance(value, units);
  if (typeof value === 'number' && field.endsWith('_seconds')) return formatDuration(value);
  if (typeof value === 'number' && field.endsWith('_minutes')) return formatDuration(value * 60);
  if (field === 'structure' && typeof value === 'object' && Array.isArray((value as { segments?: unknown }).segments)) return structureText(value as WorkoutStructure, units);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string' || typeof value === 'number') return String(value).replaceAll('_', ' ');
  return 'changed';
}
