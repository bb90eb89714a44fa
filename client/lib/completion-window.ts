import { addDays } from '#shared/training/dates.ts';

// When a workout can be marked done (issue 18 §15: "Mark done" was offered months ahead): from
// three days before its date, so a run done a few days early still counts, and on any day after.
// Once it is done, the form only keeps its notes and effort up to date.

/** Days before a workout's date from which it can be marked done. */
export const MARK_DONE_DAYS_BEFORE = 3;

/** The first day `date`'s workout can be marked done. */
export function markDoneOpensOn(date: string): string {
  return addDays(date, -MARK_DONE_DAYS_BEFORE);
}

/** What the completion form offers on `today`: not yet (and from when), marking it, or only updating what was recorded. */
export function completionOffer(
  date: string,
  today: string,
  status: string | null | undefined,
): { kind: 'not_yet'; opensOn: string } | { kind: 'mark' } | { kind: 'done' } {
  if (status === 'completed' || status === 'partial') return { kind: 'done' };
  const opensOn = markDoneOpensOn(date);
  return today < opensOn ? { kind: 'not_yet', opensOn } : { kind: 'mark' };
}
