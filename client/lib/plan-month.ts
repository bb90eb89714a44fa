import type { PlanWeek } from '#shared/schema/plan.ts';
import { addDays } from '#shared/training/dates.ts';
import { weekText } from './format.ts';
import { weekProgress, type CompletionLike, type WorkoutLike } from './workout-view.ts';

// The Plan screen's month view (issue 18 §3): the plan's own weeks (7-day blocks from its first
// day, so every row has the same weekday order) that touch one calendar month, each with its
// seven days, its planned and done totals (the Plan week view's and the chart's weekProgress, so
// the totals agree across screens) and its phase, recovery, taper and race labels.

/** One day of a month row. */
export interface MonthDay {
  date: string;
  /** The day of the month, as printed in the cell. */
  day: number;
  /** Planned running distance that day (rest days count nothing). */
  meters: number;
  /** Whether every session planned that day was done (completed or partly). */
  done: boolean;
  isRace: boolean;
  inMonth: boolean;
  isToday: boolean;
}

/** One plan week of the month view. */
export interface MonthWeek {
  index: number;
  start: string;
  /** "7–13 Dec". */
  dates: string;
  /** What the week is, in words: "Base", "Build · recovery", "Taper", "Race week". */
  labels: string[];
  plannedMeters: number;
  doneMeters: number;
  isCurrent: boolean;
  isRace: boolean;
  days: MonthDay[];
}

const PHASE_WORDS: Record<string, string> = { base: 'Base', build: 'Build', peak: 'Peak', taper: 'Taper', maintain: 'Maintain' };

/** "2026-12" of an ISO date. */
export function monthOf(date: string): string {
  return date.slice(0, 7);
}

/** The month `by` months after `month` ("2026-12", 1 → "2027-01"). */
export function shiftMonth(month: string, by: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const total = y * 12 + (m - 1) + by;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
}

/** "December 2026". */
export function monthTitle(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const names = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  return `${names[m - 1]} ${y}`;
}

/** The plan weeks with at least one day in `month`, as the month view shows them. */
export function planMonth(
  plan: { weeks: (Pick<PlanWeek, 'index' | 'start_date' | 'is_recovery' | 'is_taper' | 'estimated_distance_meters'> & { phase: string })[] },
  workouts: WorkoutLike[],
  completions: Map<string, CompletionLike>,
  month: string,
  today: string,
  raceDate: string | null,
): MonthWeek[] {
  const rows: MonthWeek[] = [];
  for (const week of plan.weeks) {
    const dates = Array.from({ length: 7 }, (_, i) => addDays(week.start_date, i));
    if (!dates.some((d) => monthOf(d) === month)) continue;
    const progress = weekProgress(workouts, completions, week.start_date);
    const isRace = raceDate !== null && dates.includes(raceDate);
    const labels = [PHASE_WORDS[week.phase] ?? week.phase];
    if (week.is_recovery) labels.push('Recovery');
    if (week.is_taper && week.phase !== 'taper') labels.push('Taper');
    if (isRace) labels.push('Race week');
    rows.push({
      index: week.index,
      start: week.start_date,
      dates: weekText(week.start_date, Number(today.slice(0, 4))),
      labels,
      // A week whose workouts are not on this device yet shows the plan's own estimate.
      plannedMeters: progress.plannedMeters || week.estimated_distance_meters,
      doneMeters: progress.doneMeters,
      isCurrent: dates.includes(today),
      isRace,
      days: dates.map((date) => {
        const sessions = workouts.filter((w) => w.scheduled_date === date && w.workout_type !== 'rest');
        const status = (w: WorkoutLike) => completions.get(w.id)?.completion_status;
        return {
          date,
          day: Number(date.slice(8, 10)),
          meters: sessions.reduce((sum, w) => sum + (w.estimated_distance_meters ?? 0), 0),
          done: sessions.length > 0 && sessions.every((w) => status(w) === 'completed' || status(w) === 'partial'),
          isRace: date === raceDate,
          inMonth: monthOf(date) === month,
          isToday: date === today,
        };
      }),
    });
  }
  return rows;
}
