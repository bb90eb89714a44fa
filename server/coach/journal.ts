import { and, desc, eq } from 'drizzle-orm';
import { ACTIVITY_SOURCES } from '#shared/schema/activity.ts';
import { addDays, daysBetween } from '#shared/training/dates.ts';
import { weekStartOf } from '#shared/training/week-grid.ts';
import { readinessWeek } from '#shared/training/readiness.ts';
import type { Executor } from '../db/database.ts';
import { trainingPlans, userMemorySummaries } from '../db/schema.ts';
import { plannedVsDone, runsBetween, trends, weekStats } from './journal-stats.ts';
import { memoryId } from './memory-store.ts';
import { getProfile } from '../profile/profile.ts';
import { listCheckins } from '../fitness/readiness.ts';
import { localDate } from '../lib/write-stamp.ts';
import type { Claude } from './claude/client.ts';
import type { AppDeps } from '../context.ts';
import { weekInsights } from './insights.ts';
import { writeWeekMemory } from './weekly-memory.ts';

// GET /api/journal: the runner's week. Stats, trends, planned vs done and insights are computed
// from all their activities (Strava included: it is their own data, shown to them). The coach's
// narrative is the week's memory, written from allowed sources only (docs/STRAVA.md §Policy); for a
// finished week without one, it is written now when Claude is configured.

type NarrativeStatus = 'ready' | 'week_in_progress' | 'not_configured' | 'unavailable' | 'nothing_to_say';

/** Where the runner's weeks begin: the first week of their active plan, or null (Monday weeks). */
export async function weekAnchor(db: Executor, userId: string): Promise<string | null> {
  const [plan] = await db
    .select({ start_date: trainingPlans.start_date, weeks: trainingPlans.weeks })
    .from(trainingPlans)
    .where(and(eq(trainingPlans.user_id, userId), eq(trainingPlans.status, 'active')))
    .orderBy(desc(trainingPlans.created_at))
    .limit(1);
  if (!plan) return null;
  const first = (plan.weeks as { start_date?: string }[])[0]?.start_date;
  return first ?? plan.start_date;
}

/**
 * The weekly journal of the week holding `date`: the plan's own week (the grid every screen
 * groups by, issue 18), or Monday to Sunday without a plan. A week in progress is compared with
 * the same days of the week before, and with nothing before its first run.
 */
export async function buildJournal(deps: AppDeps, claude: Claude | null, userId: string, date: string) {
  const now = deps.now();
  const profile = await getProfile(deps.db, userId);
  const today = localDate(now, profile.time_zone);
  const week = weekStartOf(date, await weekAnchor(deps.db, userId));
  const runs = await runsBetween(deps.db, userId, addDays(week, -49), addDays(week, 6), ACTIVITY_SOURCES);
  const stats = weekStats(week, runs);
  const earlier = Array.from({ length: 7 }, (_, i) => weekStats(addDays(week, -7 * (i + 1)), runs));
  const inProgress = today >= week && today <= addDays(week, 6);
  const comparedDays = inProgress ? daysBetween(week, today) + 1 : 7;
  const compared = inProgress ? (stats.runs > 0 ? weekStats(addDays(week, -7), runs, comparedDays) : null) : earlier[0]!;
  const plan = await plannedVsDone(deps.db, userId, week, profile.units);
  const narrative = await narrativeFor(deps, claude, userId, week, today, now);
  // Earlier check-ins too: a day's resting HR is compared with the runner's usual.
  const checkins = await listCheckins(deps.db, userId, addDays(week, -21), addDays(week, 6));
  return {
    week,
    week_end: addDays(week, 6),
    units: profile.units,
    stats,
    previous_week: earlier[0]!,
    /** The days of the week before the trends compare with: 7, fewer for a week in progress, 0 when nothing is compared. */
    compared_days: compared === null ? 0 : comparedDays,
    trends: trends(stats, compared),
    planned_vs_done: plan,
    insights: weekInsights(stats, earlier, plan, profile.units, { inProgress }),
    readiness: readinessWeek(checkins, week, addDays(week, 6)),
    narrative: narrative.text === null ? null : { text: narrative.text, source: narrative.source, memory_id: narrative.memoryId },
    narrative_status: narrative.status,
  };
}

async function narrativeFor(deps: AppDeps, claude: Claude | null, userId: string, week: string, today: string, now: Date) {
  const read = async () => {
    const [row] = await deps.db
      .select()
      .from(userMemorySummaries)
      .where(eq(userMemorySummaries.id, memoryId(userId, 'training_week', week)));
    if (!row || row.deleted) return null;
    const data = row.data as { source?: string; strava_included?: boolean };
    if (data.strava_included && !deps.config.strava.dataInAi) return null;
    return { text: row.content, source: data.source ?? 'computed', memoryId: row.id };
  };
  const none = (status: NarrativeStatus) => ({ text: null, source: null, memoryId: null, status });
  const stored = await read();
  if (stored) return { ...stored, status: 'ready' as NarrativeStatus };
  if (addDays(week, 6) >= today) return none('week_in_progress');
  if (!claude) return none('not_configured');
  const result = await writeWeekMemory(deps, claude, userId, week, now, 'journal');
  if (result.narrative === 'empty') return none('nothing_to_say');
  const fresh = await read();
  return fresh ? { ...fresh, status: 'ready' as NarrativeStatus } : none('unavailable');
}
