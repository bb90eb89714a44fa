import { liveQuery, type Observable } from 'dexie';
import type { ActivityRow } from './activities.ts';
import type { UserDb, ViewRow } from './db.ts';
import type { Shown } from './readers.ts';
import type { CompletionRow, WorkoutRow } from './workouts.ts';

// Readers for Activities and Coach: the runner's runs with their match to the plan, and the
// synced chat history.

function shown<T>(row: ViewRow): Shown<T> {
  const { _hlc: _clocks, _pending, ...fields } = row;
  return { ...(fields as T), pending: _pending === true };
}

/** The planned workout an activity counted for. */
export interface ActivityMatch {
  workout_id: string;
  title: string;
  /** The type and steps the title is worded from, in the runner's unit (issue 18 §7). */
  workout_type: string;
  structure: WorkoutRow['structure'];
  scheduled_date: string;
  completion_status: CompletionRow['completion_status'];
}

/** An activity as the Activities screen lists it. */
export type ListedActivity = Shown<ActivityRow> & { match: ActivityMatch | null };

/** Every activity, newest first, each with the workout it matched (if any). */
export function activities$(db: UserDb): Observable<ListedActivity[]> {
  return liveQuery(async () => {
    const [rows, completions] = await Promise.all([db.view('strava_activities').orderBy('local_date').reverse().toArray(), db.view('workout_completions').toArray()]);
    const byActivity = new Map<string, CompletionRow>();
    for (const row of completions) if (typeof row.strava_activity_id === 'string') byActivity.set(row.strava_activity_id, row as unknown as CompletionRow);
    const workouts = new Map<string, WorkoutRow>();
    const wanted = [...new Set([...byActivity.values()].map((c) => c.workout_id))];
    for (const row of await db.view('workouts').bulkGet(wanted)) if (row) workouts.set(String(row.id), row as unknown as WorkoutRow);
    return rows
      .map((row) => {
        const activity = shown<ActivityRow>(row);
        const completion = byActivity.get(activity.id);
        const workout = completion ? workouts.get(completion.workout_id) : undefined;
        const match = completion && workout ? { workout_id: workout.id, title: workout.title, workout_type: workout.workout_type, structure: workout.structure, scheduled_date: workout.scheduled_date, completion_status: completion.completion_status } : null;
        return { ...activity, match };
      })
      .sort((a, b) => b.start_date.localeCompare(a.start_date));
  });
}

/** One chat message as devices hold it (the wire row of `chat_messages`). */
export interface ChatMessageRow {
  id: string;
  user_id: string;
  /**
   * The thread it belongs to. Null only on this phone, for a message queued without one (by a
   * build before conversations): the server puts it in the runner's latest conversation.
   */
  conversation_id: string | null;
  role: 'user' | 'assistant' | 'system' | 'tool';
  content: string;
  /** What the coach saw when it answered (the server's record; Strava-free by default). */
  context_snapshot: unknown;
  metadata: Record<string, unknown> | null;
  created_at: string;
}

/** The chat history of every conversation, oldest first (client/lib/coach/conversations.ts splits it). */
export function chatMessages$(db: UserDb): Observable<Shown<ChatMessageRow>[]> {
  return liveQuery(async () => (await db.view('chat_messages').orderBy('created_at').toArray()).map((row) => shown<ChatMessageRow>(row)));
}
