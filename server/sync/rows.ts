import { and, eq, getTableColumns, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { SyncedEntity } from '#shared/sync/protocol.ts';
import type { Executor } from '../db/database.ts';
import * as schema from '../db/schema.ts';

// How each synced table is read for a device: its drizzle table, its key column, and the
// columns a device never receives (raw Strava payloads stay on the server: STRAVA.md policy).

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
  strava_activities: { table: schema.stravaActivities, key: 'id', hidden: ['raw'] },
  chat_messages: { table: schema.chatMessages, key: 'id', hidden: [] },
  user_memory_summaries: { table: schema.userMemorySummaries, key: 'id', hidden: ['field_hlc'] },
  notification_preferences: { table: schema.notificationPreferences, key: 'user_id', hidden: ['field_hlc'] },
};

/** A row as devices see it: snake_case JSON, dates as ISO strings, hidden columns dropped. */
export function deviceRow(entity: SyncedEntity, row: Record<string, unknown>): Record<string, unknown> {
  const hidden = ENTITIES[entity].hidden;
  const out: Record<string, unknown> = {};
  // for…in rather than Object.entries: a pull page maps a thousand rows, and this is most of its own work.
  for (const key in row) {
    if (hidden.includes(key)) continue;
    const value = row[key];
    out[key] = value instanceof Date ? value.toISOString() : value;
  }
  return out;
}

/**
 * A freshly loaded row made ready for a JSON response, in place: hidden columns become
 * undefined (JSON leaves them out) and dates stay Dates (JSON writes them as ISO strings).
 * Equal on the wire to deviceRow, without copying every row of a thousand-row page.
 */
export function forTheWire(entity: SyncedEntity, row: Record<string, unknown>): Record<string, unknown> {
  for (const key of ENTITIES[entity].hidden) if (key in row) row[key] = undefined;
  return row;
}

function column(table: PgTable, name: string): PgColumn {
  const found = getTableColumns(table)[name];
  if (!found) throw new Error(`${name} is not a column`);
  return found;
}

/** Loads the user's rows of one entity by key, keyed by id. */
export async function loadRows(db: Executor, userId: string, entity: SyncedEntity, ids: string[]): Promise<Map<string, Record<string, unknown>>> {
  const { table, key } = ENTITIES[entity];
  const rows = (await db
    .select()
    .from(table)
    // One array parameter rather than `in (…)` with a parameter per id: a pull page asks for
    // up to a thousand, and building that statement cost more than running it.
    .where(and(eq(column(table, 'user_id'), userId), sql`${column(table, key)} = any(${`{${ids.join(',')}}`}::uuid[])`))) as Record<string, unknown>[];
  return new Map(rows.map((row) => [String(row[key]), row]));
}

/** Every row of the user's, per entity (for the digest). */
export async function allRows(db: Executor, userId: string, entity: SyncedEntity): Promise<Record<string, unknown>[]> {
  const { table } = ENTITIES[entity];
  return (await db.select().from(table).where(eq(column(table, 'user_id'), userId))) as Record<string, unknown>[];
}
