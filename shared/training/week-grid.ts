import { addDays, daysBetween, weekday } from './dates.ts';

// One weekly grouping for every screen and the journal (issue 18): a runner with a plan counts
// weeks as the plan does (they begin on the weekday of the plan's first week, its first day — the
// race weekday for plans made before issue 17 — and the grid runs on before and after the plan); a
// runner without a plan counts Monday to Sunday.

/** The first day of the 7-day week holding `date`: on the grid anchored at `anchor` (a plan week's start), or Monday without one. */
export function weekStartOf(date: string, anchor: string | null): string {
  if (anchor === null) return addDays(date, -((weekday(date) + 6) % 7));
  return addDays(anchor, Math.floor(daysBetween(anchor, date) / 7) * 7);
}
