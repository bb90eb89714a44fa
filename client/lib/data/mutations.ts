import type { z } from 'zod';
import { parseHlc, nodeIdFor } from '#shared/sync/hlc.ts';
import { MAX_PUSH_BYTES, type SyncedEntity } from '#shared/sync/protocol.ts';
import { toIssues, type Issue } from '#shared/schema/issues.ts';
import { CodedError } from '../errors.ts';
import { localTick } from './clock.ts';
import type { Table } from 'dexie';
import type { OutboxEntry, UserDb, ViewRow } from './db.ts';
import { parseRefKey, refKey, RowOverlay, type MutationDef, type RowRef } from './define.ts';
import { activityUpload } from './activities.ts';
import { chatSend } from './chat.ts';
import { goalCreate, goalDelete, goalUpdate } from './goals.ts';
import { profileUpdate } from './profile.ts';
import { readinessCheckin } from './readiness.ts';
import { workoutComplete, workoutDelete, workoutMove, workoutSkip, workoutUpdate } from './workouts.ts';
import { readMeta, serverNow } from './meta.ts';

// The named mutations: the only way screens change data (docs/ARCHITECTURE.md §"Named mutations"). Adding one is one
// definition file entry plus one line here. A change queued by an older build under a version
// this build no longer defines is rewritten when the database upgrades (upgrade.ts), so every
// queued change rebases under a version listed here.

/** What screens may call, by name, at its current version. */
export const MUTATIONS = {
  'profile.update': profileUpdate,
  'goal.create': goalCreate,
  'goal.update': goalUpdate,
  'goal.delete': goalDelete,
  'activity.upload': activityUpload,
  'chat.send': chatSend,
  'workout.update': workoutUpdate,
  'workout.move': workoutMove,
  'workout.delete': workoutDelete,
  'workout.complete': workoutComplete,
  'workout.skip': workoutSkip,
  'readiness.checkin': readinessCheckin,
} as const satisfies Record<string, MutationDef>;

export type MutationName = keyof typeof MUTATIONS;
export type MutationInput<N extends MutationName> = z.input<(typeof MUTATIONS)[N]['args']>;

const BY_WIRE_NAME = new Map<string, MutationDef>(Object.values(MUTATIONS).map((def) => [`${def.name}@${def.v}`, def as MutationDef]));

/** The definition of a wire mutation, or undefined for one this build does not know. */
export function definitionOf(name: string, v: number): MutationDef | undefined {
  return BY_WIRE_NAME.get(`${name}@${v}`);
}

/** The rows an outbox entry touches (none for an unknown mutation). */
export function refsOf(entry: Pick<OutboxEntry, 'name' | 'v' | 'args'>, userId: string): RowRef[] {
  return definitionOf(entry.name, entry.v)?.keys(entry.args, userId) ?? [];
}

/** The time an apply sees: the wall time of the mutation's HLC, so a replay sees the same. */
export function applyTime(hlc: string): string {
  return new Date(parseHlc(hlc)?.wallMs ?? 0).toISOString();
}

// A single change must fit in a push with room to spare, or it could never be sent.
const MAX_MUTATION_BYTES = MAX_PUSH_BYTES / 2;

/** A change the device refuses before queueing it (the server would refuse it too): `invalid_change`, with its issues. */
export class MutationInvalidError extends CodedError {
  constructor(
    readonly mutation: string,
    issues: Issue[],
  ) {
    super('invalid_change', { issues, detail: issues.map((issue) => `${issue.path || mutation}: ${issue.message}`).join('; ') });
    this.name = 'MutationInvalidError';
  }
}

/**
 * Makes a change: in ONE transaction takes the next mutation id, ticks the clock, applies the
 * change to the rows screens read, and appends it to the outbox. Returns the mutation id.
 */
export async function mutate<N extends MutationName>(db: UserDb, name: N, input: MutationInput<N>): Promise<number> {
  const def = MUTATIONS[name] as MutationDef;
  const parsed = def.args.safeParse(input);
  if (!parsed.success) throw new MutationInvalidError(name, toIssues(parsed.error));
  const args: unknown = parsed.data;
  if (JSON.stringify(args).length > MAX_MUTATION_BYTES) {
    throw new MutationInvalidError(name, [{ path: '', message: `is larger than ${MAX_MUTATION_BYTES / 1024} KB` }]);
  }
  const refs = def.keys(args, db.userId);
  const views = [...new Set(refs.map((ref) => ref.entity))].map((entity) => db.view(entity));
  const id = await db.transaction('rw', [db.meta, db.outbox, ...views], async () => {
    const meta = await readMeta(db);
    const mutationId = meta.nextMutationId;
    const hlc = localTick(meta.hlc, serverNow(db, meta), nodeIdFor(meta.clientId));
    const overlay = new RowOverlay(await loadRows(refs, (entity) => db.view(entity)));
    def.apply(overlay.context(db.userId, hlc, applyTime(hlc)), args);
    await writeRows(db, overlay.writes());
    await db.outbox.add({ id: mutationId, name: def.name, v: def.v, hlc, args, createdAt: db.now() });
    await db.meta.put({ ...meta, nextMutationId: mutationId + 1, hlc });
    return mutationId;
  });
  db.notifyWrite();
  return id;
}

/** Loads rows by reference from `tableOf(entity)` (view or server), keyed by refKey. */
export async function loadRows<T>(refs: Iterable<RowRef>, tableOf: (entity: SyncedEntity) => Table<T, string>): Promise<Map<string, T | undefined>> {
  const rows = new Map<string, T | undefined>();
  for (const ref of refs) {
    const key = refKey(ref.entity, ref.key);
    if (!rows.has(key)) rows.set(key, await tableOf(ref.entity).get(ref.key));
  }
  return rows;
}

/** Writes view rows (undefined deletes), by refKey. */
export async function writeRows(db: UserDb, rows: Iterable<[string, ViewRow | undefined]>): Promise<void> {
  for (const [ref, row] of rows) {
    const { entity, key } = parseRefKey(ref);
    if (row) await db.view(entity).put(row);
    else await db.view(entity).delete(key);
  }
}
