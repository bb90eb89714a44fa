import Dexie, { type EntityTable, type Table } from 'dexie';
import type { Cursor, Mutation, MutationError, MutationResult, SyncedEntity } from '#shared/sync/protocol.ts';
import { SYNCED_ENTITIES } from '#shared/sync/protocol.ts';
import { upgradeProfileNames } from './profile-upgrade.ts';
import { ADDED_AFTER_3, upgradeToSeedNames } from './upgrade.ts';

// One IndexedDB database per signed-in runner (docs/SYNC.md §Device). For every synced entity it
// keeps two tables: `server_<entity>` holds exactly what the server last said (the digest is
// computed over it), and `<entity>` is what screens read: the server state with the pending
// outbox re-applied on top (the rebase), so the UI reads one table and never flickers.

/** The column a row is keyed by on the wire: `user_id` for the profile, `id` for the rest. */
export const ENTITY_KEYS: Record<SyncedEntity, 'id' | 'user_id'> = {
  user_profiles: 'user_id',
  goals: 'id',
  training_plans: 'id',
  workouts: 'id',
  workout_edits: 'id',
  workout_completions: 'id',
  strava_activities: 'id',
  chat_messages: 'id',
  user_memory_summaries: 'id',
  notification_preferences: 'user_id',
  readiness_checkins: 'id',
};

// Secondary indexes of the view tables: what screens filter or sort by.
const VIEW_INDEXES: Record<SyncedEntity, string> = {
  user_profiles: '',
  goals: 'created_at',
  training_plans: 'goal_id, status',
  workouts: 'scheduled_date, training_plan_id',
  workout_edits: 'workout_id',
  workout_completions: 'workout_id, strava_activity_id',
  strava_activities: 'local_date',
  chat_messages: 'created_at, conversation_id',
  user_memory_summaries: 'summary_type',
  notification_preferences: '',
  readiness_checkins: 'date',
};

/** The device's sync state: one row, so a transaction reads and writes it whole. */
export interface DeviceMeta {
  key: 'device';
  clientId: string;
  nextMutationId: number;
  cursor: Cursor | null;
  /** The last HLC this device issued or received. */
  hlc: string | null;
  /** Server time minus local time, in ms, from the last response. */
  serverOffset: number;
  /** The shape (SCHEMA_VERSION) of the rows held; a different one means re-download. */
  schemaVersion: number | null;
  lastSyncedAt: number | null;
}

/** A mutation waiting for the server (kept until a pull confirms it: docs/SYNC.md §G4). */
export interface OutboxEntry extends Mutation {
  createdAt: number;
  /** The server's answer, once a push response brought it. */
  result?: MutationResult;
  /** A pull reported lastMutationId ≥ id but the push answer was lost: re-push to learn it. */
  confirmed?: boolean;
}

/** A mutation the server has answered and a pull has confirmed; kept 30 days. */
export interface AckedEntry extends Mutation {
  createdAt: number;
  result: MutationResult;
  ackedAt: number;
}

/** A change the server refused, kept with its payload until the runner dismisses it (G1). */
export interface RejectedEntry extends Mutation {
  /** `clientId:id`: ids restart when a device becomes a new client (see rekeyClient). */
  key: string;
  clientId: string;
  createdAt: number;
  error: MutationError;
  at: number;
  dismissedAt: number | null;
}

/** The last server state of one row. */
export interface ServerRecord {
  key: string;
  row: Record<string, unknown>;
  /** Per-field clocks (docs/SYNC.md §Conflicts). */
  hlc: Record<string, string>;
}

/** A row as screens read it: the wire row, its field clocks, and whether a local change is pending. */
export type ViewRow = Record<string, unknown> & { _hlc: Record<string, string>; _pending?: true };

export interface UserDbOptions {
  /** The database name; tests give each simulated device its own. */
  name?: string;
  indexedDB?: IDBFactory;
  IDBKeyRange?: typeof IDBKeyRange;
  /** The device's wall clock (tests pass a fake one). */
  now?: () => number;
}

