import type { SyncedEntity } from '#shared/sync/protocol.ts';

// For the upgrade tests (client, sync and browser): a runner's database as the builds before
// issue 16 left it: Dexie version 2, rows under the old column names, changes queued under the
// old mutation versions. Written with plain IndexedDB, as Dexie 2 laid it out, so the test
// starts from bytes the old app could have written and not from anything this build declares.

/** The stores of Dexie version 2, in Dexie's syntax (primary key first, then the indexes). */
export const VERSION_2_STORES: Readonly<Record<string, string>> = {
  meta: 'key',
  outbox: 'id',
  acked: 'id, ackedAt',
  rejected: 'key, at',
  user_profiles: 'user_id',
  server_user_profiles: 'key',
  goals: 'id, created_at',
  server_goals: 'key',
  training_plans: 'id, goal_id, status',
  server_training_plans: 'key',
  workouts: 'id, scheduled_date, plan_id',
  server_workouts: 'key',
  workout_edits: 'id, workout_id',
  server_workout_edits: 'key',
  workout_completions: 'id, workout_id, activity_id',
  server_workout_completions: 'key',
  strava_activities: 'id, local_date',
  server_strava_activities: 'key',
  chat_messages: 'id, created_at',
  server_chat_messages: 'key',
  user_memory_summaries: 'id, kind',
  server_user_memory_summaries: 'key',
  notification_preferences: 'user_id',
  server_notification_preferences: 'key',
};

/** A database to write: its name, stores (Dexie syntax) and the records of each store. */
export interface RawDatabase {
  name: string;
  stores: Readonly<Record<string, string>>;
  contents: Record<string, unknown[]>;
}

/**
 * Creates `input` as Dexie version 2 creates it (IndexedDB version 20: Dexie's version × 10;
 * each index named by its key path). Self-contained, so a browser test can run it in a page
 * with page.evaluate; Node tests pass a fake-indexeddb factory.
 */
export function writeVersion2Database(input: RawDatabase, factory?: IDBFactory): Promise<void> {
  const idb = factory ?? indexedDB;
  return new Promise((resolve, reject) => {
    const request = idb.open(input.name, 20);
    request.onupgradeneeded = () => {
      for (const [name, spec] of Object.entries(input.stores)) {
        const [key, ...indexes] = spec.split(',').map((part) => part.trim());
        const store = request.result.createObjectStore(name, { keyPath: key });
        for (const index of indexes) store.createIndex(index, index);
      }
    };
    request.onerror = () => reject(request.error ?? new Error('open failed'));
    request.onsuccess = () => {
      const db = request.result;
      const tx = db.transaction(Object.keys(input.stores), 'readwrite');
      for (const [name, records] of Object.entries(input.contents)) for (const record of records) tx.objectStore(name).put(record);
      tx.oncomplete = () => {
        db.close();
        resolve();
      };
      tx.onerror = () => reject(tx.error ?? new Error('write failed'));
    };
  });
}

/** Every record of every store of database `name` (self-contained, for page.evaluate too). */
export function readRawDatabase(name: string, factory?: IDBFactory): Promise<Record<string, unknown[]>> {
  const idb = factory ?? indexedDB;
  return new Promise((resolve, reject) => {
    const request = idb.open(name);
    request.onerror = () => reject(request.error ?? new Error('open failed'));
    request.onsuccess = () => {
      const db = request.result;
      const names = [...db.objectStoreNames];
      const tx = db.transaction(names, 'readonly');
      const out: Record<string, unknown[]> = {};
      for (const store of names) {
        const all = tx.objectStore(store).getAll();
        all.onsuccess = () => (out[store] = all.result as unknown[]);
      }
      tx.oncomplete = () => {
        db.close();
        resolve(out);
      };
      tx.onerror = () => reject(tx.error ?? new Error('read failed'));
    };
  });
}

/** Deletes database `name` (self-contained, for page.evaluate too). */
export function deleteRawDatabase(name: string, factory?: IDBFactory): Promise<void> {
  const idb = factory ?? indexedDB;
  return new Promise((resolve, reject) => {
    const request = idb.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error ?? new Error('delete failed'));
    // Blocked only until the pages that still hold it let go (Dexie closes on versionchange).
  });
}

type Row = Record<string, unknown>;

/** New name → old name: the inverse of upgrade.ts, for turning today's rows into an old build's. */
const OLD_NAMES: Partial<Record<SyncedEntity, Record<string, string>>> = {
  workouts: { training_plan_id: 'plan_id', workout_type: 'type', estimated_distance_meters: 'planned_distance_meters', estimated_duration_minutes: 'planned_duration_seconds' },
  workout_edits: { edit_reason: 'reason' },
  workout_completions: { strava_activity_id: 'activity_id', completion_status: 'status' },
  strava_activities: { activity_type: 'sport_type' },
  user_memory_summaries: { summary_type: 'kind', source_date_range_start: 'week_start' },
};

/** Columns the old builds did not have. */
const NEW_COLUMNS: Partial<Record<SyncedEntity, string[]>> = {
  user_profiles: ['id'],
  goals: ['description'],
  training_plans: ['title'],
  workouts: ['description'],
  workout_edits: ['previous_structure', 'new_structure'],
  strava_activities: ['strava_activity_id', 'average_pace_seconds_per_meter'],
  chat_messages: ['conversation_id', 'context_snapshot'],
  user_memory_summaries: ['source_date_range_end'],
};

function renamed<T>(value: Record<string, T>, names: Record<string, string> | undefined): Record<string, T> {
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [names?.[key] ?? key, v]));
}

function plannedWeek(week: Row): Row {
  const { estimated_distance_meters, estimated_duration_minutes, ...rest } = week;
  return { ...rest, planned_distance_meters: estimated_distance_meters, planned_duration_seconds: typeof estimated_duration_minutes === 'number' ? estimated_duration_minutes * 60 : estimated_duration_minutes };
}

/** A row of today's shape as an old build stored it (durations in seconds, status 'planned'). */
export function toVersion2Row(entity: SyncedEntity, row: Row): Row {
  const old: Row = {};
  for (const [key, value] of Object.entries(row)) if (!NEW_COLUMNS[entity]?.includes(key)) old[OLD_NAMES[entity]?.[key] ?? key] = value;
  if (entity === 'workouts') {
    if (typeof old.planned_duration_seconds === 'number') old.planned_duration_seconds *= 60;
    if (old.status === 'scheduled') old.status = 'planned';
  }
  if (entity === 'training_plans' && Array.isArray(old.weeks)) old.weeks = (old.weeks as Row[]).map(plannedWeek);
  return old;
}

/** A row's field clocks under the old field names. */
export function toVersion2Clocks(entity: SyncedEntity, clocks: Record<string, string>): Record<string, string> {
  return renamed(clocks, OLD_NAMES[entity]);
}
