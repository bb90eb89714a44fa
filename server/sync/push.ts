import { and, eq } from 'drizzle-orm';
import { MIN_SCHEMA_VERSION, type MutationResult, type PushRequest, type PushResponse } from '#shared/sync/protocol.ts';
import { toIssues } from '#shared/schema/issues.ts';
import { formatHlc, parseHlc, tick } from '#shared/sync/hlc.ts';
import type { Database, Transaction } from '../db/database.ts';
import { syncClient, syncMutationResult, userProfiles } from '../db/schema.ts';
import { deviceStamp } from '../domain/stamp.ts';
import { AppError } from '../lib/errors.ts';
import { MUTATIONS } from './mutations.ts';
import { currentEpoch, takeVersion } from './versions.ts';

/**
 * Applies a device's mutations (SYNC.md §Push). One transaction for the request, a savepoint
 * per mutation: a mutation the handler refuses is recorded `rejected` and the rest go on; a
 * transient failure rolls the whole request back (no id consumed), so a retry is safe.
 */
export async function push(db: Database, userId: string, request: PushRequest, now: Date): Promise<PushResponse> {
  if (request.schemaVersion < MIN_SCHEMA_VERSION) throw clientTooOld();
  return db.transaction(async (tx) => {
    const client = await lockClient(tx, userId, request, now);
    const timeZone = await userTimeZone(tx, userId);
    const results: MutationResult[] = [];
    let last = client.last_mutation_id;
    let previousHlc = '';
    let version: number | undefined;
    const stored: (typeof syncMutationResult.$inferInsert)[] = [];
    for (const mutation of request.mutations) {
      if (mutation.id <= last) {
        results.push(await storedResult(tx, request.clientId, mutation.id));
        continue;
      }
      if (mutation.id > last + 1) {
        // Nothing of this request may apply past a gap: answer 409 and let the device resend from `expected`.
        throw new AppError(409, 'out_of_order', `Mutation ${mutation.id} arrived but ${last + 1} was expected.`, undefined, { expected: last + 1 });
      }
      const stamp = deviceStamp(now, timeZone, mutation.hlc);
      // Re-stamping a fast clock maps several of its writes to "now": keep them in their order.
      if (stamp.hlc! <= previousHlc) stamp.hlc = formatHlc(tick(parseHlc(previousHlc), now.getTime(), parseHlc(stamp.hlc!)!.node));
      previousHlc = stamp.hlc!;
      const error = await applyOne(tx, userId, mutation, stamp);
      // One transaction, one version (SYNC.md): take it once, on the first new mutation.
      version ??= await takeVersion(tx, userId);
      const result: MutationResult = error ? { id: mutation.id, status: 'rejected', version, error } : { id: mutation.id, status: 'applied', version };
      stored.push({
        client_id: request.clientId,
        mutation_id: mutation.id,
        status: result.status,
        error: error ? { ...error, name: mutation.name, v: mutation.v, args: mutation.args } : null,
        version,
        created_at: now,
      });
      results.push(result);
      last = mutation.id;
    }
    if (stored.length > 0) await tx.insert(syncMutationResult).values(stored);
    await tx
      .update(syncClient)
      .set({ last_mutation_id: last, last_seen_at: now, schema_version: request.schemaVersion })
      .where(eq(syncClient.client_id, request.clientId));
    return { lastMutationId: last, serverTime: now.getTime(), epoch: await currentEpoch(tx), results };
  });
}

/** Runs one mutation under a savepoint; returns the rejection, or null when applied. */
async function applyOne(tx: Transaction, userId: string, mutation: PushRequest['mutations'][number], stamp: ReturnType<typeof deviceStamp>) {
  const def = MUTATIONS[`${mutation.name}@${mutation.v}`];
  if (!def) return { code: 'unknown_mutation', message: `This server does not know ${mutation.name}@${mutation.v}.` };
  const parsed = def.args.safeParse(mutation.args);
  if (!parsed.success) return { code: 'validation_failed', message: 'The change is not valid.', issues: toIssues(parsed.error) };
  try {
    await tx.transaction((savepoint) => def.run({ tx: savepoint, userId, stamp }, parsed.data));
    return null;
  } catch (error) {
    // A caller mistake (4xx) rejects this mutation only; anything else is transient or a bug: abort the request.
    if (error instanceof AppError && error.status < 500) {
      return { code: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) };
    }
    throw error;
  }
}

async function lockClient(tx: Transaction, userId: string, request: PushRequest, now: Date) {
  await tx
    .insert(syncClient)
    .values({ client_id: request.clientId, user_id: userId, schema_version: request.schemaVersion, last_seen_at: now })
    .onConflictDoNothing();
  const [client] = await tx.select().from(syncClient).where(eq(syncClient.client_id, request.clientId)).for('update');
  if (!client || client.user_id !== userId) {
    throw new AppError(403, 'client_id_taken', 'This device id belongs to another account. Sign in again on this device.');
  }
  return client;
}

async function storedResult(tx: Transaction, clientId: string, mutationId: number): Promise<MutationResult> {
  const [row] = await tx
    .select()
    .from(syncMutationResult)
    .where(and(eq(syncMutationResult.client_id, clientId), eq(syncMutationResult.mutation_id, mutationId)));
  // Results are never deleted while a client could still resend them; a missing one is a bug.
  if (!row) throw new Error(`no stored result for ${clientId}#${mutationId}`);
  if (row.status === 'applied') return { id: mutationId, status: 'applied', version: row.version };
  const { code, message, issues } = row.error as { code: string; message: string; issues?: never };
  return { id: mutationId, status: 'rejected', version: row.version, error: { code, message, ...(issues ? { issues } : {}) } };
}

async function userTimeZone(tx: Transaction, userId: string): Promise<string> {
  const [row] = await tx.select({ tz: userProfiles.time_zone }).from(userProfiles).where(eq(userProfiles.user_id, userId));
  return row?.tz ?? 'UTC';
}

/** 426: the device must update before it may sync. */
export function clientTooOld(): AppError {
  return new AppError(426, 'client_too_old', 'This version of RunCoach is too old to sync. Reload the app to update it.', undefined, {
    minSchemaVersion: MIN_SCHEMA_VERSION,
  });
}