/** The database of one runner on this device. */
export class UserDb extends Dexie {
  meta!: EntityTable<DeviceMeta, 'key'>;
  outbox!: EntityTable<OutboxEntry, 'id'>;
  acked!: EntityTable<AckedEntry, 'id'>;
  rejected!: EntityTable<RejectedEntry, 'key'>;
  readonly now: () => number;
  private readonly writeListeners = new Set<() => void>();

  constructor(
    readonly userId: string,
    options: UserDbOptions = {},
  ) {
    super(options.name ?? userDbName(userId), {
      ...(options.indexedDB ? { indexedDB: options.indexedDB } : {}),
      ...(options.IDBKeyRange ? { IDBKeyRange: options.IDBKeyRange } : {}),
    });
    this.now = options.now ?? (() => Date.now());
    // 2: notification_preferences. Dexie adds new tables on open; no upgrade function needed.
    // 3: the seed's column names (issue 16): every row and queued change renamed in place.
    // 4: readiness_checkins (issue 23); a new table only, so no upgrade function.
    // 5: the profile's heart-rate fields renamed (issue 17, server migration 0014).
    const before4 = SYNCED_ENTITIES.filter((entity) => !ADDED_AFTER_3.includes(entity));
    this.version(2).stores(userDbStores(VIEW_INDEXES_V2, before4));
    this.version(3)
      .stores(userDbStores(VIEW_INDEXES, before4))
      .upgrade((tx) => upgradeToSeedNames(tx));
    this.version(4).stores(userDbStores(VIEW_INDEXES, SYNCED_ENTITIES));
    this.version(5)
      .stores(userDbStores(VIEW_INDEXES, SYNCED_ENTITIES))
      .upgrade((tx) => upgradeProfileNames(tx));
  }

  /** The table screens read for `entity`. */
  view(entity: SyncedEntity): Table<ViewRow, string> {
    return this.table(entity);
  }

  /** The table with the server's last state of `entity`. */
  server(entity: SyncedEntity): Table<ServerRecord, string> {
    return this.table(serverTableName(entity));
  }

  /** Calls `listener` after every local write (the scheduler debounces a sync on it). */
  onWrite(listener: () => void): () => void {
    this.writeListeners.add(listener);
    return () => this.writeListeners.delete(listener);
  }

  /** Tells the listeners a local write committed. */
  notifyWrite(): void {
    for (const listener of this.writeListeners) listener();
  }
}

// The view indexes of Dexie version 2, under the names the rows had then.
const VIEW_INDEXES_V2: Record<SyncedEntity, string> = {
  ...VIEW_INDEXES,
  workouts: 'scheduled_date, plan_id',
  workout_completions: 'workout_id, activity_id',
  chat_messages: 'created_at',
  user_memory_summaries: 'kind',
};

/** Dexie's store declarations for the given view indexes. */
function userDbStores(viewIndexes: Record<SyncedEntity, string>, entities: readonly SyncedEntity[]): Record<string, string> {
  const stores: Record<string, string> = { meta: 'key', outbox: 'id', acked: 'id, ackedAt', rejected: 'key, at' };
  for (const entity of entities) {
    stores[entity] = [ENTITY_KEYS[entity], viewIndexes[entity]].filter(Boolean).join(', ');
    stores[serverTableName(entity)] = 'key';
  }
  return stores;
}

/** The IndexedDB name of a runner's database. */
export function userDbName(userId: string): string {
  return `runcoach-${userId}`;
}

function serverTableName(entity: SyncedEntity): string {
  return `server_${entity}`;
}

/** Every entity table, view and server, for transactions that touch them all. */
export function allEntityTables(db: UserDb): Table[] {
  return SYNCED_ENTITIES.flatMap((entity) => [db.view(entity), db.server(entity)]);
}
