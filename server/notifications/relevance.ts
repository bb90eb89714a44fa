import { and, eq, inArray, sql } from 'drizzle-orm';
import type { NotificationKind } from '#shared/schema/notifications.ts';
import type { Executor } from '../db/database.ts';
import { chatMessages, goals, stravaConnections, stravaTokens, workouts } from '../db/schema.ts';
import { addDays } from '#shared/training/dates.ts';
import type { GoalPayload, JournalPayload, Payload, ProposalPayload, ReminderPayload, StravaPayload } from './kinds.ts';

// Whether a notification still says something true when its time comes: a reminder may have
// been deferred past quiet hours while the workout moved, a proposal answered in the chat, a
// goal re-judged realistic, Strava reconnected. Returns why it is no longer worth sending.

/** Why the notification no longer applies at `today` (the runner's date), or null when it should still be sent. */
export async function staleReason(db: Executor, userId: string, kind: NotificationKind, payload: Payload, today: string): Promise<string | null> {
  switch (kind) {
    case 'workout_reminder': {
      const p = payload as ReminderPayload;
      // Retries or a server that was down can outlast the day it was about.
      if (today > p.date) return 'The day of the workout has passed.';
      if (p.rest || p.workouts.length === 0) return null;
      const still = await db
        .select({ id: workouts.id })
        .from(workouts)
        .where(
          and(
            eq(workouts.user_id, userId),
            inArray(
              workouts.id,
              p.workouts.map((w) => w.id),
            ),
            eq(workouts.scheduled_date, p.date),
            eq(workouts.deleted, false),
            eq(workouts.status, 'scheduled'),
          ),
        );
      return still.length > 0 ? null : 'The workout was moved, done or removed before the reminder was due.';
    }
    case 'goal_unrealistic': {
      const p = payload as GoalPayload;
      const [goal] = await db
        .select({ status: goals.status, deleted: goals.deleted })
        .from(goals)
        .where(and(eq(goals.id, p.goal_id), eq(goals.user_id, userId)));
      return goal && !goal.deleted && goal.status === 'flagged_unrealistic' ? null : 'The goal is no longer flagged as out of reach.';
    }
    case 'coach_proposal': {
      const p = payload as ProposalPayload;
      const [message] = await db
        .select({ metadata: chatMessages.metadata })
        .from(chatMessages)
        .where(and(eq(chatMessages.user_id, userId), sql`${chatMessages.metadata} @> ${JSON.stringify({ proposals: [{ id: p.proposal_id }] })}::jsonb`));
      const proposals = ((message?.metadata as { proposals?: { id: string; status: string }[] } | undefined)?.proposals ?? []).filter(
        (x) => x.id === p.proposal_id,
      );
      if (proposals.length === 0) return 'The coach’s reply with this proposal was never stored.';
      return proposals[0]!.status === 'pending' ? null : 'The proposal was already answered.';
    }
    case 'strava_disconnected': {
      const p = payload as StravaPayload;
      const [tokens] = await db.select({ id: stravaTokens.user_id }).from(stravaTokens).where(eq(stravaTokens.user_id, userId));
      if (p.reason === 'deauthorized') return tokens ? 'Strava was connected again.' : null;
      if (!tokens) return 'Strava was disconnected in RunCoach since.';
      const [state] = await db.select({ needs: stravaConnections.needs_reconnect }).from(stravaConnections).where(eq(stravaConnections.user_id, userId));
      return state?.needs ? null : 'Strava was connected again.';
    }
    case 'weekly_journal':
      // A week's summary is news for a few days; after that the journal screen has it.
      return today > addDays((payload as JournalPayload).week_end, 4) ? 'The week is long over.' : null;
  }
}
