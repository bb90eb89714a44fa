import type { Proposal } from '#shared/schema/coach.ts';

// How the coach's proposal card words a change (issue 18 §15): a runner reads "Steps", never the
// column "structure", and only the warnings the change itself brings.

const FIELD: Readonly<Record<string, string>> = {
  structure: 'Steps',
  scheduled_date: 'Day',
  workout_type: 'Kind of run',
  title: 'Name',
  description: 'Description',
  estimated_distance_meters: 'Distance',
  estimated_duration_minutes: 'Time',
  deleted: 'Removed',
};

/** A changed field as a runner names it. */
export function proposalFieldName(field: string): string {
  return FIELD[field] ?? field.charAt(0).toUpperCase() + field.slice(1).replaceAll('_', ' ');
}

/**
 * The warnings that belong on the card: those about a workout or a day the change touches (its
 * old or new date), or naming neither; a finding elsewhere in the plan is not this change's doing.
 */
export function proposalWarnings(proposal: Pick<Proposal, 'diff' | 'warnings'>): Proposal['warnings'] {
  const touched = new Set(
    proposal.diff.flatMap((w) => [w.workout_id, w.scheduled_date, ...w.fields.filter((f) => f.field === 'scheduled_date').map((f) => String(f.after))]),
  );
  return proposal.warnings.filter((w) => (w.workout_id === undefined && w.date === undefined) || touched.has(w.workout_id ?? '') || touched.has(w.date ?? ''));
}
