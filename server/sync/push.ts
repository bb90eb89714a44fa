import { and, eq } from 'drizzle-orm';
import { MIN_SCHEMA_VERSION, type MutationResult, type PushRequest, type PushResponse } from '#shared/sync/protocol.ts';
import { toIssues } from '#shared/schema/issues.ts';
import { storableText } from '#shared/schema/text.ts';
import { formatHlc, parseHlc, tick } from '#shared/sync/hlc.ts';
import type { Database, Transaction } from '../db/database.ts';
import { syncClient, syncMutationResult, userProfiles } from '../db/schema.ts';
import { deviceStamp, type WriteStamp } from '../lib/write-stamp.ts';
import { AppError, databaseRefusal } from '../lib/errors.ts';
import { MUTATIONS } from './mutations.ts';
import { boundedRejection, resultExpired } from './rejections.ts';
import { currentEpoch, takeVersion } from './versions.ts';

/**
 * Applies a device's mutations (docs/SYNC.md §Push). One transaction for the request: a transient
 * failure rolls the whole request back (no id consumed), so a retry is safe.
 *
 * A mutation the handler refuses is recorded `rejected` and the rest go on, which needs a
 * savepoint around each handler to undo the refused one's partial writes. Savepoints triple
 * the database work of a small mutation, and refusals are rare, so the request first runs
 * without them; only if a handler refuses is that attempt rolled back and the request run
 * again with a savepoint per mutation.
 */
export async function push(db: Database, userId: string, request: PushRequest, now: Date): Promise<PushResponse> {
  if (request.schemaVersion < MIN_SCHEMA_VERSION) throw clientTooOld();
  try {
    return await applyRequest(db, userId, request, now, 'optimistic');
  } catch (error) {
    if (!(error instanceof RefusedWithoutSavepoint)) throw error;
    return applyRequest(db, userId, request, now, 'savepoints');
  }
}

/** Thrown out of an optimistic attempt so that its transaction rolls back. */
class RefusedWithoutSavepoint extends Error {}

type Isolation = 'optimistic' | 'savepoints';

type Mutation = PushRequest['mutations'][number];
type Rejection = Extract<MutationResult, { status: 'rejected' }>['error'];
type Def = (typeof MUTATIONS)[string];

/** A new mutation, stamped and parsed, ready to run (or already refused by its arguments). */
type Ready = { mutation: Mutation; stamp: WriteStamp; def: Def; args: unknown; error?: undefined };
type Prepared = Ready | { mutation: Mutation; stamp: WriteStamp; def?: undefined; error: Rejection };

async function applyRequest(db: Database, userId: string, request: PushRequest, now: Date, isolation: Isolation): Promise<PushResponse> {
  return db.transaction(async (tx) => {
    const client = await lockClient(tx, userId, request, now);
    const results: MutationResult[] = [];
    // Ids are consecutive (the schema checks), so the ones already applied are a prefix.
    const fresh = request.mutations.filter((mutation) => mutation.id > client.last_mutation_id);
    for (const mutation of request.mutations.slice(0, request.mutations.length - fresh.length)) {
      results.push(await storedResult(tx, request.clientId, mutation.id));
    }
    const expected = client.last_mutation_id + 1;
    if (fresh.length > 0 && fresh[0]!.id !== expected) {
      // Nothing of this request may apply past a gap: answer 409 and let the device resend from `expected`.
      throw new AppError('out_of_order', { message: `Mutation ${fresh[0]!.id} arrived but ${expected} was expected.`, extra: { expected } });
    }
    if (fresh.length > 0) {
      const prepared = prepare(fresh, now, await userTimeZone(tx, userId));
      const errors = await applyAll(tx, userId, prepared, isolation);
      // One transaction, one version (docs/SYNC.md §Push).
      const version = await takeVersion(tx, userId);
      const stored = prepared.map(({ mutation }, i): typeof syncMutationResult.$inferInsert => {
        const error = errors[i];
        results.push(error ? { id: mutation.id, status: 'rejected', version, error } : { id: mutation.id, status: 'applied', version });
        return {
          client_id: request.clientId,
          mutation_id: mutation.id,
          status: error ? 'rejected' : 'applied',
          // Never the arguments: the device keeps its own copy to show, and a refused 444 KB plan
          // (or one deep or unstorable enough to be refused) has no business in this table.
          error: error ? { ...error, name: storableText(mutation.name).slice(0, 64), v: mutation.v } : null,
          version,
          created_at: now,
        };
      });
      await tx.insert(syncMutationResult).values(stored);
    }
    const last = request.mutations.at(-1)!.id;
    const lastMutationId = Math.max(last, client.last_mutation_id);
    await tx
      .update(syncClient)
      .set({ last_mutation_id: lastMutationId, last_seen_at: now, schema_version: request.schemaVersion })
      .where(eq(syncClient.client_id, request.clientId));
    return { lastMutationId, serverTime: now.getTime(), epoch: await currentEpoch(tx), results };
  });
}

