import { eq, getTableColumns } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { SyncedEntity } from '#shared/sync/protocol.ts';
import type { Executor } from '../db/database.ts';
import * as schema from '../db/schema.ts';

// How each synced table is read for a device: its drizzle table, its key column, and the
// columns a device never receives (raw Strava payloads stay on the server: docs/STRAVA.md §Policy).

interface EntitySpec {
  table: PgTable;
  key: 'id' | 'user_id';
  hidden: readonly string[];
}

export const ENTITIES: Record<SyncedEntity, EntitySpec> = {
  user_profiles: { table: schema.userProfiles, key: 'user_id', hidden: ['field_hlc'] },
  goals: { table: schema.goals, key: 'id', hidden: ['field_hlc'] },
  training_plans: { table: schema.trainingPlans, key: 'id', hidden: [] },
  workouts: { table: schema.workouts, key: 'id', hidden: ['field_hlc'] },
  workout_edits: { table: schema.workoutEdits, key: 'id', hidden: [] },
  workout_completions: { table: schema.workoutCompletions, key: 'id', hidden: [] },
  strava_activities: { table: schema.stravaActivities, key: 'id', hidden: ['raw_data'] },
  chat_messages: { table: schema.chatMessages, key: 'id', hidden: [] },
  user_memory_summaries: { table: schema.userMemorySummaries, key: 'id', hidden: ['field_hlc'] },
  notification_preferences: { table: schema.notificationPreferences, key: 'user_id', hidden: ['field_hlc'] },
  readiness_checkins: { table: schema.readinessCheckins, key: 'id', hidden: ['field_hlc'] },
};

/** A column of a synced table by name (every one has `user_id` and its key). */
export function column(table: PgTable, name: string): PgColumn {
  const found = getTableColumns(table)[name];
  if (!found) throw new Error(`${name} is not a column`);
  return found;
}

/** Every row of the user's, per entity, with all its columns (for the data export). */
export async function allRows(db: Executor, userId: string, entity: SyncedEntity): Promise<Record<string, unknown>[]> {
  const { table } = ENTITIES[entity];
  return (await db
    .select()
    .from(table)
    .where(eq(column(table, 'user_id'), userId))) as Record<string, unknown>[];
}
