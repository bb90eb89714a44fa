import type { Transaction } from 'dexie';
import { SYNCED_ENTITIES, type Mutation, type SyncedEntity } from '#shared/sync/protocol.ts';
import { planTitle } from '#shared/schema/plan.ts';
import { addDays } from '#shared/training/dates.ts';

// Dexie version 3 (schema version 3, issue 16): the seed's column names. A device updated from
// an older build keeps everything it held, renamed in place as server migration 0011 renames it
// (server/db/migrations/0011_seed_names.sql), and its unsent changes are rewritten from the
// mutation versions that spoke the old names (workout.update, plan.generate, activity.upload @1)
// to the ones that speak the new (@2), so they are pushed, not lost and not refused.
//
// meta.schemaVersion is left as it was (below 3): the next sync pushes the rewritten outbox
// first, then downloads the rows again, because some of the server's new values cannot be
// derived on the phone (user_profiles.id, the conversation ids the server gave old chats).
// Until then the runner sees everything, offline too, under the new names.

type Row = Record<string, unknown>;

/** Old name → new name, per table; for the row's fields and its field clocks alike. */
const RENAMED: Partial<Record<SyncedEntity, Readonly<Record<string, string>>>> = {
  workouts: {
    plan_id: 'training_plan_id',
    type: 'workout_type',
    planned_distance_meters: 'estimated_distance_meters',
    planned_duration_seconds: 'estimated_duration_minutes',
  },
  workout_edits: { reason: 'edit_reason' },
  workout_completions: { activity_id: 'strava_activity_id', status: 'completion_status' },
  strava_activities: { sport_type: 'activity_type', raw: 'raw_data' },
  user_memory_summaries: { kind: 'summary_type', week_start: 'source_date_range_start' },
};

/** `value` with keys renamed per `names`, in place of the old keys (an existing new key wins). */
function renameKeys<T>(value: Record<string, T>, names: Readonly<Record<string, string>> | undefined): Record<string, T> {
  if (!names) return { ...value };
  const out: Record<string, T> = {};
  for (const [key, v] of Object.entries(value)) {
    const renamed = names[key];
    if (renamed === undefined) out[key] = v;
    else if (!(renamed in value)) out[renamed] = v;
  }
  return out;
}

/** Seconds as whole minutes, as the migration rounds them (null stays null). */
function minutes(seconds: unknown): unknown {
  return typeof seconds === 'number' ? Math.round(seconds / 60) : seconds;
}

/** A plan week or planned workout: planned_* → estimated_*, seconds → minutes. */
function estimated(item: Row): Row {
  const out = renameKeys(item, { planned_distance_meters: 'estimated_distance_meters', planned_duration_seconds: 'estimated_duration_minutes' });
  if ('planned_duration_seconds' in item && !('estimated_duration_minutes' in item)) out.estimated_duration_minutes = minutes(item.planned_duration_seconds);
  return out;
}

