import { addDays, weekday } from '#shared/training/dates.ts';
import type { ReadinessWeek } from '#shared/training/readiness.ts';
import type { PlannedVsDone, Trend, TrendFigure, WeekStats } from '#shared/schema/journal.ts';
import { api } from '../api/client.ts';

export type { PlannedSession, PlannedVsDone, Trend, WeekStats } from '#shared/schema/journal.ts';

// The weekly journal (GET /api/journal?week=), as server/coach/journal.ts builds it.

export interface Journal {
  week: string;
  week_end: string;
  units: 'km' | 'mi';
  stats: WeekStats;
  previous_week: WeekStats;
  /** Days of the week before the trends compare with: 7, fewer for a week in progress, 0 when nothing is compared (absent from older servers). */
  compared_days?: number;
  trends: Record<TrendFigure, Trend>;
  planned_vs_done: PlannedVsDone;
  insights: { achievements: string[]; patterns: string[]; to_improve: string[] };
  /** The week's morning check-ins (absent from servers before issue 23). */
  readiness?: ReadinessWeek;
  narrative: { text: string; source: string | null; memory_id: string | null } | null;
  narrative_status: 'ready' | 'week_in_progress' | 'not_configured' | 'nothing_to_say' | 'unavailable' | string;
}

/** The journal of the runner's week holding `day` (the plan's week, or Monday to Sunday without a plan). */
export function fetchJournal(day: string): Promise<Journal> {
  return api<Journal>('GET', `/journal?week=${day}`);
}

/** The Monday of the week `date` falls in. */
export function mondayOf(date: string): string {
  return addDays(date, -((weekday(date) + 6) % 7));
}

/**
 * "+12%" / "−5%" / "" for a week-over-week trend (a pace trend is good when it falls); `sameDays`
 * says a week in progress is compared with the same days of the week before.
 */
export function trendLabel(trend: Trend, sameDays = false): { text: string; direction: 'up' | 'down' | 'flat' } {
  const against = sameDays ? 'the same days last week' : 'last week';
  if (trend.change === null || trend.change === 0)
    return { text: trend.previous === null || trend.change === null ? '' : `same as ${against}`, direction: 'flat' };
  const direction = trend.change > 0 ? 'up' : 'down';
  const arrow = direction === 'up' ? '▲' : '▼';
  if (trend.change_pct === null) return { text: `${arrow} none ${against}`, direction };
  return { text: `${arrow} ${Math.abs(trend.change_pct)}% vs ${against}`, direction };
}
