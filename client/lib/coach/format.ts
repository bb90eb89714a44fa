import type { ContextSnapshot } from '#shared/schema/coach.ts';
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
  if (field === 'structure' && typeof value === 'object' && Array.isArray((value as { segments?: unknown }).segments))
    return structureText(value as WorkoutStructure, units);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string' || typeof value === 'number') return String(value).replaceAll('_', ' ');
  return 'changed';
}

const BLOCK_NAMES: Record<string, string> = {
  profile: 'your profile',
  goals: 'your goals',
  plan: 'the next two weeks of your plan',
  later: 'your later weeks',
  recent: 'your last four weeks',
  totals: 'your training totals',
  memory: 'what it remembers of injuries and preferences',
  weeks: 'its notes on past weeks',
};

/** What the coach was shown for a reply (its context snapshot), in one sentence a runner reads. */
export function snapshotText(snapshot: ContextSnapshot): string {
  // In the order a runner reads the app, whatever order the budget filled them in.
  const blocks = Object.keys(BLOCK_NAMES)
    .filter((key) => snapshot.blocks[key])
    .map((key) => BLOCK_NAMES[key]!);
  const earlier = snapshot.history_message_ids.length;
  const parts = [...blocks, earlier === 0 ? 'no earlier message' : `${earlier} earlier message${earlier === 1 ? '' : 's'} of this conversation`];
  const list = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : parts[0]!;
  return `The coach saw ${list}, as of ${snapshot.today}. ${snapshot.strava_data_included ? 'Runs from Strava were included.' : 'Nothing from Strava was shared with it.'}`;
}