function isRow(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What the upgrade of one row may need beyond the row itself. */
export interface UpgradeContext {
  /** The one conversation this device's chat history becomes. */
  conversationId: string;
  /** A goal's title, for the title of its plan. */
  goalTitle(goalId: unknown): string | undefined;
}

/** One row of `entity` under the seed's names, with the seed's new columns filled as the migration fills them. */
export function upgradeRow(entity: SyncedEntity, old: Row, ctx: UpgradeContext): Row {
  const row = renameKeys(old, RENAMED[entity]);
  switch (entity) {
    case 'workouts':
      if ('planned_duration_seconds' in old && !('estimated_duration_minutes' in old)) row.estimated_duration_minutes = minutes(old.planned_duration_seconds);
      if (row.status === 'planned') row.status = 'scheduled';
      row.description ??= null;
      break;
    case 'workout_edits': {
      const structure = row.field === 'structure';
      row.previous_structure ??= structure ? (row.previous_value ?? null) : null;
      row.new_structure ??= structure ? (row.new_value ?? null) : null;
      break;
    }
    case 'strava_activities': {
      row.strava_activity_id ??= row.source === 'strava' ? (row.external_id ?? null) : null;
      const distance = Number(row.distance_meters);
      row.average_pace_seconds_per_meter ??= distance > 0 && typeof row.moving_time_seconds === 'number' ? row.moving_time_seconds / distance : null;
      break;
    }
    case 'chat_messages':
      row.conversation_id ??= ctx.conversationId;
      row.context_snapshot ??= null;
      break;
    case 'user_memory_summaries': {
      const start = row.source_date_range_start;
      row.source_date_range_end ??= row.summary_type === 'training_week' && typeof start === 'string' ? addDays(start, 6) : null;
      break;
    }
    case 'training_plans':
      row.title ??= planTitle(ctx.goalTitle(row.goal_id), String(row.methodology));
      if (Array.isArray(row.weeks)) row.weeks = row.weeks.map((week: unknown) => (isRow(week) ? estimated(week) : week));
      break;
    case 'goals':
      row.description ??= null;
      break;
    default:
      break;
  }
  return row;
}

/** A row's field clocks under the new field names. */
export function upgradeClocks(entity: SyncedEntity, clocks: Record<string, string> | undefined): Record<string, string> {
  return renameKeys(clocks ?? {}, RENAMED[entity]);
}

/** A queued mutation under the version that speaks the new names; any other is returned as it was. */
export function upgradeMutation<M extends Pick<Mutation, 'name' | 'v' | 'args'>>(entry: M): M {
  if (entry.v !== 1 || !isRow(entry.args)) return entry;
  const args = entry.args;
  switch (entry.name) {
    case 'workout.update':
      return { ...entry, v: 2, args: { ...args, ...(isRow(args.set) ? { set: renameKeys(args.set, { type: 'workout_type' }) } : {}) } };
    case 'activity.upload':
      return { ...entry, v: 2, args: { ...args, ...(isRow(args.activity) ? { activity: renameKeys(args.activity, { sport_type: 'activity_type' }) } : {}) } };
    case 'plan.generate': {
      if (!isRow(args.plan)) return { ...entry, v: 2 };
      const plan: Row = { ...args.plan };
      if (Array.isArray(plan.weeks)) plan.weeks = plan.weeks.map((week: unknown) => (isRow(week) ? estimated(week) : week));
      if (Array.isArray(plan.workouts)) plan.workouts = plan.workouts.map((w: unknown) => (isRow(w) ? estimated(renameKeys(w, { type: 'workout_type' })) : w));
      return { ...entry, v: 2, args: { ...args, plan } };
    }
    default:
      return entry;
  }
}

/** The ids of goals with their titles, from the view and the server tables of `goals`. */
async function goalTitles(tx: Transaction): Promise<Map<string, string>> {
  const titles = new Map<string, string>();
  for (const record of (await tx.table('server_goals').toArray()) as { row: Row }[]) {
    if (typeof record.row.title === 'string') titles.set(String(record.row.id), record.row.title);
  }
  for (const row of (await tx.table('goals').toArray()) as Row[]) {
    if (typeof row.title === 'string' && !titles.has(String(row.id))) titles.set(String(row.id), row.title);
  }
  return titles;
}

/** Synced tables newer than Dexie version 3: its upgrade has nothing of theirs to rename. */
export const ADDED_AFTER_3: readonly SyncedEntity[] = ['readiness_checkins'];

/** Dexie's upgrade from version 2 (or 1): every stored row and every kept mutation, rewritten in place. */
export async function upgradeToSeedNames(tx: Transaction): Promise<void> {
  const titles = await goalTitles(tx);
  const ctx: UpgradeContext = { conversationId: crypto.randomUUID(), goalTitle: (id) => titles.get(String(id)) };
  // Tables added after version 3 do not exist yet at this step.
  for (const entity of SYNCED_ENTITIES.filter((e) => !ADDED_AFTER_3.includes(e))) {
    await tx
      .table(`server_${entity}`)
      .toCollection()
      .modify((record: { row: Row; hlc: Record<string, string> }) => {
        record.row = upgradeRow(entity, record.row, ctx);
        record.hlc = upgradeClocks(entity, record.hlc);
      });
    await tx
      .table(entity)
      .toCollection()
      .modify((row: Row, ref: { value: Row }) => {
        const { _hlc, _pending, ...fields } = row;
        ref.value = { ...upgradeRow(entity, fields, ctx), _hlc: upgradeClocks(entity, _hlc as Record<string, string> | undefined), ...(_pending ? { _pending } : {}) };
      });
  }
  // Pending, refused and acknowledged changes alike: acknowledged ones may be pushed again
  // after a server restore, and refused ones are shown with their payload.
  for (const name of ['outbox', 'acked', 'rejected']) {
    await tx
      .table(name)
      .toCollection()
      .modify((entry: Mutation, ref: { value: Mutation }) => {
        ref.value = upgradeMutation(entry);
      });
  }
}