/** Stamps each mutation (re-stamping a fast clock, keeping order) and parses its arguments. */
function prepare(mutations: Mutation[], now: Date, timeZone: string): Prepared[] {
  let previousHlc = '';
  return mutations.map((mutation): Prepared => {
    const stamp = deviceStamp(now, timeZone, mutation.hlc);
    // Re-stamping a fast clock maps several of its writes to "now": keep them in their order.
    if (stamp.hlc! <= previousHlc) stamp.hlc = formatHlc(tick(parseHlc(previousHlc), now.getTime(), parseHlc(stamp.hlc!)!.node));
    previousHlc = stamp.hlc!;
    const def = MUTATIONS[`${mutation.name}@${mutation.v}`];
    if (!def)
      return { mutation, stamp, error: boundedRejection({ code: 'unknown_mutation', message: `This server does not know ${mutation.name}@${mutation.v}.` }) };
    const parsed = def.args.safeParse(mutation.args);
    if (!parsed.success)
      return { mutation, stamp, error: boundedRejection({ code: 'validation_failed', message: 'The change is not valid.', issues: toIssues(parsed.error) }) };
    return { mutation, stamp, def, args: parsed.data };
  });
}

/**
 * Runs the prepared mutations in order; returns each one's rejection, or null when applied.
 * Without savepoints, consecutive mutations of a kind that can run as a batch do.
 */
async function applyAll(tx: Transaction, userId: string, prepared: Prepared[], isolation: Isolation): Promise<(Rejection | null)[]> {
  const errors: (Rejection | null)[] = [];
  for (let i = 0; i < prepared.length; ) {
    const first = prepared[i]!;
    if (first.error !== undefined) {
      errors.push(first.error);
      i += 1;
      continue;
    }
    let end = i + 1;
    if (isolation === 'optimistic' && first.def.runMany) {
      while (end < prepared.length && prepared[end]!.def === first.def) end += 1;
    }
    const run = prepared.slice(i, end) as Ready[];
    try {
      if (run.length > 1)
        await first.def.runMany!(
          { tx, userId },
          run.map(({ args, stamp }) => ({ args, stamp })),
        );
      else if (isolation === 'savepoints') await tx.transaction((savepoint) => first.def.run({ tx: savepoint, userId, stamp: first.stamp }, first.args));
      else await first.def.run({ tx, userId, stamp: first.stamp }, first.args);
      errors.push(...run.map(() => null));
    } catch (error) {
      // A caller mistake (4xx, or an id already used / text the database refuses) rejects this
      // mutation only; anything else is transient or a bug: abort the request.
      const refusal = error instanceof AppError ? error : databaseRefusal(error);
      if (!(refusal && refusal.status < 500)) throw error;
      // Its partial writes (if any) are in the transaction: start again with savepoints.
      if (isolation === 'optimistic') throw new RefusedWithoutSavepoint();
      errors.push(boundedRejection({ code: refusal.code, message: refusal.message, ...(refusal.issues ? { issues: refusal.issues } : {}) }));
    }
    i = end;
  }
  return errors;
}

async function lockClient(tx: Transaction, userId: string, request: PushRequest, now: Date) {
  await tx
    .insert(syncClient)
    .values({ client_id: request.clientId, user_id: userId, schema_version: request.schemaVersion, last_seen_at: now })
    .onConflictDoNothing();
  const [client] = await tx.select().from(syncClient).where(eq(syncClient.client_id, request.clientId)).for('update');
  if (!client || client.user_id !== userId) {
    throw new AppError('client_id_taken', { message: 'This device id belongs to another account. Sign in again on this device.' });
  }
  return client;
}

async function storedResult(tx: Transaction, clientId: string, mutationId: number): Promise<MutationResult> {
  const [row] = await tx
    .select()
    .from(syncMutationResult)
    .where(and(eq(syncMutationResult.client_id, clientId), eq(syncMutationResult.mutation_id, mutationId)));
  // Results are kept while their client could resend them (its last push at least, see
  // pruneMutationResults); should a device resend an older one, say so rather than fail the push.
  if (!row) return resultExpired(mutationId);
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
  return new AppError('client_too_old', {
    message: 'This version of RunCoach is too old to sync. Reload the app to update it.',
    extra: {
      minSchemaVersion: MIN_SCHEMA_VERSION,
    },
  });
}
