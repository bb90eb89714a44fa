import { defaultGoalTitle, type GoalCreate } from '#shared/schema/goal-request.ts';
import type { SyncedEntity } from '#shared/sync/protocol.ts';
import { describeError } from '../errors.ts';
import { dayLabel } from '../workout-view.ts';
import type { RejectedEntry } from './db.ts';
import { refsOf } from './mutations.ts';

// Changes the server refused, placed beside the thing they concern (issue 18 §2): a workout
// edit on its Workout screen, a goal change on its goal, a new goal the refusal removed at the
// top of the Goals screen. The reason is the error funnel's (describeError): the server's words.

/** One refused change as a screen shows it. */
export interface Refusal {
  /** The rejected entry's key, for Dismiss. */
  key: string;
  /** What the runner tried: "Your edit of the steps", "The move to Thu 25 Mar". */
  what: string;
  /** "Not saved: <reason>". */
  text: string;
}

function argsOf(entry: RejectedEntry): Record<string, unknown> {
  return typeof entry.args === 'object' && entry.args !== null ? (entry.args as Record<string, unknown>) : {};
}

/** What the refused change was, in a runner's words. */
function whatOf(entry: RejectedEntry): string {
  const args = argsOf(entry);
  switch (entry.name) {
    case 'workout.update':
      return 'Your edit of this workout';
    case 'workout.move':
      return typeof args.scheduled_date === 'string' ? `The move to ${dayLabel(args.scheduled_date)}` : 'The move';
    case 'workout.delete':
      return 'Removing this workout';
    case 'workout.complete':
      return 'Marking it done';
    case 'workout.skip':
      return 'Marking it skipped';
    case 'goal.create': {
      const goal = args.goal as GoalCreate | undefined;
      return goal ? `The new goal “${goal.title ?? defaultGoalTitle(goal)}”` : 'The new goal';
    }
    case 'goal.update':
      return 'Your change to this goal';
    case 'goal.delete':
      return 'Deleting this goal';
    case 'profile.update':
      return 'Your profile change';
    default:
      return 'A change';
  }
}

/** A refused change in words: what was tried, and "Not saved: <reason>". */
export function refusalOf(entry: RejectedEntry): Refusal {
  return { key: entry.key, what: whatOf(entry), text: `Not saved: ${describeError(entry.error)}` };
}

/** Whether a refused change concerns row `id` of `entity`. */
function concerns(entry: RejectedEntry, entity: SyncedEntity, id: string, userId: string): boolean {
  return refsOf(entry, userId).some((ref) => ref.entity === entity && ref.key === id);
}

/** The refused changes of one row (a workout on its screen), newest first as `entries` are. */
export function refusalsFor(entries: readonly RejectedEntry[], entity: SyncedEntity, id: string, userId: string): Refusal[] {
  return entries.filter((entry) => concerns(entry, entity, id, userId)).map(refusalOf);
}

/**
 * The refused changes of an entity placed on the rows a screen lists, and those whose row it
 * does not list (a new goal the refusal removed): those are shown on their own, never dropped.
 * Each entry is placed on its first row of `entity`.
 */
export function placeRefusals(
  entries: readonly RejectedEntry[],
  entity: SyncedEntity,
  rowIds: readonly string[],
  userId: string,
): { byRow: Map<string, Refusal[]>; elsewhere: Refusal[] } {
  const shown = new Set(rowIds);
  const byRow = new Map<string, Refusal[]>();
  const elsewhere: Refusal[] = [];
  for (const entry of entries) {
    const ref = refsOf(entry, userId).find((r) => r.entity === entity);
    if (!ref) continue;
    if (shown.has(ref.key)) byRow.set(ref.key, [...(byRow.get(ref.key) ?? []), refusalOf(entry)]);
    else elsewhere.push(refusalOf(entry));
  }
  return { byRow, elsewhere };
}
