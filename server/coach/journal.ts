import { eq } from 'drizzle-orm';
import { ACTIVITY_SOURCES } from '#shared/schema/activity.ts';
import { addDays } from '#shared/training/dates.ts';
import { readinessWeek } from '#shared/training/readiness.ts';
import { userMemorySummaries } from '../db/schema.ts';
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

/** The weekly journal of the week starting on `week` (a Monday). */
export async function buildJournal(deps: AppDeps, claude: Claude | null, userId: string, week: string) {
  const now = deps.now();
  const profile = await getProfile(deps.db, userId);
  const today = localDate(now, profile.time_zone);
  const runs = await runsBetween(deps.db, userId, addDays(week, -49), addDays(week, 6), ACTIVITY_SOURCES);
  const stats = weekStats(week, runs);
  const earlier = Array.from({ length: 7 }, (_, i) => weekStats(addDays(week, -7 * (i + 1)), runs));
  const plan = await plannedVsDone(deps.db, userId, week);
  const narrative = await narrativeFor(deps, claude, userId, week, today, now);
  // Earlier check-ins too: a day's resting HR is compared with the runner's usual.
  const checkins = await listCheckins(deps.db, userId, addDays(week, -21), addDays(week, 6));
  return {
    week,
    week_end: addDays(week, 6),
    units: profile.units,
    stats,
    previous_week: earlier[0]!,
    trends: trends(stats, earlier[0]!),
    planned_vs_done: plan,
    insights: weekInsights(stats, earlier, plan, profile.units),
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
